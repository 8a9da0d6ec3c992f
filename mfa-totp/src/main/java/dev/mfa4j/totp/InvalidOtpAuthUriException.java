package dev.mfa4j.totp;

import dev.mfa4j.InvalidInputException;

/**
 * An {@code otpauth://} URI is malformed or asks for something this library does not do. The
 * message names the offending part and never repeats the secret.
 */
public final class InvalidOtpAuthUriException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  /**
   * A malformed URI; {@code message} must not quote the secret.
   *
   * @param message what is wrong, without the secret
   */
  public InvalidOtpAuthUriException(String message) {
    super(message);
  }

  /**
   * A malformed URI with the underlying cause.
   *
   * @param message what is wrong, without the secret
   * @param cause the underlying failure
   */
  public InvalidOtpAuthUriException(String message, Throwable cause) {
    super(message, cause);
  }
}
