package dev.mfa4j;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a sign-in step. The host switches over it:
 *
 * <pre>{@code
 * switch (step) {
 *   case LoginStep.Authenticated a -> { renewSessionId(); setCookie(a.rememberedDevice()); }
 *   case LoginStep.SecondFactorRequired s -> showSecondStep(s);
 *   case LoginStep.EnrollmentRequired e -> showEnrollment(e);
 *   case LoginStep.PasswordChangeRequired p -> showChangePassword(p);
 *   case LoginStep.PasswordRequired p -> askPasswordOf(p.user());
 *   case LoginStep.Retry r -> showError("The code was not accepted", r.attemptsLeft());
 *   case LoginStep.Locked l -> showLocked(l.until());
 *   case LoginStep.Rejected r -> restartSignIn();
 * }
 * }</pre>
 *
 * <p>Only {@link Authenticated} completes a sign-in. Every other result grants nothing.
 */
public sealed interface LoginStep {

  /**
   * The sign-in is complete. The host must now issue a new session id (session fixation) and, if
   * {@link #rememberedDevice()} is present, set it as an HttpOnly, Secure, SameSite cookie.
   *
   * @param user the user
   * @param method the method that completed the second step; empty if no second step was needed
   *     (two-factor off and not required)
   * @param viaRememberedDevice whether a remembered device skipped the second step
   * @param rememberedDevice a new remembered-device token, if the user asked and policy allows
   * @param assurance what proved the user and when (keep it in the session beside the user): the
   *     password, the factor, a remembered browser, and the resulting level. After a step-up
   *     ({@link StepUpFlow#verify}) it is the session's record with the new proof added
   */
  record Authenticated(
      UserRef user,
      Optional<FactorKind> method,
      boolean viaRememberedDevice,
      Optional<DeviceToken> rememberedDevice,
      Assurance assurance)
      implements LoginStep {
    /**
     * A completed sign-in; every component is required ({@code Optional.empty()} for none), and
     * the assurance record must be of the same user.
     */
    public Authenticated {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(rememberedDevice, "rememberedDevice");
      Objects.requireNonNull(assurance, "assurance");
      if (!assurance.user().equals(user)) {
        throw new IllegalArgumentException("the assurance record is another user's");
      }
    }
  }

  /**
   * A passkey signed the user in as one factor only: it did not verify the person, or the
   * practice does not let a passkey alone sign in this user's audience ({@link
   * PracticePolicy#passkeySignIn()}). The host asks for this user's password and passes it to
   * {@link LoginFlow#completeWithPassword}. Keep {@link #challenge()} and {@link #user()} in the
   * server-side session.
   *
   * @param challenge the pending sign-in, usable only to give the password
   * @param user the user the passkey named
   * @param expiresAt when the challenge expires
   */
  record PasswordRequired(ChallengeId challenge, UserRef user, Instant expiresAt)
      implements LoginStep {
    /** Every component is required. */
    public PasswordRequired {
      Objects.requireNonNull(challenge, "challenge");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * The user must pass a second step. Keep {@link #challenge()} in the server-side session.
   *
   * @param challenge the pending sign-in
   * @param methods the user's factors the policy allows, in enrollment order; empty when only
   *     backup codes can answer (see {@link LoginFlow#afterPrimary})
   * @param defaultMethod the one to show first (the most recently used, else the first)
   * @param backupCodesRemaining how many unused backup codes the user has (0 hides the option)
   * @param expiresAt when the challenge expires
   */
  record SecondFactorRequired(
      ChallengeId challenge,
      List<FactorSummary> methods,
      Optional<FactorSummary> defaultMethod,
      int backupCodesRemaining,
      Instant expiresAt)
      implements LoginStep {
    /** Copies the list and checks for nulls. */
    public SecondFactorRequired {
      Objects.requireNonNull(challenge, "challenge");
      methods = List.copyOf(methods);
      Objects.requireNonNull(defaultMethod, "defaultMethod");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * The practice requires two-factor and the user has no usable factor. The user must enroll one
   * ({@link AccountSecurity#beginEnrollment}); then the host calls {@link
   * LoginFlow#completeEnrollment} with this challenge to finish the sign-in.
   *
   * @param challenge the pending sign-in, usable only to complete enrollment
   * @param allowedMethods the kinds the user may enroll
   * @param expiresAt when the challenge expires
   */
  record EnrollmentRequired(ChallengeId challenge, List<FactorKind> allowedMethods, Instant expiresAt)
      implements LoginStep {
    /** Copies the list. */
    public EnrollmentRequired {
      Objects.requireNonNull(challenge, "challenge");
      allowedMethods = List.copyOf(allowedMethods);
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * The user signed in with a temporary password and must choose a new one before anything else
   * ({@link LoginFlow#completePasswordChange}).
   *
   * @param challenge the pending sign-in, usable only to change the password
   * @param expiresAt when the challenge expires
   * @param minLength the shortest new password accepted, in characters
   * @param problems why the last proposed password was refused (empty at first); show each
   *     message
   */
  record PasswordChangeRequired(ChallengeId challenge, Instant expiresAt, int minLength,
      List<PasswordCheck.Problem> problems) implements LoginStep {
    /** Checks for nulls and copies the list. */
    public PasswordChangeRequired {
      Objects.requireNonNull(challenge, "challenge");
      Objects.requireNonNull(expiresAt, "expiresAt");
      problems = List.copyOf(problems);
    }

    /** A first request, with no refusal yet and the NIST single-factor minimum. */
    public PasswordChangeRequired(ChallengeId challenge, Instant expiresAt) {
      this(challenge, expiresAt, dev.mfa4j.spi.PasswordRules.SINGLE_FACTOR_MIN_LENGTH, List.of());
    }
  }

  /**
   * The answer was not accepted; the same challenge may be answered again. The reason the user is
   * told is deliberately uniform: a wrong code, a replayed code and a code for another step all
   * read "not accepted" (the audit log keeps the difference).
   *
   * @param challenge the same challenge, still pending
   * @param attemptsLeft answers left on this challenge
   */
  record Retry(ChallengeId challenge, int attemptsLeft) implements LoginStep {
    /** A refused answer on a still open challenge; {@code challenge} is required. */
    public Retry {
      Objects.requireNonNull(challenge, "challenge");
    }
  }

  /**
   * Too many failures: the user's second step is locked until {@code until}.
   *
   * @param until the end of the lock
   */
  record Locked(Instant until) implements LoginStep {
    /** A lock; its end {@code until} is required. */
    public Locked {
      Objects.requireNonNull(until, "until");
    }
  }

  /**
   * The challenge is over: expired, used up, answered already, or not this user's. The host starts
   * the sign-in again from the password.
   *
   * @param reason why
   */
  record Rejected(Reason reason) implements LoginStep {
    /** A closed challenge; {@code reason} is required. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a challenge cannot be answered any more. */
  enum Reason {
    /** Past its lifetime. */
    EXPIRED,
    /** All attempts of this challenge were used. */
    ATTEMPTS_EXHAUSTED,
    /** Unknown, or belonging to another user or purpose. */
    INVALID_CHALLENGE,
    /**
     * Already completed by another answer (a double-submit, or a second tab): not a failure. The
     * host continues with the session the first answer signed in, if it is this browser's.
     */
    ALREADY_COMPLETE,
    /**
     * A passkey sign-in answered with a passkey this practice does not know (removed, or never
     * registered here). The page may tell the browser to forget it ({@code
     * PasskeyFactor.unknownCredentialSignal}, the WebAuthn Signal API).
     */
    UNKNOWN_CREDENTIAL
  }
}
