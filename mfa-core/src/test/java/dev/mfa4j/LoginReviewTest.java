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
}
