package dev.mfa4j;

import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The practice's {@link Reauthentication} rule before a change that weakens an account or an
 * administrator's change: what the session's {@link Assurance} record and a password given with
 * the call must show. Refusals are audited ({@code STEP_UP_REQUIRED}) and thrown as {@link
 * StepUpRequiredException}; a wrong password goes through the account's password throttle.
 */
final class Reauth {
  private final Engine engine;
  private final UserRef user;
  private final Optional<Assurance> assurance;

  Reauth(Engine engine, UserRef user, Optional<Assurance> assurance) {
    this.engine = engine;
    this.user = user;
    this.assurance = assurance;
  }

  /** The session's record, if it is genuine and this user's. */
  Optional<Assurance> valid() {
    return assurance.filter(a -> a.user().practice().equals(user.practice())
        && a.user().user().equals(user.user()) && engine.assurances.valid(a));
  }

  /** Whether the user has an active factor the policy allows: a step-up is possible. */
  boolean canStepUp(PracticePolicy policy) {
    return engine.store.factors().list(user.practice(), user.user()).stream()
        .anyMatch(f -> f.state() == FactorState.ACTIVE && engine.usable(policy, user, f.kind()));
  }

  /**
   * A user's own change: a password given now or recent in the record, and a recent second
   * factor, as the policy asks (the password stands in for the second factor of a user who has
   * none).
   *
   * @param password checks a password given with the call, counting a wrong one
   */
  void account(String action, Optional<Password> given, RequestContext request,
      java.util.function.Consumer<Password> password) {
    PracticePolicy policy = engine.policy(user.practice());
    Reauthentication rule = policy.reauthentication();
    boolean stepUp = rule.stepUp() && canStepUp(policy);
    boolean needPassword = rule.password() || !stepUp;
    Duration max = policy.stepUpMaxAge();
    Instant now = engine.now();
    Optional<Assurance> record = valid();   // one MAC check for both questions
    if (stepUp && !record.map(a -> a.secondFactorWithin(max, now)).orElse(false)) {
      refuse(action, StepUpRequiredException.Needs.SECOND_FACTOR, max, request);
    }
    if (needPassword) {
      if (given.isPresent()) {
        password.accept(given.get());
      } else if (!record.flatMap(Assurance::passwordAt)
          .filter(t -> !t.isBefore(now.minus(max)) && !t.isAfter(now)).isPresent()) {
        refuse(action, StepUpRequiredException.Needs.PASSWORD, max, request);
      }
    }
  }

  /**
   * An administrator's change: nothing more under {@link Reauthentication#PASSWORD}; otherwise a
   * second factor within the policy's maximum age (an administrator with no second factor must
   * set one up first).
   */
  void admin(String action, RequestContext request) {
    PracticePolicy policy = engine.policy(user.practice());
    if (!policy.reauthentication().stepUp()) {
      return;
    }
    Duration max = policy.stepUpMaxAge();
    if (!valid().map(a -> a.secondFactorWithin(max, engine.now())).orElse(false)) {
      refuse(action, StepUpRequiredException.Needs.SECOND_FACTOR, max, request);
    }
  }

  private void refuse(String action, StepUpRequiredException.Needs needs, Duration max,
      RequestContext request) {
    engine.audit(user, AuditType.STEP_UP_REQUIRED, AuditOutcome.DENIED, request,
        Map.of("action", action, "needs", Login.lower(needs)));
    throw new StepUpRequiredException(action, needs, max);
  }
}
