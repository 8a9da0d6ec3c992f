package dev.mfa4j;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sign-in steps after the host's own first-factor (password) check, and the passwordless
 * sign-in with a passkey ({@link #beginPasswordless}, {@link #finishPasswordless}). Obtain from
 * {@link MfaEngine#login()}. Every call checks that the challenge belongs to the given user, so a
 * second step can never combine with another user's first step.
 */
public interface LoginFlow {
  /**
   * The host has checked the user's password. Decides what comes next: {@link
   * LoginStep.Authenticated} (two-factor off and not required, or a valid remembered device),
   * {@link LoginStep.SecondFactorRequired}, {@link LoginStep.EnrollmentRequired}, {@link
   * LoginStep.PasswordChangeRequired} or {@link LoginStep.Locked}.
   *
   * <p>It never falls open. A user who turned two-factor on but whose factors cannot answer now
   * (disabled after repeated failures, or of a kind the policy no longer allows) gets a second
   * step that only backup codes can pass; without usable backup codes, a user with any disabled
   * factor gets a second step nobody can pass (an administrator's {@link
   * Administration#disableTwoFactor} re-opens enrollment), and a user whose factors are all
   * active but no longer allowed gets {@link LoginStep.EnrollmentRequired}.
   *
   * @throws StoreException if the store fails: the sign-in fails closed
   */
  LoginStep afterPrimary(UserRef user, RequestContext request);

  /**
   * The user picked a factor on the second step: sends a code (SMS, voice) or returns the
   * browser's request JSON (passkey). Sends only when asked; a resend makes a new code and kills
   * the old one, and never resets a failure count.
   *
   * @param parameters provider options, e.g. {@code channel=VOICE}
   * @throws RateLimitedException if a send throttle bites, or the user's second step is locked
   * @throws InvalidInputException if the challenge or factor is not this user's, or the challenge
   *     is expired, completed or out of answers
   */
  dev.mfa4j.spi.Prompt prompt(UserRef user, ChallengeId challenge, FactorId factor,
      Map<String, String> parameters, RequestContext request);

  /**
   * Checks an answer to the second step, as one unit of work: what the answer spends (the code's
   * time step or issue number, the backup code, the challenge) and records (failures, last
   * sign-in, remembered device, audit rows) commits together or not at all. Parallel answers of
   * one user are decided one after another, on every node sharing the store, so the lockout holds
   * under concurrency. A double-submit or any answer that loses the race to another on the same
   * challenge spends nothing, is not counted as a failure, and gets {@link
   * LoginStep.Reason#ALREADY_COMPLETE}. When the user's only active factors are of kinds the
   * practice no longer allows, a correct answer leads to {@link LoginStep.EnrollmentRequired}
   * instead of {@link LoginStep.Authenticated}.
   *
   * @return {@link LoginStep.Authenticated}, {@link LoginStep.Retry}, {@link LoginStep.Locked},
   *     {@link LoginStep.EnrollmentRequired} or {@link LoginStep.Rejected}
   */
  LoginStep verify(UserRef user, ChallengeId challenge, Answer answer, RememberDevice remember,
      RequestContext request);

  /**
   * Finishes a sign-in that returned {@link LoginStep.EnrollmentRequired} once the user has
   * enrolled a factor during it. Only the factor of {@code enrollment} completes it: the
   * enrollment ceremony ({@link EnrollmentStart#ceremony()}) that this session began after the
   * sign-in challenge was issued and confirmed since; a factor enrolled in any other ceremony
   * (another session's) does not, and one enrollment completes one sign-in. Returns {@link
   * LoginStep.Authenticated} once, or {@link LoginStep.Rejected}.
   *
   * @param challenge the sign-in's {@link LoginStep.EnrollmentRequired#challenge()}
   * @param enrollment the confirmed enrollment ceremony of this session
   */
  LoginStep completeEnrollment(UserRef user, ChallengeId challenge, ChallengeId enrollment,
      RequestContext request);

  /**
   * Finishes the forced change after {@link LoginStep.PasswordChangeRequired}: checks the new
   * password against the practice's rules and, if it is accepted, stores it, forgets remembered
   * devices (unless configured otherwise), audits and notifies {@code PASSWORD_CHANGED}, then goes
   * on as {@link #afterPrimary} does (second factor, enrollment, …). Needs the {@link
   * dev.mfa4j.spi.PrimaryCredentials#check} and {@link
   * dev.mfa4j.spi.PrimaryCredentials#completeChange} capabilities; without {@link
   * dev.mfa4j.spi.PrimaryCredentials#changeRequired} no such step is ever returned.
   *
   * @return the next step; {@link LoginStep.PasswordChangeRequired} again, with the same challenge
   *     and the reasons, if the new password was refused; {@link LoginStep.Rejected} if the
   *     challenge is not open for this user
   * @throws UnsupportedOperationException if the engine's credentials cannot complete a change
   */
  LoginStep completePasswordChange(UserRef user, ChallengeId challenge, Password newPassword,
      RequestContext request);

  /**
   * Finishes a sign-in that a passkey began ({@link LoginStep.PasswordRequired}) with the
   * password of the user it named. The engine checks the password with its {@link
   * dev.mfa4j.spi.PrimaryCredentials}; a wrong one counts like a wrong code (user lockout, one of
   * the challenge's attempts). One unit of work.
   *
   * @return {@link LoginStep.Authenticated} (passkey and password: AAL2), {@link
   *     LoginStep.PasswordChangeRequired} for a temporary password, {@link LoginStep.Retry},
   *     {@link LoginStep.Locked} or {@link LoginStep.Rejected}
   * @throws RateLimitedException if the credentials throttle password checks for this account
   */
  LoginStep completeWithPassword(UserRef user, ChallengeId challenge, Password password,
      RememberDevice remember, RequestContext request);

  /**
   * Starts a passwordless sign-in on a sign-in page of {@code practice}: nobody is identified yet.
   * Keep {@link PasswordlessStart#ceremony()} in the server-side session and give the page {@link
   * PasswordlessStart#prompt()}'s {@code clientJson} (for a passkey: {@code
   * navigator.credentials.get} options for a discoverable credential, no {@code allowCredentials},
   * user verification required). The ceremony lives for the policy's {@code challengeLifetime},
   * by the engine's clock, and answers once.
   *
   * @throws PolicyViolationException if the practice allows passkeys for no audience
   * @throws IllegalStateException if no registered provider does passwordless sign-in (for {@code
   *     PasskeyFactor}: built without {@code passwordless(true)})
   * @throws StoreException if the store fails
   */
  PasswordlessStart beginPasswordless(PracticeId practice, RequestContext request);

  /**
   * Finishes a passwordless sign-in with the browser's response (for a passkey: {@code
   * JSON.stringify(credential.toJSON())}), as one unit of work, like {@link #verify}: the
   * credential's owner is identified, locked, and decided exactly like a second-step answer.
   * Refused while that user is locked ({@link LoginStep.Locked}; nothing counted or spent), or if
   * the policy does not allow passkeys for the user's audience (not counted). A wrong signature,
   * a disabled passkey, a failed user verification or a counter regression counts a failure
   * toward the user's lockout and the passkey's failure limit, audits {@code
   * SECOND_FACTOR_FAILED} and notifies the user; a credential of nobody in this practice counts
   * toward nobody (audited without a subject). Any refused answer ends the ceremony: {@link
   * LoginStep.Rejected} with {@link LoginStep.Reason#ATTEMPTS_EXHAUSTED} (begin again), or
   * {@link LoginStep.Locked} if this failure locked the user. A double submit or a lost race
   * spends nothing, counts nothing, and gets {@link LoginStep.Reason#ALREADY_COMPLETE}. A
   * credential registered nowhere (removed, say) gets {@link LoginStep.Reason#UNKNOWN_CREDENTIAL}
   * so the page can tell the browser to forget it. Success with a passkey that verified the
   * person, where the practice lets a passkey sign in the user's audience ({@link
   * PracticePolicy#passkeySignIn()}), audits {@code SIGN_IN_SUCCEEDED} with {@code
   * via=passwordless}, records the sign-in and the passkey's use, and returns {@link
   * LoginStep.Authenticated} with method {@link FactorKind#PASSKEY} at AAL2; otherwise the
   * passkey's use is recorded and {@link LoginStep.PasswordRequired} asks for the password
   * ({@link #completeWithPassword}).
   *
   * @param ceremony {@link PasswordlessStart#ceremony()} from the session
   * @param response the browser's response, at most {@link Answer#MAX_LENGTH} characters
   * @param users the host's directory: the user of {@code practice} with this id, with audience
   *     and admin flag, or empty if the host has no such user or does not let them sign in (the
   *     answer is then refused as an unknown credential); a reference of another user or practice
   *     is treated as empty
   * @param remember whether to remember the browser (if the policy allows it)
   * @return {@link LoginStep.Authenticated}, {@link LoginStep.PasswordRequired}, {@link
   *     LoginStep.Locked} or {@link LoginStep.Rejected}
   * @throws InvalidInputException if the response is longer than {@link Answer#MAX_LENGTH}
   * @throws StoreException if the store fails: the sign-in fails closed
   */
  LoginStep finishPasswordless(PracticeId practice, ChallengeId ceremony, String response,
      Function<UserId, Optional<UserRef>> users, RememberDevice remember, RequestContext request);
}
