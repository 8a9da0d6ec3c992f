package dev.mfa4j;

/**
 * A sealed secret could not be opened: altered, bound to another factor, or made with an unknown
 * key. The engine treats the factor as unusable and fails closed.
 */
public class SecretProtectionException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the failure (never the secret). */
  public SecretProtectionException(String message) {
    super(message);
  }

  /** With the cryptographic cause. */
  public SecretProtectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
