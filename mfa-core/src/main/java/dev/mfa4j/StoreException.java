package dev.mfa4j;

/**
 * The store failed (database down, constraint violated, unreadable row). Sign-in fails closed: no
 * call returns {@link LoginStep.Authenticated} when the store could not confirm every step.
 */
public class StoreException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** A store failure. */
  public StoreException(String message) {
    super(message);
  }

  /** A store failure with its cause (e.g. an {@code SQLException}). */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
