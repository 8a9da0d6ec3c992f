package dev.mfa4j;

import dev.mfa4j.spi.Prompt;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Fresh proof from a user who is already signed in, before a sensitive action: opening a client's
 * chart export, turning two-factor off, an administrator's change. Obtain from {@link
 * MfaEngine#stepUp()}. Spring Security 7 models the same thing as a factor with a maximum age.
 *
 * <pre>{@code
 * StepUpFlow stepUp = mfa.stepUp();
 * if (!stepUp.isFresh(session.assurance(), Duration.ofMinutes(5))) {
 *   LoginStep s = stepUp.begin(user, session.assurance(), "export_chart", request);
 *   // SecondFactorRequired: show the same second step as at sign-in, then
 *   LoginStep done = stepUp.verify(user, challenge, Answer.code(factor, code), request);
 *   if (done instanceof LoginStep.Authenticated a) session.setAssurance(a.assurance());
 * }
 * }</pre>
 *
 * <p>A step-up is a second step like the sign-in's, with the same rules: the user's allowed
 * active factors and backup codes, the challenge's lifetime and attempts, failures counted
 * towards the user's lockout and the factor's failure limit, single use of every code, and one
 * unit of work per answer. It records no sign-in and remembers no browser; it is audited as
 * {@code STEP_UP_SUCCEEDED} with the action's name.
 */
public interface StepUpFlow {
  /**
   * Whether the record is genuine and shows a second factor (or a passkey that verified the
   * person) within {@code maxAge} of now, by the engine's clock, at AAL2.
   */
  boolean isFresh(Assurance assurance, Duration maxAge);

  /**
   * Reads back an {@link Assurance#token()}; empty if it is malformed or was not made by an
   * engine with this secret key.
   */
  Optional<Assurance> restore(String token);

  /**
   * The password typed again for a change (one prompt per action): checks it as the account's
   * password-confirmed calls do (a wrong one is audited and counted towards the user's lockout;
   * while locked nothing is checked) and returns the session's record with a password proof of
   * now added, which {@link AccountSecurity#confirmedBy} then accepts for {@link
   * PracticePolicy#stepUpMaxAge()}.
   *
   * @param current the session's record (its proofs carry over)
   * @throws PasswordRejectedException if the password is wrong
   * @throws RateLimitedException if the user is locked
   * @throws InvalidInputException if the record is not this user's genuine record
   */
  Assurance confirmPassword(UserRef user, Assurance current, Password password,
      RequestContext request);

  /**
   * Starts a step-up for {@code action}.
   *
   * @param user the signed-in user
   * @param current the session's record (its proofs carry over into the new one)
   * @param action what it is for, 1 to 64 of {@code a-z 0-9 _ . -} (audited)
   * @return {@link LoginStep.SecondFactorRequired} (its challenge answers only {@link #prompt}
   *     and {@link #verify}) or {@link LoginStep.Locked}
   * @throws PolicyViolationException if the user has no factor the policy allows: ask for the
   *     password instead
   * @throws InvalidInputException if the action is malformed or the record is not this user's
   *     genuine record
   */
  LoginStep begin(UserRef user, Assurance current, String action, RequestContext request);

  /**
   * Sends a code or returns the passkey request for the picked factor, as {@link
   * LoginFlow#prompt} does for a sign-in.
   */
  Prompt prompt(UserRef user, ChallengeId challenge, FactorId factor,
      Map<String, String> parameters, RequestContext request);

  /**
   * Checks an answer, as {@link LoginFlow#verify} does.
   *
   * @return {@link LoginStep.Authenticated} whose {@link LoginStep.Authenticated#assurance()} is
   *     the session's record with this proof added (store it in the session, and issue a new
   *     session id: the session's privilege changed), {@link LoginStep.Retry}, {@link
   *     LoginStep.Locked} or {@link LoginStep.Rejected}
   */
  LoginStep verify(UserRef user, ChallengeId challenge, Answer answer, RequestContext request);
}
