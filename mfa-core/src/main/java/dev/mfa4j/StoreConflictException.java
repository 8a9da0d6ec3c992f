package dev.mfa4j;

/**
 * A transient conflict in the store: the database refused the unit of work (SQLState 40001
 * serialization failure, 40P01 deadlock, MariaDB's deadlock error 1213; at a statement or at the
 * commit) and rolled all of it back. Nothing of the unit was written, so the engine runs the whole
 * unit again on fresh state, at most {@link MfaEngine.Builder#unitAttempts} times in all; a call
 * that still fails throws this exception (sign-in fails closed, nothing counted against the user).
 *
 * <p>A store of the host's own throws it to ask for that retry; it must then have undone the unit
 * entirely.
 */
public class StoreConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** A transient conflict; the message must not contain a value. */
  public StoreConflictException(String message) {
    super(message);
  }

  /** A transient conflict with its cause (e.g. an {@code SQLException}). */
  public StoreConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Always true: the unit of work may run again. */
  @Override
  public boolean retryable() {
    return true;
  }
}
