package dev.mfa4j;

/**
 * A sensitive change (enroll or remove a factor, regenerate backup codes, turn two-factor off,
 * change the password) was refused because the password given to confirm it was wrong. Nothing was
 * changed; the failure was counted and audited.
 */
public class PasswordRejectedException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** With a fixed message. */
  public PasswordRejectedException() {
    super("the password did not match");
  }
}
