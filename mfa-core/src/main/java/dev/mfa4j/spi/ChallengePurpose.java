package dev.mfa4j.spi;

/** What a stored challenge is for; an answer is accepted only for the purpose it was issued for. */
public enum ChallengePurpose {
  /** The second step of a sign-in. */
  SIGN_IN,
  /** A sign-in that may complete only once the user has enrolled a factor. */
  SIGN_IN_ENROLLMENT,
  /** A sign-in that may complete only once the user has changed a temporary password. */
  SIGN_IN_PASSWORD_CHANGE,
  /** Confirming a factor being enrolled. */
  ENROLLMENT,
  /**
   * A passwordless sign-in ({@link dev.mfa4j.LoginFlow#beginPasswordless}): issued before anyone
   * is identified, so its {@link ChallengeRecord#user()} is the reserved owner {@code
   * mfa4j.passwordless:ceremony}, which owns no ceremony of any other purpose (the engine refuses
   * both combinations). The user is known only once a credential answers it.
   */
  PASSWORDLESS_SIGN_IN,
  /**
   * A passkey proved one factor of a sign-in and the password must follow ({@link
   * dev.mfa4j.LoginStep.PasswordRequired}).
   */
  SIGN_IN_PASSWORD,
  /** Fresh proof from a signed-in user before a sensitive action ({@link dev.mfa4j.StepUpFlow}). */
  STEP_UP
}
