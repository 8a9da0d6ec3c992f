package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit record of sign-in refusal paths that mutation testing found unasserted (removing the
 * {@code audit} call survived). HIPAA §164.312(b) needs each of them: a locked user, an invalid
 * challenge, an exhausted challenge, and a sign-in without a second factor.
 */
class LoginAuditMutationTest {
  private static long count(List<AuditEvent> events, AuditType type, AuditOutcome outcome,
      String key, String value) {
    return events.stream().filter(e -> e.type() == type && e.outcome() == outcome
        && value.equals(e.details().get(key))).count();
  }

  @Test
  void afterPrimary_lockedUser_auditedAsDeniedWithReasonLocked() {
    Fixture f = new Fixture();
    UserRef user = UserRef.staff("sunrise", "u-1");
    Fixture.Enrolled e = f.enroll(user);
    LoginStep.SecondFactorRequired s = f.challenge(user);
    LoginStep last = null;
    for (int i = 0; i < 5; i++) {
      last = f.answer(user, s.challenge(), e.id(), "00000000");
    }
    assertThat(last).isInstanceOf(LoginStep.Locked.class);
    assertThat(count(f.audit(user), AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED,
        "reason", "locked")).isZero();

    assertThat(f.engine.login().afterPrimary(user, f.request)).isInstanceOf(LoginStep.Locked.class);
    assertThat(count(f.audit(user), AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED,
        "reason", "locked")).isEqualTo(1);
  }

  @Test
  void afterPrimary_noFactorNotRequired_auditedWithMethodNoneAndSignInRecorded() {
    Fixture f = new Fixture();
    UserRef user = UserRef.staff("sunrise", "u-2");
    assertThat(f.engine.login().afterPrimary(user, f.request))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(count(f.audit(user), AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS,
        "method", "none")).isEqualTo(1);
    assertThat(f.store.users().find(user.practice(), user.user()).orElseThrow().lastSignIn())
        .isPresent();
  }

  @Test
  void verify_unknownChallenge_auditedAsInvalidChallenge() {
    Fixture f = new Fixture();
    UserRef user = UserRef.staff("sunrise", "u-3");
    Fixture.Enrolled e = f.enroll(user);
    ChallengeId forged = ChallengeId.of("A".repeat(43));
    assertThat(f.answer(user, forged, e.id(), e.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(count(f.audit(user), AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED,
        "reason", "invalid_challenge")).isEqualTo(1);
  }

  @Test
  void verify_attemptsExhausted_auditedWithThatReason() {
    Fixture f = new Fixture(PracticePolicy.defaults().toBuilder()
        .lockout(10, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    UserRef user = UserRef.staff("sunrise", "u-4");
    Fixture.Enrolled e = f.enroll(user);
    LoginStep.SecondFactorRequired s = f.challenge(user);
    for (int i = 0; i < 5; i++) {
      f.answer(user, s.challenge(), e.id(), "00000000");
    }
    assertThat(f.answer(user, s.challenge(), e.id(), e.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED));
    assertThat(count(f.audit(user), AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED,
        "reason", "attempts_exhausted")).isEqualTo(1);
  }
}
