package dev.mfa4j.spi;

import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RequestContext;
import dev.mfa4j.TemporaryPassword;
import dev.mfa4j.UserRef;

/**
 * The user's first factor as the engine sees it: the host's password table, or the built-in
 * {@code dev.mfa4j.passwords.Passwords} (module {@code mfa-passwords}).
 *
 * <p>Only {@link #verify(UserRef, Password)} is required, so a host that can only check a
 * password passes a function ({@code .passwordVerifier(users::matches)}). The other methods are
 * capabilities: each one a host implements turns on the engine flow that needs it, with the
 * engine's audit, notices, challenges and device revocation around it.
 *
 * <table>
 *   <caption>Capabilities and the engine flows that need them</caption>
 *   <tr><th>capability</th><th>engine flow</th><th>without it</th></tr>
 *   <tr><td>{@link #changeRequired}, {@link #check}, {@link #completeChange}</td>
 *       <td>the forced change at sign-in ({@code LoginStep.PasswordChangeRequired}, {@code
 *       LoginFlow.completePasswordChange})</td>
 *       <td>never required (no such challenge is issued)</td></tr>
 *   <tr><td>{@link #change}</td><td>{@code AccountSecurity.changePassword}</td><td>throws</td></tr>
 *   <tr><td>{@link #replace}, {@link #hasPassword}</td><td>{@code MfaEngine.setPassword}</td>
 *       <td>throws</td></tr>
 *   <tr><td>{@link #issueTemporary}</td><td>{@code Administration.resetPassword}</td>
 *       <td>throws</td></tr>
 *   <tr><td>{@link #requireChangeIfShorter}</td><td>turning two-factor off</td>
 *       <td>no password is marked</td></tr>
 * </table>
 *
 * <p>"Throws" is an {@link UnsupportedOperationException} naming the missing method, thrown
 * before anything is written or audited. Implementations must be thread-safe, compare passwords
 * in constant time and never log them. The engine calls them inside its unit of work, so writes to
 * the {@link MfaStore}'s {@link PasswordStore} commit with the engine's audit row.
 */
@FunctionalInterface
public interface PrimaryCredentials {
  /**
   * Whether {@code password} is the user's current password (a temporary one counts until it
   * expires). The engine asks before sensitive changes (enroll or remove a factor, regenerate
   * backup codes, turn two-factor off); a {@code false} is audited and counted with the user's
   * failures. Must compare in constant time.
   */
  boolean verify(UserRef user, Password password);

  /**
   * {@link #verify(UserRef, Password)} with the request that asked, for implementations that
   * throttle per source address. The engine calls this one; the default ignores the request.
   */
  default boolean verify(UserRef user, Password password, RequestContext request) {
    return verify(user, password);
  }

  /**
   * Whether the user must replace their password before the sign-in goes on (a temporary one
   * from an administrator's reset, or one marked by {@link #requireChangeIfShorter}). Default:
   * never.
   */
  default boolean changeRequired(UserRef user) {
    return false;
  }

  /**
   * Checks a proposed password without storing it.
   *
   * @throws UnsupportedOperationException unless implemented
   */
  default PasswordCheck check(UserRef user, Password candidate, PasswordRules rules) {
    throw unsupported("check");
  }

  /**
   * Completes a required change: stores {@code next} if it meets {@code rules} and the stored
   * password is still one that {@link #changeRequired must be changed}. The user proved the old
   * one through the engine's sign-in challenge.
   *
   * @return the verdict; stored exactly when accepted
   * @throws PasswordRejectedException if no change is required any more (replaced or expired
   *     meanwhile)
   * @throws UnsupportedOperationException unless implemented
   */
  default PasswordCheck completeChange(UserRef user, Password next, PasswordRules rules) {
    throw unsupported("completeChange");
  }

  /**
   * The user's own change: stores {@code next} if {@code current} is their password and {@code
   * next} meets {@code rules}; two concurrent changes must not both win.
   *
   * @return the verdict on {@code next}; stored exactly when accepted
   * @throws PasswordRejectedException if {@code current} is wrong (the engine audits and counts it)
   * @throws RateLimitedException if the implementation throttles the user's checks
   * @throws UnsupportedOperationException unless implemented
   */
  default PasswordCheck change(UserRef user, Password current, Password next,
      PasswordRules rules) {
    throw unsupported("change");
  }

  /**
   * Stores {@code next} in place of any password, if it meets {@code rules} (a new account, or the
   * host's recovery once it verified the user another way).
   *
   * @return the verdict; stored exactly when accepted
   * @throws UnsupportedOperationException unless implemented
   */
  default PasswordCheck replace(UserRef user, Password next, PasswordRules rules) {
    throw unsupported("replace");
  }

  /**
   * Whether the user has a password.
   *
   * @throws UnsupportedOperationException unless implemented
   */
  default boolean hasPassword(UserRef user) {
    throw unsupported("hasPassword");
  }

  /**
   * Replaces the user's password with a new random temporary one that {@link #changeRequired
   * must be changed} at the next sign-in (an administrator's reset). {@link
   * TemporaryPassword#generate} makes one.
   *
   * @return the temporary password, to show once
   * @throws UnsupportedOperationException unless implemented
   */
  default TemporaryPassword issueTemporary(UserRef user) {
    throw unsupported("issueTemporary");
  }

  /**
   * Two-factor was just turned off, so the password is now the only factor: marks it as one to
   * {@link #changeRequired change} at the next sign-in if it is shorter than {@code minLength}
   * (or of unknown length). Default: marks nothing.
   *
   * @return whether it was marked
   */
  default boolean requireChangeIfShorter(UserRef user, int minLength) {
    return false;
  }

  /**
   * Whether the engine forgets the user's remembered devices when they change their password
   * (default true; an administrator's reset and {@code MfaEngine.setPassword} always do).
   */
  default boolean revokesDevicesOnChange() {
    return true;
  }

  private UnsupportedOperationException unsupported(String method) {
    return new UnsupportedOperationException("the engine's PrimaryCredentials ("
        + getClass().getName() + ") does not implement " + method + "(…): implement it, or use"
        + " the built-in dev.mfa4j.passwords.Passwords (module mfa-passwords)");
  }
}
