package dev.mfa4j;

/**
 * An actor tried something it may not do: an administrator acting on another practice, a
 * non-administrator calling the admin API, a user acting on someone else's factor. Nothing was
 * changed and the attempt was audited.
 */
public class AccessDeniedException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the rule (never a secret). */
  public AccessDeniedException(String message) {
    super(message);
  }
}
