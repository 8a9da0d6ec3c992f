package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.FactorState;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Adversarial review: sign-in paths that must not fall open. */
class LoginReviewTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  @Test
  void afterPrimary_allowedFactorDisabledByFailuresAndOtherKindNoLongerAllowed_noEnrollmentOffered() {
    PracticePolicy both = PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PHONE, FactorKind.PASSKEY))
        .factorFailureLimit(3)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1))
        .build();
    Fixture fx = new Fixture(both);
    Fixture.Enrolled app = fx.enroll(ALICE, Fixture.APP);
    fx.enroll(ALICE, Fixture.PHONE);
    // the practice stops allowing phones for staff
    fx.setPolicy(ALICE.practice(), PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PASSKEY))
        .factorFailureLimit(3)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1))
        .build());
    // an attacker who knows only the password fails the app factor on purpose until it is disabled
    for (int i = 0; i < 3; i++) {
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      fx.answer(ALICE, s.challenge(), app.id(), "wrong");
    }
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), app.id()).get().state())
        .isEqualTo(FactorState.DISABLED);

    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);

    // Offering enrollment here would let the password alone enroll a new factor and sign in.
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(((LoginStep.SecondFactorRequired) step).methods()).isEmpty();
  }

  @Test
  void completeEnrollment_noFactorEnrolledInThisSignIn_rejected() {
    PracticePolicy noPhone = PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PASSKEY))
        .build();
    PracticePolicy withPhone = PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PHONE, FactorKind.PASSKEY))
        .build();
    Fixture fx = new Fixture(withPhone);
    fx.enroll(ALICE, Fixture.PHONE);
    fx.clock.advance(Duration.ofDays(1));
    fx.setPolicy(ALICE.practice(), noPhone);
    // the phone is no longer allowed: the password alone yields an enrollment challenge
    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);
    assertThat(step).isInstanceOf(LoginStep.EnrollmentRequired.class);
    ChallengeId c = ((LoginStep.EnrollmentRequired) step).challenge();
    // the practice allows phones again while the challenge is open; nothing was enrolled
    fx.setPolicy(ALICE.practice(), withPhone);

    LoginStep done = fx.engine.login().completeEnrollment(ALICE, c, fx.request);

    // completing a sign-in enrollment needs a factor confirmed during it, not an old one that
    // was never answered in this sign-in
    assertThat(done).isInstanceOf(LoginStep.Rejected.class);
  }

  @Test
  void completeEnrollment_factorConfirmedDuringSignIn_authenticated() {
    PracticePolicy required = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build();
    Fixture fx = new Fixture(required);
    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);
    assertThat(step).isInstanceOf(LoginStep.EnrollmentRequired.class);
    fx.enroll(ALICE, Fixture.APP);

    LoginStep done = fx.engine.login().completeEnrollment(ALICE,
        ((LoginStep.EnrollmentRequired) step).challenge(), fx.request);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
  }
}
