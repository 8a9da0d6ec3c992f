package dev.mfa4j.passwords;

import dev.mfa4j.LoginFlow;
import dev.mfa4j.LoginStep;

/**
 * The result of checking a password at sign-in with {@link Passwords#authenticate}. Show the user
 * the same message for {@link #REJECTED} whether the account exists or not.
 */
public enum PasswordOutcome {
  /** The password is right. Continue with {@link LoginFlow#afterPrimary}. */
  ACCEPTED,
  /**
   * The password is a valid temporary one. Continue with {@link LoginFlow#afterPrimary}, which
   * returns {@link LoginStep.PasswordChangeRequired}.
   */
  TEMPORARY,
  /** The password was a temporary one that has expired: an administrator must reset it again. */
  EXPIRED,
  /** Wrong password, or no password set. */
  REJECTED,
  /**
   * Too many failed attempts for this user lately (per account, or per source address with {@link
   * Passwords.Builder#sourceLimit}): the password was not even checked. Tell the user to try again
   * later; {@link Passwords#attempt} also says when ({@link PasswordAttempt#retryAfter()}).
   */
  THROTTLED;

  /** Whether the first factor passed ({@link #ACCEPTED} or {@link #TEMPORARY}). */
  public boolean passed() {
    return this == ACCEPTED || this == TEMPORARY;
  }
}
