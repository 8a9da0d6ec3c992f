package dev.mfa4j;

import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.UserSecurityState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Step-up as a second step of its own purpose ({@link ChallengePurpose#STEP_UP}): issued, prompted
 * and answered through {@link Login}'s machinery, so it counts and spends exactly as a sign-in
 * does; only its success differs (no sign-in recorded, the session's record extended).
 */
final class StepUp implements StepUpFlow {
  /** Ceremony marks: the session's record when the step-up began, and the action. */
  static final String ASSURANCE = "assurance";
  static final String ACTION = "action";
  private static final Pattern ACTION_NAME = Pattern.compile("[a-z0-9_.-]{1,64}");

  private final Engine engine;
  private final Login login;

  StepUp(Engine engine, Login login) {
    this.engine = engine;
    this.login = login;
  }

  @Override
  public boolean isFresh(Assurance assurance, Duration maxAge) {
    Objects.requireNonNull(assurance, "assurance");
    Objects.requireNonNull(maxAge, "maxAge");
    return engine.assurances.valid(assurance)
        && assurance.secondFactorWithin(maxAge, engine.now());
  }

  @Override
  public Optional<Assurance> restore(String token) {
    Objects.requireNonNull(token, "token");
    return engine.assurances.restore(token);
  }

  @Override
  public Assurance confirmPassword(UserRef user, Assurance current, Password password,
      RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(request, "request");
    checkRecord(user, current);
    engine.passwordCheck(user, "confirm_password", request, () -> {
      if (!engine.config.passwords.verify(user, password, request)) {
        throw new PasswordRejectedException();
      }
      return Boolean.TRUE;
    });
    return engine.assurances.make(user, Optional.of(current),
        List.of(Assurances.password(engine.now())));
  }

  /** Refuses a record that is not this user's genuine one. */
  private void checkRecord(UserRef user, Assurance current) {
    if (!current.user().practice().equals(user.practice())
        || !current.user().user().equals(user.user()) || !engine.assurances.valid(current)) {
      throw new InvalidInputException("the assurance record is not this user's");
    }
  }

  @Override
  public LoginStep begin(UserRef user, Assurance current, String action,
      RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(request, "request");
    if (!ACTION_NAME.matcher(action).matches()) {
      throw new InvalidInputException("action must be 1 to 64 of a-z 0-9 _ . -");
    }
    checkRecord(user, current);
    return engine.atomically(() -> {
      PracticePolicy policy = engine.policy(user.practice());
      UserSecurityState state = engine.store.users().lock(user.practice(), user.user());
      Optional<Instant> locked = state.lockedUntil().filter(engine.now()::isBefore);
      if (locked.isPresent()) {
        engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
            Map.of("reason", "locked", "action", action));
        return new LoginStep.Locked(locked.get());
      }
      List<FactorRecord> factors = login.usable(
          engine.store.factors().list(user.practice(), user.user()), user, policy);
      if (factors.isEmpty()) {
        throw new PolicyViolationException(
            "the user has no second factor to step up with: ask for the password");
      }
      LoginStep step = login.secondStep(user, policy, factors,
          login.backupCodesUsable(user, policy), request, ChallengePurpose.STEP_UP);
      ChallengeId id = ((LoginStep.SecondFactorRequired) step).challenge();
      engine.ceremonies.mark(id, ASSURANCE, current.token());
      engine.ceremonies.mark(id, ACTION, action);
      return step;
    });
  }

  @Override
  public Prompt prompt(UserRef user, ChallengeId challenge, FactorId factor,
      Map<String, String> parameters, RequestContext request) {
    return login.prompt(user, challenge, factor, parameters, request, ChallengePurpose.STEP_UP);
  }

  @Override
  public LoginStep verify(UserRef user, ChallengeId challenge, Answer answer,
      RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(request, "request");
    return engine.atomically(() -> login.verifyInUnit(user, challenge, answer, RememberDevice.NO,
        request, ChallengePurpose.STEP_UP));
  }
}
