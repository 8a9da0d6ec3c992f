package dev.mfa4j;

/**
 * The store sent the commit of a unit of work and could not learn whether it took effect (the
 * connection broke during {@code COMMIT}: SQLState class 08, 40003 statement completion unknown,
 * an administrator's shutdown 57P01 to 57P03, or no SQLState at all). The unit may or may not
 * have been written. It is never retried: running a sign-in again could apply it twice. The call
 * fails closed; what was written, if anything, shows in the audit log (the unit's audit rows
 * commit with it or not at all).
 */
public class StoreOutcomeUnknownException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** An unknown outcome; the message must not contain a value. */
  public StoreOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
