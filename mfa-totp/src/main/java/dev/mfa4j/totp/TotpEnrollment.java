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

  /** {@return the key for typing into an app, Base32 in groups of four ({@code "JBSW Y3DP …"})} */
  public String groupedKey() {
    return uri.secret().grouped();
  }

  /** {@return the {@code otpauth://totp/…} URI (contains the secret)} */
  public String otpauthUri() {
    return uri.uri();
  }

  /** {@return the parsed form of the URI: issuer, account, secret and parameters} */
  public OtpAuthUri keyUri() {
    return uri;
  }

  /** {@return the issuer shown in the app} */
  public String issuer() {
    return uri.issuer();
  }

  /** {@return the account name shown in the app} */
  public String account() {
    return uri.account();
  }

  /** {@return algorithm, digits and period: tell the user if they are not the defaults} */
  public TotpParameters parameters() {
    return uri.parameters();
  }

  /** {@return the URI as a QR code with the factor's options} */
  public QrCode qrCode() {
    return QrCode.of(uri.uri(), qrOptions);
  }

  /**
   * The URI as a QR code with other options.
   *
   * @param options size, margin and error-correction level
   * @return the QR code
   */
  public QrCode qrCode(QrOptions options) {
    return QrCode.of(uri.uri(), options);
  }

  /** {@return a PNG {@code data:} URI for an {@code <img>}: {@code qrCode().dataUri()}} */
  public String qrDataUri() {
    return qrCode().dataUri();
  }

  /** {@return the QR code as an SVG document: {@code qrCode().svg()}} */
  public String qrSvg() {
    return qrCode().svg();
  }

  /** {@return the QR code as a PNG file: {@code qrCode().png()}} */
  public byte[] qrPng() {
    return qrCode().png();
  }

  /** Redacted. */
  @Override
  public String toString() {
    return "TotpEnrollment[issuer=" + uri.issuer() + ", " + uri.parameters() + ", redacted]";
  }
}
