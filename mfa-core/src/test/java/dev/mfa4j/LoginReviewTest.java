package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.FactorState;
import java.time.Duration;
import java.util.Map;
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
    // The phone, no longer allowed, may still prove the user (for re-enrollment only).
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(((LoginStep.SecondFactorRequired) step).methods())
        .extracting(FactorSummary::kind).containsExactly(FactorKind.PHONE);
  }

  @Test
  void narrowing_passwordAloneNeverSignsIn_oldFactorLeadsToReEnrollment_andWideningRestores() {
    PracticePolicy noPhone = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF)
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PASSKEY, FactorKind.BACKUP_CODE))
        .build();
    PracticePolicy withPhone = noPhone.toBuilder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PHONE, FactorKind.PASSKEY,
            FactorKind.BACKUP_CODE))
        .build();
    Fixture fx = new Fixture(withPhone);
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);
    fx.clock.advance(Duration.ofDays(1));
    fx.setPolicy(ALICE.practice(), noPhone);

    // the password alone: a second step, never an enrollment an attacker could take over
    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) step;
    assertThat(s.methods()).extracting(FactorSummary::id).containsExactly(phone.id());
    fx.engine.login().prompt(ALICE, s.challenge(), phone.id(), Map.of(), fx.request);
    // a wrong code is a failure like any other
    assertThat(fx.answer(ALICE, s.challenge(), phone.id(), "wrong"))
        .isInstanceOf(LoginStep.Retry.class);

    // the old phone proves the user, and the sign-in goes on to an allowed method
    LoginStep proven = fx.answer(ALICE, s.challenge(), phone.id(), phone.code());
    assertThat(proven).isInstanceOf(LoginStep.EnrollmentRequired.class);
    LoginStep.EnrollmentRequired er = (LoginStep.EnrollmentRequired) proven;
    assertThat(er.allowedMethods()).doesNotContain(FactorKind.PHONE).contains(FactorKind.TOTP);
    // the phone's own (older) enrollment ceremony does not complete it
    assertThat(fx.engine.login().completeEnrollment(ALICE, er.challenge(), phone.ceremony(),
        fx.request)).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    Fixture.Enrolled app = fx.enroll(ALICE, Fixture.APP);
    assertThat(fx.engine.login().completeEnrollment(ALICE, er.challenge(), app.ceremony(),
        fx.request)).isInstanceOf(LoginStep.Authenticated.class);

    // the way back: phones allowed again, the phone signs in as before
    fx.setPolicy(ALICE.practice(), withPhone);
    LoginStep.SecondFactorRequired again = fx.challenge(ALICE);
    assertThat(again.methods()).extracting(FactorSummary::id).contains(phone.id(), app.id());
    fx.clock.advance(Duration.ofMinutes(1));
    fx.engine.login().prompt(ALICE, again.challenge(), phone.id(), Map.of(), fx.request);
    assertThat(fx.answer(ALICE, again.challenge(), phone.id(), phone.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void completeEnrollment_onlyWithTheEnrollmentOfThisSession() {
    PracticePolicy required = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build();
    Fixture fx = new Fixture(required);
    // the real user and an attacker who knows the password each reach the enrollment step
    LoginStep.EnrollmentRequired mine =
        (LoginStep.EnrollmentRequired) fx.engine.login().afterPrimary(ALICE, fx.request);
    fx.clock.advance(Duration.ofSeconds(5));
    LoginStep.EnrollmentRequired theirs =
        (LoginStep.EnrollmentRequired) fx.engine.login().afterPrimary(ALICE, fx.request);
    // an enrollment the attacker began but could not confirm (the code went to the real app)
    EnrollmentStart attackers = fx.engine.account(ALICE).beginEnrollment(Fixture.APP, "Mine",
        Fixture.password(), Map.of(), fx.request);
    // the real user enrolls their app in their own session
    Fixture.Enrolled real = fx.enroll(ALICE, Fixture.APP);

    // before: any factor created after the challenge completed it, so the attacker's session
    // rode on the real user's enrollment
    assertThat(fx.engine.login().completeEnrollment(ALICE, theirs.challenge(),
        attackers.ceremony(), fx.request)).isInstanceOf(LoginStep.Rejected.class);
    assertThat(fx.engine.login().completeEnrollment(ALICE, mine.challenge(), real.ceremony(),
        fx.request)).isInstanceOf(LoginStep.Authenticated.class);
    // one enrollment completes one sign-in
    assertThat(fx.engine.login().completeEnrollment(ALICE, theirs.challenge(), real.ceremony(),
        fx.request)).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
  }

  @Test
  void completeEnrollment_factorConfirmedDuringSignIn_authenticated() {
    PracticePolicy required = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build();
    Fixture fx = new Fixture(required);
    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);
    assertThat(step).isInstanceOf(LoginStep.EnrollmentRequired.class);
    Fixture.Enrolled app = fx.enroll(ALICE, Fixture.APP);

    LoginStep done = fx.engine.login().completeEnrollment(ALICE,
        ((LoginStep.EnrollmentRequired) step).challenge(), app.ceremony(), fx.request);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
  }
}
