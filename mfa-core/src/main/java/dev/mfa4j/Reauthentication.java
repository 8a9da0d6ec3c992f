package dev.mfa4j;

/**
 * What a practice asks before a change that weakens an account's security (enroll or remove a
 * factor, new backup codes, turn two-factor off) and, unless {@link #PASSWORD}, before an
 * administrator's changes. A practice setting ({@link PracticePolicy#reauthentication()}).
 *
 * <p>"Recent" means within {@link PracticePolicy#stepUpMaxAge()}, counted from the proof in the
 * session's {@link Assurance} record (a sign-in or a step-up, see {@link StepUpFlow}) or from a
 * password given with the call. A user with no usable second factor can make no step-up: the
 * password then stands in for it (the password is everything such an account has).
 */
public enum Reauthentication {
  /** The password, given with the call or recent in the session (the default). */
  PASSWORD,
  /**
   * A recent second factor (a step-up) instead of the password: for accounts that sign in with a
   * passkey and may have no password at all. Administrators' changes need one too.
   */
  STEP_UP,
  /** Both a recent password and a recent second factor. Administrators' changes need a step-up. */
  PASSWORD_AND_STEP_UP;

  /** Whether this asks for a password. */
  public boolean password() {
    return this != STEP_UP;
  }

  /** Whether this asks for a second factor. */
  public boolean stepUp() {
    return this != PASSWORD;
  }
}
