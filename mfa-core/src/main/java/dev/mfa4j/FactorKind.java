package dev.mfa4j;

/**
 * The kind of a second factor. The engine knows kinds only by their id; providers register the
 * kinds they implement on the {@link MfaEngine.Builder}.
 *
 * @param id lowercase letters, digits and {@code _}, 1 to 32 characters
 */
public record FactorKind(String id) {
  /** An authenticator app (RFC 6238 TOTP); module {@code mfa-totp}. */
  public static final FactorKind TOTP = new FactorKind("totp");
  /** A phone receiving codes by text message or voice call; module {@code mfa-sms-spi}. */
  public static final FactorKind PHONE = new FactorKind("phone");
  /** A passkey or security key (WebAuthn); module {@code mfa-webauthn}. */
  public static final FactorKind PASSKEY = new FactorKind("passkey");
  /**
   * Backup (recovery) codes. Built into the engine: issued with the first factor, never enrolled
   * on their own. Listed in a policy's allowed methods like any other kind.
   */
  public static final FactorKind BACKUP_CODE = new FactorKind("backup_code");

  /** Validates the id. */
  public FactorKind {
    java.util.Objects.requireNonNull(id, "factor kind");
    if (id.isEmpty() || id.length() > 32 || !id.matches("[a-z0-9_]+")) {
      throw new InvalidInputException("factor kind must be 1 to 32 characters of [a-z0-9_]");
    }
  }

  /** Shorthand for {@code new FactorKind(id)}. */
  public static FactorKind of(String id) {
    return new FactorKind(id);
  }
}
