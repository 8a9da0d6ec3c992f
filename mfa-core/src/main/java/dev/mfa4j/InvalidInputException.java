package dev.mfa4j;

/**
 * Input from outside (a form field, a cookie, a URL, JSON from a browser) is malformed: too long,
 * of the wrong characters, of an unknown kind. Nothing was changed. The message says what is wrong
 * with the input without repeating it.
 */
public class InvalidInputException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** An invalid input; the message must not quote the input if it may be secret. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** An invalid input, with the parser's exception as cause. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
