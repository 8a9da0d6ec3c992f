package dev.mfa4j.totp;

import java.util.Objects;

/**
 * What to show a user who is adding an authenticator app: a QR code to scan, or the key to type.
 * Read it with {@code EnrollmentStart.details(TotpEnrollment.class)}. Secret-bearing: the key, URI
 * and QR code are shown once, to their owner only; {@code toString} is redacted.
 */
public final class TotpEnrollment {
  private final OtpAuthUri uri;
  private final QrOptions qrOptions;

  TotpEnrollment(OtpAuthUri uri, QrOptions qrOptions) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.qrOptions = Objects.requireNonNull(qrOptions, "qrOptions");
  }

  /** The key for typing into an app, Base32 in groups of four ({@code "JBSW Y3DP …"}). */
  public String groupedKey() {
    return uri.secret().grouped();
  }

  /** The {@code otpauth://totp/…} URI (contains the secret). */
  public String otpauthUri() {
    return uri.uri();
  }

  /** The parsed form of the URI: issuer, account, secret and parameters. */
  public OtpAuthUri keyUri() {
    return uri;
  }

  /** The issuer shown in the app. */
  public String issuer() {
    return uri.issuer();
  }

  /** The account name shown in the app. */
  public String account() {
    return uri.account();
  }

  /** Algorithm, digits and period: tell the user if they are not the defaults. */
  public TotpParameters parameters() {
    return uri.parameters();
  }

  /** The URI as a QR code with the factor's options. */
  public QrCode qrCode() {
    return QrCode.of(uri.uri(), qrOptions);
  }

  /** The URI as a QR code with other options. */
  public QrCode qrCode(QrOptions options) {
    return QrCode.of(uri.uri(), options);
  }

  /** Shorthand for {@code qrCode().dataUri()}: a PNG {@code data:} URI for an {@code <img>}. */
  public String qrDataUri() {
    return qrCode().dataUri();
  }

  /** Shorthand for {@code qrCode().svg()}. */
  public String qrSvg() {
    return qrCode().svg();
  }

  /** Shorthand for {@code qrCode().png()}. */
  public byte[] qrPng() {
    return qrCode().png();
  }

  /** Redacted. */
  @Override
  public String toString() {
    return "TotpEnrollment[issuer=" + uri.issuer() + ", " + uri.parameters() + ", redacted]";
  }
}
