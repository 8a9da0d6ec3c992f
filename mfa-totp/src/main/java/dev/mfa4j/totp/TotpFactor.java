package dev.mfa4j.totp;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticator apps (Google Authenticator, Microsoft Authenticator, Authy, 2FAS, Duo Mobile…) as
 * a factor of kind {@link FactorKind#TOTP}. Register one on the engine's builder:
 *
 * <pre>{@code
 * MfaEngine.builder().factor(TotpFactor.builder().issuer("Sunrise Therapy").build())
 * }</pre>
 *
 * <p>Enrollment generates a secret from the engine's {@code SecureRandom}, seals it through the
 * engine's {@code SecretProtector}, and returns a {@link TotpEnrollment} (key, URI, QR code). The
 * enrollment parameter {@code account} names the account in the app (default: the user id). A
 * user may hold several named TOTP factors; each keeps its own secret, parameters and last
 * accepted step.
 *
 * <p>Verification (RFC 6238 §5.2): spaces are removed and the rest must be exactly the factor's
 * number of ASCII digits, or the answer is {@link VerificationOutcome#MALFORMED} before the secret
 * is even opened. Every step within the policy's {@code totpWindow} of now (±1 by default) is
 * computed and compared in constant time; a step at or before the factor's last accepted step is
 * {@link VerificationOutcome#REPLAYED}, and a match is recorded with one conditional write
 * ({@link FactorContext#advanceCounter}), so a code is accepted once even under concurrent
 * requests. The details of a verdict carry {@code time_step} and {@code drift_steps} (the matched
 * step minus the server's current step; negative when the phone's clock is behind).
 */
public final class TotpFactor implements FactorProvider {
  private static final Logger LOG = LoggerFactory.getLogger(TotpFactor.class);

  static final String ATTR_ALGORITHM = "algorithm";
  static final String ATTR_DIGITS = "digits";
  static final String ATTR_PERIOD = "period";
  /** The enrollment parameter naming the account in the app. */
  public static final String PARAM_ACCOUNT = "account";

  private final String issuer;
  private final TotpParameters parameters;
  private final int secretBytes;
  private final QrOptions qrOptions;

  private TotpFactor(Builder b) {
    this.issuer = b.issuer;
    this.parameters = b.parameters();
    this.secretBytes = b.secretBytes == 0 ? parameters.algorithm().defaultKeyBytes() : b.secretBytes;
    this.qrOptions = b.qrOptions;
  }

  /**
   * A builder; {@link Builder#issuer} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@link FactorKind#TOTP}. */
  @Override
  public FactorKind kind() {
    return FactorKind.TOTP;
  }

  /** {@return the parameters new factors get} */
  public TotpParameters parameters() {
    return parameters;
  }

  /** Generates and seals a secret; details are a {@link TotpEnrollment}. */
  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> params) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(params, "parameters");
    for (String key : params.keySet()) {
      if (!PARAM_ACCOUNT.equals(key)) {
        throw new InvalidInputException("unknown TOTP enrollment parameter");
      }
    }
    String account = params.getOrDefault(PARAM_ACCOUNT, pending.user().value());
    account = OtpAuthUri.checkName(account, "account");
    TotpSecret secret = TotpSecret.generate(ctx.random(), secretBytes);
    OtpAuthUri uri = OtpAuthUri.of(issuer, account, secret, parameters);
    byte[] key = secret.reveal();
    FactorRecord sealed;
    try {
      Map<String, String> attributes = new HashMap<>(pending.attributes());
      attributes.put(ATTR_ALGORITHM, parameters.algorithm().name());
      attributes.put(ATTR_DIGITS, Integer.toString(parameters.digits()));
      attributes.put(ATTR_PERIOD, Integer.toString(parameters.periodSeconds()));
      FactorRecord withAttributes = pending.withAttributes(attributes);
      sealed = withAttributes.withSealedSecret(ctx.seal(withAttributes, key));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    return new Enrollment(sealed, new TotpEnrollment(uri, qrOptions));
  }

  /**
   * Accepts a current code from the new app, with the same checks as {@link #verify}; the matched
   * step is recorded on the pending factor's counter, so the same code cannot also pass the first
   * sign-in.
   */
  @Override
  public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    return check(ctx, pending, answer);
  }

  /** Nothing to send: the app shows the code. */
  @Override
  public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> params) {
    return Prompt.none();
  }

  /** Checks a code as described on the class. */
  @Override
  public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    return check(ctx, factor, answer);
  }

  /** Algorithm, digits and period. */
  @Override
  public Map<String, String> display(FactorRecord factor) {
    TotpParameters p = parametersOf(factor);
    return Map.of(ATTR_ALGORITHM, p.algorithm().name(), ATTR_DIGITS,
        Integer.toString(p.digits()), ATTR_PERIOD, Integer.toString(p.periodSeconds()));
  }

  private Verification check(FactorContext ctx, FactorRecord factor, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(answer, "answer");
    if (!(answer instanceof Answer.Code)) {
      return Verification.rejected(VerificationOutcome.MALFORMED, Map.of("reason", "not a code"));
    }
    Answer.Code code = (Answer.Code) answer;
    if (!code.factor().equals(factor.id())) {
      return Verification.rejected(VerificationOutcome.MALFORMED,
          Map.of("reason", "code for another factor"));
    }
    TotpParameters p = parametersOf(factor);
    String typed = code.reveal();
    if (!Otp.normalize(typed, new byte[p.digits()])) {
      return Verification.rejected(VerificationOutcome.MALFORMED,
          Map.of("reason", "not " + p.digits() + " digits"));
    }
    TotpCheck result;
    byte[] key = ctx.open(factor);
    try {
      result = Otp.verify(key, p, ctx.clock().instant(), ctx.policy().totpWindow(), typed,
          factor.counter());
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    switch (result.status()) {
      case MALFORMED:
        return Verification.rejected(VerificationOutcome.MALFORMED, Map.of());
      case NO_MATCH:
        return Verification.rejected(VerificationOutcome.INVALID, Map.of());
      case REPLAYED:
        return Verification.rejected(VerificationOutcome.REPLAYED, details(result));
      case MATCHED:
      default:
        break;
    }
    if (result.step() < 1 || !ctx.advanceCounter(factor, result.step())) {
      return Verification.rejected(VerificationOutcome.REPLAYED, details(result));
    }
    if (result.offset() != 0) {
      LOG.debug("TOTP factor {} matched {} step(s) from the server's clock", factor.id().value(),
          result.offset());
    }
    return Verification.accepted(details(result));
  }

  private static Map<String, String> details(TotpCheck result) {
    return Map.of("time_step", Long.toString(result.step()), "drift_steps",
        Integer.toString(result.offset()));
  }

  /** The parameters stored on a factor; a record without them is corrupt and fails closed. */
  static TotpParameters parametersOf(FactorRecord factor) {
    Map<String, String> a = factor.attributes();
    try {
      return TotpParameters.of(OtpAlgorithm.valueOf(a.get(ATTR_ALGORITHM)),
          Integer.parseInt(a.get(ATTR_DIGITS)), Integer.parseInt(a.get(ATTR_PERIOD)));
    } catch (RuntimeException e) {
      throw new IllegalStateException("TOTP factor " + factor.id().value()
          + " has missing or invalid parameters", e);
    }
  }

  @Override
  public String toString() {
    return "TotpFactor[issuer=" + issuer + ", " + parameters + "]";
  }

  /** Configures a {@link TotpFactor}. */
  public static final class Builder {
    private String issuer;
    private OtpAlgorithm algorithm = OtpAlgorithm.SHA1;
    private int digits = 6;
    private Duration period = Duration.ofSeconds(30);
    private int secretBytes;
    private QrOptions qrOptions = QrOptions.DEFAULTS;

    private Builder() {}

    /**
     * The practice or product name the app shows above the code (required).
     *
     * @param value the issuer name, 1 to 256 characters
     * @return this builder
     */
    public Builder issuer(String value) {
      issuer = OtpAuthUri.checkName(value, "issuer");
      return this;
    }

    /**
     * The HMAC (default SHA-1). Google Authenticator (Android), Microsoft Authenticator, Authy,
     * Duo, LastPass and 2FAS are reported to ignore this and compute SHA-1 codes, so their users
     * could not confirm enrollment with another.
     *
     * @param value the HMAC
     * @return this builder
     */
    public Builder algorithm(OtpAlgorithm value) {
      algorithm = Objects.requireNonNull(value, "algorithm");
      return this;
    }

    /**
     * Digits per code, 6 (default) to 8. Google Authenticator on Android ignores {@code digits}
     * (Key-Uri-Format wiki).
     *
     * @param value digits per code
     * @return this builder
     */
    public Builder digits(int value) {
      digits = value;
      return this;
    }

    /**
     * The time step, 30 s (default) or 60 s. Google Authenticator ignores {@code period} (Key-Uri-
     * Format wiki) and always uses 30 s.
     *
     * @param value the time step
     * @return this builder
     */
    public Builder period(Duration value) {
      period = Objects.requireNonNull(value, "period");
      return this;
    }

    /**
     * Secret length in bytes, 16 to 128 (default: 20, 32 or 64 by algorithm).
     *
     * @param value secret length in bytes
     * @return this builder
     */
    public Builder secretBytes(int value) {
      if (value < TotpSecret.MIN_BYTES || value > TotpSecret.MAX_BYTES) {
        throw new IllegalArgumentException("secretBytes must be 16 to 128");
      }
      secretBytes = value;
      return this;
    }

    /**
     * How enrollment QR codes are drawn (default 256 px, margin 4, level M).
     *
     * @param value size, margin and error-correction level
     * @return this builder
     */
    public Builder qrOptions(QrOptions value) {
      qrOptions = Objects.requireNonNull(value, "qrOptions");
      return this;
    }

    private TotpParameters parameters() {
      return new TotpParameters(algorithm, digits, period);
    }

    /**
     * Builds the factor.
     *
     * @return the factor provider
     * @throws IllegalStateException if no issuer was set
     * @throws IllegalArgumentException if digits or period are out of range
     */
    public TotpFactor build() {
      if (issuer == null) {
        throw new IllegalStateException("issuer is required");
      }
      TotpParameters p = parameters();
      if (!p.equals(TotpParameters.DEFAULTS)) {
        LOG.warn("TOTP factor configured with {}: some authenticator apps ignore non-default "
            + "algorithm, digits or period and would show codes that never match", p);
      }
      return new TotpFactor(this);
    }
  }
}
