package dev.mfa4j;

/**
 * The store failed (database down, constraint violated, unreadable row). Sign-in fails closed: no
 * call returns {@link LoginStep.Authenticated} when the store could not confirm every step.
 *
 * <p>Two subclasses say more: {@link StoreConflictException} (a transient conflict such as a
 * serialization failure: nothing was written, and the engine runs the whole unit of work again a
 * bounded number of times before it throws) and {@link StoreOutcomeUnknownException} (the commit
 * was sent and its result is unknown: never retried).
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

  /**
   * Whether the failure was transient and left nothing written, so that running the whole unit
   * of work again may succeed ({@link StoreConflictException}). False for every other store
   * failure.
   */
  public boolean retryable() {
    return false;
  }
}
