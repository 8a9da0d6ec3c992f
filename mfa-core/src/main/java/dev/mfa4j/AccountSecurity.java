package dev.mfa4j;

import java.util.List;
import java.util.Map;

/**
 * A signed-in user's own two-factor settings. Obtain from {@link MfaEngine#account(UserRef)}.
 * Every change that weakens or rebinds the account takes the user's password. A wrong password is
 * audited and counts towards the user's lockout like a wrong code; while the user is locked, every
 * password-confirmed call throws {@link RateLimitedException} without checking the password.
 * Adding or removing a factor forgets every remembered device.
 */
public interface AccountSecurity {
  /** Whether two-factor is on: true exactly when the user has at least one active factor. */
  boolean twoFactorEnabled();

  /**
   * The user's enrolled factors, oldest first: the {@link dev.mfa4j.spi.FactorState#ACTIVE active}
   * ones and those {@link dev.mfa4j.spi.FactorState#DISABLED disabled} after too many failures,
   * each with its {@link FactorSummary#state() state} and failure count; never a pending
   * enrollment. Show a disabled factor as such ("disabled after too many failed codes: remove it
   * and set it up again"); only active ones sign in ({@link FactorSummary#active()}).
   */
  List<FactorSummary> factors();

  /**
   * Begins enrolling a factor. Checks the password, the policy (kind allowed for the audience) and
   * the label.
   *
   * @param kind the kind (a provider must be registered for it)
   * @param label the user's name for it, 1 to 64 characters
   * @param password the user's current password
   * @param parameters provider options (a phone number and channel, …)
   * @return the ceremony, valid for 10 minutes
   * @throws PasswordRejectedException if the password is wrong
   * @throws PolicyViolationException if the policy does not allow this kind, or the kind is a
   *     RESTRICTED one (SMS, voice) under {@code requireNonPhoneFactor} and the user holds no
   *     active non-restricted factor yet
   * @throws InvalidInputException if the label is malformed or no provider serves the kind
   */
  EnrollmentStart beginEnrollment(FactorKind kind, String label, Password password,
      Map<String, String> parameters, RequestContext request);

  /**
   * Confirms an enrollment with a code or a browser response. The first factor turns two-factor on
   * and returns 10 backup codes.
   */
  EnrollmentOutcome confirmEnrollment(ChallengeId ceremony, Answer answer, RequestContext request);

  /** Renames a factor. */
  void rename(FactorId factor, String label, RequestContext request);

  /**
   * Removes a factor. Removing the last one turns two-factor off: backup codes and remembered
   * devices are deleted too.
   *
   * @throws NotFoundException if the user has no such (non-pending) factor
   * @throws PolicyViolationException if it is the last non-restricted factor beside a phone under
   *     {@code requireNonPhoneFactor}
   */
  void remove(FactorId factor, Password password, RequestContext request);

  /**
   * Replaces all backup codes with a new set of 10 (shown once). Needs two-factor on.
   *
   * @throws PolicyViolationException if two-factor is off
   */
  BackupCodes regenerateBackupCodes(Password password, RequestContext request);

  /** Unused backup codes left. */
  int backupCodesRemaining();

  /** Turns two-factor off: removes every factor, backup code and remembered device. */
  void disableTwoFactor(Password password, RequestContext request);

  /** The user's remembered devices, newest first. */
  List<RememberedDevice> rememberedDevices();

  /** Forgets one remembered device. */
  void revokeDevice(String deviceId, RequestContext request);

  /** Forgets every remembered device. */
  void revokeAllDevices(RequestContext request);

  /**
   * Changes the user's password; needs the current one. The new one is checked against the
   * practice's rules (NIST SP 800-63B-4): 15 characters at least if the password is the user's
   * only factor, 8 with two-factor on, unless the practice set its own minimum. On success the
   * user's remembered devices are forgotten (unless {@link
   * dev.mfa4j.spi.PrimaryCredentials#revokesDevicesOnChange} says otherwise), and the change is
   * audited and notified ({@code PASSWORD_CHANGED}). Needs the {@link
   * dev.mfa4j.spi.PrimaryCredentials#change} capability.
   *
   * @return the verdict on the new password; it was stored exactly when accepted
   * @throws PasswordRejectedException if {@code current} is wrong (counted and audited)
   * @throws RateLimitedException if the user's password checks failed too often lately
   * @throws UnsupportedOperationException if the engine's credentials cannot change a password
   */
  PasswordCheck changePassword(Password current, Password next, RequestContext request);
}
