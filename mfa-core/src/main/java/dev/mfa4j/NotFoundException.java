package dev.mfa4j;

/** The factor, device or ceremony named by an id does not exist for this user. Nothing changed. */
public class NotFoundException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** With a message naming what is missing (never a secret). */
  public NotFoundException(String message) {
    super(message);
  }
}
