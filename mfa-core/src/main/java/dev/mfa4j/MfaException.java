package dev.mfa4j;

/**
 * Root of mfa4j's unchecked exceptions. Messages never contain a secret, code, token, password or
 * full phone number; the cause is kept for diagnosis.
 */
public class MfaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that must not contain secrets. */
  public MfaException(String message) {
    super(message);
  }

  /** An exception keeping its cause; the message must not contain secrets. */
  public MfaException(String message, Throwable cause) {
    super(message, cause);
  }
}
