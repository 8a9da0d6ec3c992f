package dev.mfa4j;

import java.util.List;
import java.util.Map;

/**
 * A signed-in user's own two-factor settings. Obtain from {@link MfaEngine#account(UserRef)}.
 *
 * <p>Every change that weakens or rebinds the account (enroll, remove, new backup codes, turn
 * two-factor off) first asks what the practice's {@link PracticePolicy#reauthentication()} rule
 * asks: by default the password, given with the call (the overloads that take a {@link
 * Password}) or proven within {@link PracticePolicy#stepUpMaxAge()} in the session's {@link
 * Assurance} record ({@link #confirmedBy}; the overloads without a password); under {@link
 * Reauthentication#STEP_UP} a recent second factor instead, and under {@link
 * Reauthentication#PASSWORD_AND_STEP_UP} both. What is missing is thrown as {@link
 * StepUpRequiredException} (audited {@code STEP_UP_REQUIRED}, nothing changed). A wrong password
 * is audited and counts towards the user's lockout like a wrong code; while the user is locked,
 * every password-confirmed call throws {@link RateLimitedException} without checking the
 * password. Adding or removing a factor forgets every remembered device.
 *
 * <pre>{@code
 * AccountSecurity account = mfa.account(user).confirmedBy(session.assurance());
 * try {
 *   List<ClientSignal> signals = account.remove(factorId, request);
 * } catch (StepUpRequiredException e) {
 *   redirectToStepUp(e.action(), e.needs());   // then retry with the new record
 * }
 * }</pre>
 */
public interface AccountSecurity {
  /**
   * This account with the session's assurance record: a recent password or second factor in it
   * counts towards {@link PracticePolicy#reauthentication()}. A record that is not this user's or
   * not genuine (its MAC does not check) counts for nothing.
   */
  AccountSecurity confirmedBy(Assurance assurance);

  /** What the user should be told to do to avoid being locked out (empty: nothing). */
  List<Advice> advice();

  /** Advice for the user's security page. */
  enum Advice {
    /**
     * The user's only factor is a passkey kept on one device ("this device only"): losing that
     * device leaves only the backup codes ({@link #backupCodesRemaining()}; none once used up).
     * Suggest a second passkey, preferably a synced one, and keeping the backup codes safe or
     * making new ones.
     */
    ADD_BACKUP_FOR_DEVICE_BOUND_PASSKEY,
    /**
     * The user's only factors are text or voice codes, a RESTRICTED authenticator: suggest an
     * authenticator app or a passkey.
     */
    ADD_UNRESTRICTED_FACTOR
  }

  /**
   * What the browser's credential manager should be told now (the WebAuthn Signal API): the
   * passkeys still accepted and, with {@code names}, the user's current names. Call after the
   * user's name or display name changed.
   */
  List<ClientSignal> signals(ClientSignal.Names names);
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
   * Begins enrolling a factor on the strength of the session's {@link #confirmedBy assurance
   * record} alone: a password proven within {@link PracticePolicy#stepUpMaxAge()} (and a second
   * factor, as the policy asks). This is how a host offers a passkey right after a password
   * sign-in (the browser's conditional create, parameter {@code mediation=conditional}).
   *
   * @throws StepUpRequiredException if the record lacks a recent proof the policy asks for
   */
  EnrollmentStart beginEnrollment(FactorKind kind, String label, Map<String, String> parameters,
      RequestContext request);

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
   * @return what the browser's credential manager should be told (a removed passkey: {@code
   *     signalAllAcceptedCredentials}); empty for other kinds
   * @throws PolicyViolationException if it is the last non-restricted factor beside a phone under
   *     {@code requireNonPhoneFactor}
   */
  List<ClientSignal> remove(FactorId factor, Password password, RequestContext request);

  /**
   * Removes a factor on the strength of the session's assurance record (see {@link
   * #beginEnrollment(FactorKind, String, Map, RequestContext)}); otherwise as {@link
   * #remove(FactorId, Password, RequestContext)}.
   *
   * @throws StepUpRequiredException if the record lacks a recent proof the policy asks for
   */
  List<ClientSignal> remove(FactorId factor, RequestContext request);

  /**
   * Replaces all backup codes with a new set of 10 (shown once). Needs two-factor on.
   *
   * @throws PolicyViolationException if two-factor is off
   */
  BackupCodes regenerateBackupCodes(Password password, RequestContext request);

  /**
   * New backup codes on the strength of the session's assurance record.
   *
   * @throws StepUpRequiredException if the record lacks a recent proof the policy asks for
   */
  BackupCodes regenerateBackupCodes(RequestContext request);

  /** Unused backup codes left. */
  int backupCodesRemaining();

  /** Turns two-factor off: removes every factor, backup code and remembered device. */
  void disableTwoFactor(Password password, RequestContext request);

  /**
   * Turns two-factor off on the strength of the session's assurance record.
   *
   * @throws StepUpRequiredException if the record lacks a recent proof the policy asks for
   */
  void disableTwoFactor(RequestContext request);

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
