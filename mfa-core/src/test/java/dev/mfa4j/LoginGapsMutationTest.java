package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Sign-ins that complete without answering a challenge still record the last sign-in and audit
 * it, and refusals at {@code prompt} and enrollment-required steps are audited (gaps PIT showed in
 * {@link Login}).
 */
class LoginGapsMutationTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  private static Optional<SignIn> lastSignIn(Fixture fx) {
    return fx.store.users().find(ALICE.practice(), ALICE.user())
        .flatMap(UserSecurityState::lastSignIn);
  }

  private static AuditEvent last(Fixture fx, AuditType type) {
    return fx.events.stream().filter(e -> e.type() == type).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void afterPrimary_rememberedDevice_recordsTheSignInAndAuditsIt() {
    Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);
    fx.clock.advance(Duration.ofHours(3));
    RequestContext later = RequestContext.of("10.9.8.7", "Firefox/140")
        .withDeviceToken(a.rememberedDevice().orElseThrow());

    LoginStep step = fx.engine.login().afterPrimary(ALICE, later);

    assertThat(step).isInstanceOfSatisfying(LoginStep.Authenticated.class,
        x -> assertThat(x.viaRememberedDevice()).isTrue());
    assertThat(lastSignIn(fx)).contains(new SignIn(fx.clock.instant(), "10.9.8.7", "Firefox/140"));
    AuditEvent e = last(fx, AuditType.SIGN_IN_SUCCEEDED);
    assertThat(e.details()).containsEntry("via", "remembered_device");
    assertThat(e.at()).isEqualTo(fx.clock.instant());
  }

  @Test
  void afterPrimary_graceSignIn_recordsTheSignIn() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).enrollmentGrace(2, Duration.ZERO).build());

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);

    assertThat(lastSignIn(fx)).contains(
        new SignIn(fx.clock.instant(), "127.0.0.1", "JUnit Browser/1.0"));
    assertThat(last(fx, AuditType.SIGN_IN_GRACE).outcome()).isEqualTo(AuditOutcome.SUCCESS);
  }

  @Test
  void completeEnrollment_recordsTheSignInAndAuditsTheIssuedAndCompletedSteps() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build());
    LoginStep.EnrollmentRequired required =
        (LoginStep.EnrollmentRequired) fx.engine.login().afterPrimary(ALICE, fx.request);
    assertThat(last(fx, AuditType.CHALLENGE_ISSUED).details())
        .containsEntry("purpose", "sign_in_enrollment");
    Fixture.Enrolled enrolled = fx.enroll(ALICE);
    fx.clock.advance(Duration.ofSeconds(20));

    LoginStep step = fx.engine.login().completeEnrollment(ALICE, required.challenge(),
        enrolled.ceremony(), fx.request);

    assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(lastSignIn(fx)).map(SignIn::at).contains(fx.clock.instant());
    AuditEvent e = last(fx, AuditType.SIGN_IN_SUCCEEDED);
    assertThat(e.details()).containsEntry("via", "enrollment");
    assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
  }

  @Test
  void prompt_forgedChallenge_refusedAndAuditedAsInvalid() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    int before = fx.events.size();
    ChallengeId forged = ChallengeId.of("A".repeat(43));

    assertThatThrownBy(() -> fx.engine.login().prompt(ALICE, forged, f.id(), Map.of(),
        fx.request)).isInstanceOf(InvalidInputException.class);

    assertThat(fx.events.subList(before, fx.events.size())).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditType.SECOND_FACTOR_FAILED);
      assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
      assertThat(e.details()).containsEntry("reason", "invalid_challenge");
    });
  }
}
