package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginFlowTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final UserRef BOB = UserRef.staff("p1", "bob");

  private static PracticePolicy requiring(TwoFactorRequirement r) {
    return PracticePolicy.builder().requirement(r).build();
  }

  @ParameterizedTest(name = "{0} × {1}")
  @CsvSource({
      "NONE, STAFF, false", "NONE, CLIENT, false",
      "ALL_STAFF, STAFF, true", "ALL_STAFF, CLIENT, false",
      "ALL_STAFF_AND_CLIENTS, STAFF, true", "ALL_STAFF_AND_CLIENTS, CLIENT, true"})
  void afterPrimary_requirementByAudience_noFactorUserEnrollsOnlyWhenRequired(
      TwoFactorRequirement requirement, Audience audience, boolean required) {
    Fixture fx = new Fixture(requiring(requirement));
    UserRef user = new UserRef(PracticeId.of("p1"), UserId.of("u"), audience, false);

    LoginStep step = fx.engine.login().afterPrimary(user, fx.request);

    if (required) {
      assertThat(step).isInstanceOf(LoginStep.EnrollmentRequired.class);
      assertThat(((LoginStep.EnrollmentRequired) step).allowedMethods())
          .contains(FactorKind.TOTP, FactorKind.PHONE);
    } else {
      assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
      assertThat(((LoginStep.Authenticated) step).method()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} × {1}")
  @CsvSource({
      "NONE, STAFF", "NONE, CLIENT", "ALL_STAFF, STAFF", "ALL_STAFF, CLIENT",
      "ALL_STAFF_AND_CLIENTS, STAFF", "ALL_STAFF_AND_CLIENTS, CLIENT"})
  void afterPrimary_enrolledUnderAnyRequirement_asksSecondFactorThenAuthenticates(
      TwoFactorRequirement requirement, Audience audience) {
    Fixture fx = new Fixture(requiring(requirement));
    UserRef user = new UserRef(PracticeId.of("p1"), UserId.of("u"), audience, false);
    Fixture.Enrolled f = fx.enroll(user);

    LoginStep.SecondFactorRequired s = fx.challenge(user);
    LoginStep done = fx.answer(user, s.challenge(), f.id(), f.code());

    assertThat(s.methods()).extracting(FactorSummary::id).containsExactly(f.id());
    assertThat(s.backupCodesRemaining()).isEqualTo(10);
    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(((LoginStep.Authenticated) done).method()).contains(FactorKind.TOTP);
    assertThat(fx.auditCount(AuditType.CHALLENGE_ISSUED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.SIGN_IN_SUCCEEDED)).isEqualTo(1);
  }

  @Test
  void afterPrimary_requiredUserWithNoFactor_neverAuthenticated() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF));
    for (int i = 0; i < 5; i++) {
      assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
          .isInstanceOf(LoginStep.EnrollmentRequired.class);
    }
  }

  @Test
  void afterPrimary_onlyFactorOfDisallowedKind_secondStepWithItNotEnrollment() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF));
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);
    fx.setPolicy(ALICE.practice(), requiring(TwoFactorRequirement.ALL_STAFF).toBuilder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.PASSKEY)).build());

    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);

    // the password alone must not open an enrollment (an attacker would enroll their own app)
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(((LoginStep.SecondFactorRequired) step).methods())
        .extracting(FactorSummary::id).containsExactly(phone.id());
  }

  @Test
  void verify_phoneWhenPolicyDisallowsIt_refused() {
    Fixture fx = new Fixture();
    Fixture.Enrolled app = fx.enroll(ALICE);
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.engine.login().prompt(ALICE, s.challenge(), phone.id(), Map.of(), fx.request);
    fx.setPolicy(ALICE.practice(), PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.BACKUP_CODE)).build());

    LoginStep step = fx.answer(ALICE, s.challenge(), phone.id(), phone.code());

    assertThat(step).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.answer(ALICE, s.challenge(), app.id(), app.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void disableTwoFactor_underRequiringPolicy_enrollmentRequiredAtNextSignIn() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF));
    fx.enroll(ALICE);
    fx.engine.account(ALICE).disableTwoFactor(Fixture.password(), fx.request);

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
  }

  @Test
  void completeEnrollment_afterEnrolling_authenticatesOnce() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF));
    LoginStep.EnrollmentRequired er =
        (LoginStep.EnrollmentRequired) fx.engine.login().afterPrimary(ALICE, fx.request);

    EnrollmentStart begun = fx.engine.account(ALICE).beginEnrollment(Fixture.APP,
        "App", Fixture.password(), Map.of(), fx.request);
    LoginStep tooEarly = fx.engine.login().completeEnrollment(ALICE, er.challenge(),
        begun.ceremony(), fx.request);
    fx.engine.account(ALICE).confirmEnrollment(begun.ceremony(), Answer.code(begun.factor(),
        begun.details(TestCodeFactor.Details.class).code()), fx.request);
    LoginStep done = fx.engine.login().completeEnrollment(ALICE, er.challenge(),
        begun.ceremony(), fx.request);
    LoginStep again = fx.engine.login().completeEnrollment(ALICE, er.challenge(),
        begun.ceremony(), fx.request);

    assertThat(tooEarly).isInstanceOf(LoginStep.Rejected.class);
    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(again).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
  }

  @Test
  void partialState_challengeOfOnePurposeGrantsNothingElsewhere() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF));
    LoginStep.EnrollmentRequired er =
        (LoginStep.EnrollmentRequired) fx.engine.login().afterPrimary(ALICE, fx.request);
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    // an enrollment-only challenge cannot answer a second step, and a second step's challenge
    // cannot complete an enrollment sign-in
    assertThat(fx.answer(ALICE, er.challenge(), f.id(), f.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(fx.engine.login().completeEnrollment(ALICE, s.challenge(), f.ceremony(),
        fx.request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
  }

  @Test
  void verify_userAsChallengeOfAnotherUser_rejectedAndAudited() {
    Fixture fx = new Fixture();
    Fixture.Enrolled a = fx.enroll(ALICE);
    Fixture.Enrolled b = fx.enroll(BOB);
    LoginStep.SecondFactorRequired aliceStep = fx.challenge(ALICE);

    // Bob's first step + Alice's pending challenge + Bob's own valid code
    LoginStep asBob = fx.answer(BOB, aliceStep.challenge(), b.id(), b.code());
    // Alice's challenge + Bob's factor id + Bob's code, claimed as Alice
    LoginStep crossFactor = fx.answer(ALICE, aliceStep.challenge(), b.id(), b.code());

    assertThat(asBob).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(crossFactor).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.audit(BOB)).anyMatch(e -> e.type() == AuditType.SECOND_FACTOR_FAILED
        && "invalid_challenge".equals(e.details().get("reason")));
    assertThat(fx.answer(ALICE, aliceStep.challenge(), a.id(), a.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void verify_samePracticeUserIdInOtherPractice_rejected() {
    Fixture fx = new Fixture();
    Fixture.Enrolled a = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    UserRef otherPracticeAlice = UserRef.staff("p2", "alice");

    assertThat(fx.answer(otherPracticeAlice, s.challenge(), a.id(), a.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
  }

  @Test
  void verify_sixthAttempt_rejectedEvenWithRightCode() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    for (int i = 1; i <= 4; i++) {
      assertThat(fx.answer(ALICE, s.challenge(), f.id(), "00000000"))
          .isEqualTo(new LoginStep.Retry(s.challenge(), 5 - i));
    }
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), "00000000"))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED));
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED));
  }

  @Test
  void verify_afterSuccess_challengeCannotBeReused() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
  }

  @Test
  void verify_afterChallengeLifetime_expired() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    assertThat(s.expiresAt()).isEqualTo(fx.clock.instant().plus(Duration.ofMinutes(5)));

    fx.clock.advance(Duration.ofMinutes(5));

    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.EXPIRED));
  }

  @Test
  void verify_fiveFailures_lockedUntilLockEnds() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep last = null;
    for (int i = 0; i < 5; i++) {
      last = fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), "99999999");
    }
    assertThat(last).isEqualTo(new LoginStep.Locked(fx.clock.instant().plusSeconds(60)));
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Locked.class);
    assertThat(fx.noticeCount(NotificationType.LOCKED_OUT)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.LOCKED_OUT)).isEqualTo(1);

    fx.clock.advance(Duration.ofSeconds(59));
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Locked.class);
    fx.clock.advance(Duration.ofSeconds(1));
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void verify_lockoutDoublesAndIsCapped() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .lockout(2, Duration.ofMinutes(1), Duration.ofMinutes(3)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    Duration[] expected = {Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3),
        Duration.ofMinutes(3)};
    for (Duration d : expected) {
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      fx.answer(ALICE, s.challenge(), f.id(), "1");
      LoginStep locked = fx.answer(ALICE, s.challenge(), f.id(), "2");
      assertThat(locked).isEqualTo(new LoginStep.Locked(fx.clock.instant().plus(d)));
      fx.clock.advance(d);
    }
  }

  @Test
  void verify_freshChallengeDoesNotResetFailureCount() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired first = fx.challenge(ALICE);
    for (int i = 0; i < 4; i++) {
      assertThat(fx.answer(ALICE, first.challenge(), f.id(), "0"))
          .isInstanceOf(LoginStep.Retry.class);
    }
    LoginStep.SecondFactorRequired fresh = fx.challenge(ALICE);
    fx.engine.login().prompt(ALICE, fresh.challenge(), f.id(), Map.of(), fx.request);

    assertThat(fx.answer(ALICE, fresh.challenge(), f.id(), "0"))
        .isInstanceOf(LoginStep.Locked.class);
  }

  @Test
  void verify_hundredFailuresOverTenChallenges_disablesFactor() {
    Fixture fx = new Fixture(PracticePolicy.builder().maxAttemptsPerChallenge(10)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    fx.enroll(ALICE, Fixture.PHONE);
    for (int c = 0; c < 10; c++) {
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      for (int i = 0; i < 10; i++) {
        fx.answer(ALICE, s.challenge(), f.id(), "x");
      }
      fx.clock.advance(Duration.ofHours(2));
      assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), f.id()).get().state())
          .isEqualTo(c < 9 ? FactorState.ACTIVE : FactorState.DISABLED);
    }
    assertThat(fx.noticeCount(NotificationType.FACTOR_DISABLED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.FACTOR_DISABLED)).isEqualTo(1);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    assertThat(s.methods()).extracting(FactorSummary::id).doesNotContain(f.id());
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(LoginStep.Retry.class);
  }

  @Test
  void verify_successClearsFactorFailures() {
    Fixture fx = new Fixture(PracticePolicy.builder().factorFailureLimit(3)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.answer(ALICE, s.challenge(), f.id(), "x");
    fx.answer(ALICE, s.challenge(), f.id(), "x");
    fx.answer(ALICE, s.challenge(), f.id(), f.code());
    s = fx.challenge(ALICE);
    fx.answer(ALICE, s.challenge(), f.id(), "x");
    fx.answer(ALICE, s.challenge(), f.id(), "x");

    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), f.id()).get().state())
        .isEqualTo(FactorState.ACTIVE);
  }

  @Test
  void verify_wrongReplayedAndForeignFactor_identicalRetryForUser() {
    Fixture fx = new Fixture(PracticePolicy.builder().maxAttemptsPerChallenge(10)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    Fixture.Enrolled bobs = fx.enroll(BOB);
    LoginStep.SecondFactorRequired first = fx.challenge(ALICE);
    assertThat(fx.answer(ALICE, first.challenge(), f.id(), f.code() + "#7"))
        .isInstanceOf(LoginStep.Authenticated.class);

    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    LoginStep wrong = fx.answer(ALICE, s.challenge(), f.id(), "12345678#8");
    LoginStep replayed = fx.answer(ALICE, s.challenge(), f.id(), f.code() + "#7");
    LoginStep foreign = fx.answer(ALICE, s.challenge(), bobs.id(), bobs.code());

    assertThat(wrong).isEqualTo(new LoginStep.Retry(s.challenge(), 9));
    assertThat(replayed).isEqualTo(new LoginStep.Retry(s.challenge(), 8));
    assertThat(foreign).isEqualTo(new LoginStep.Retry(s.challenge(), 7));
    assertThat(fx.auditCount(AuditType.CODE_REPLAYED)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.SECOND_FACTOR_FAILED)).isEqualTo(3);
    assertThat(fx.notices).filteredOn(n -> n.type() == NotificationType.SECOND_FACTOR_FAILED)
        .allSatisfy(n -> {
          assertThat(n.ip()).isEqualTo("127.0.0.1");
          assertThat(n.userAgent()).isEqualTo("JUnit Browser/1.0");
        });
  }

  @Test
  void afterPrimary_defaultMethodIsMostRecentlyUsed() {
    Fixture fx = new Fixture();
    Fixture.Enrolled app = fx.enroll(ALICE);
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);
    assertThat(fx.challenge(ALICE).defaultMethod().get().id()).isEqualTo(app.id());

    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.engine.login().prompt(ALICE, s.challenge(), phone.id(), Map.of(), fx.request);
    fx.clock.advance(Duration.ofSeconds(5));
    assertThat(fx.answer(ALICE, s.challenge(), phone.id(), phone.code()))
        .isInstanceOf(LoginStep.Authenticated.class);

    assertThat(fx.challenge(ALICE).defaultMethod().get().id()).isEqualTo(phone.id());
  }

  @Test
  void prompt_stateIsScopedToChallengeAndFactor() {
    Fixture fx = new Fixture();
    Fixture.Enrolled app = fx.enroll(ALICE);
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);
    LoginStep.SecondFactorRequired s1 = fx.challenge(ALICE);
    LoginStep.SecondFactorRequired s2 = fx.challenge(ALICE);
    // prompting the app factor in s1 does not count as prompting the phone in s1 or in s2
    fx.engine.login().prompt(ALICE, s1.challenge(), app.id(), Map.of(), fx.request);

    assertThat(fx.answer(ALICE, s1.challenge(), phone.id(), phone.code()))
        .isInstanceOf(LoginStep.Retry.class);
    fx.engine.login().prompt(ALICE, s1.challenge(), phone.id(), Map.of(), fx.request);
    assertThat(fx.answer(ALICE, s2.challenge(), phone.id(), phone.code()))
        .isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.answer(ALICE, s1.challenge(), phone.id(), phone.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void prompt_challengeOfAnotherUserOrForeignFactor_typedError() {
    Fixture fx = new Fixture();
    Fixture.Enrolled a = fx.enroll(ALICE);
    Fixture.Enrolled b = fx.enroll(BOB);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    assertThatThrownBy(() -> fx.engine.login().prompt(BOB, s.challenge(), b.id(), Map.of(),
        fx.request)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.login().prompt(ALICE, s.challenge(), b.id(), Map.of(),
        fx.request)).isInstanceOf(InvalidInputException.class);
    assertThat(fx.engine.login().prompt(ALICE, s.challenge(), a.id(), Map.of(), fx.request)
        .display()).containsEntry("label", "My totp");
  }

  @Test
  void prompt_whenLocked_rateLimited() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .lockout(1, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled a = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    assertThat(fx.answer(ALICE, s.challenge(), a.id(), "0")).isInstanceOf(LoginStep.Locked.class);

    assertThatThrownBy(() -> fx.engine.login().prompt(ALICE, s.challenge(), a.id(), Map.of(),
        fx.request)).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void graceSignIns_thenHardEnforcement() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF).toBuilder()
        .enrollmentGrace(2, Duration.ZERO).build());

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
    assertThat(fx.auditCount(AuditType.SIGN_IN_GRACE)).isEqualTo(2);
  }

  /**
   * Grace is for users newly under a requirement who never set up two-factor. A user who had it
   * and turned it off (or whose administrator disabled it for a lost phone) must enroll again.
   */
  @Test
  void grace_userWhoHadTwoFactorAndTurnedItOff_enrollmentRequiredNotGrace() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF).toBuilder()
        .enrollmentGrace(3, Duration.ZERO).build());
    UserRef bob = UserRef.staff("p1", "bob");
    fx.enroll(ALICE);
    fx.enroll(bob);
    fx.engine.account(ALICE).disableTwoFactor(Fixture.password(), fx.request);
    fx.engine.admin(UserRef.admin("p1", "boss")).disableTwoFactor(bob, "lost phone", fx.request);

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
    assertThat(fx.engine.login().afterPrimary(bob, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
    assertThat(fx.engine.login().afterPrimary(UserRef.staff("p1", "carol"), fx.request))
        .as("a user who never had two-factor still gets grace")
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.auditCount(AuditType.SIGN_IN_GRACE)).isEqualTo(1);
  }

  @Test
  void gracePeriod_clockPastPeriod_enrollmentRequired() {
    Fixture fx = new Fixture(requiring(TwoFactorRequirement.ALL_STAFF).toBuilder()
        .enrollmentGrace(10, Duration.ofDays(7)).build());
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
    fx.clock.advance(Duration.ofDays(6));
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);

    fx.clock.advance(Duration.ofDays(1));

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
  }

  @Test
  void enrollment_unconfirmedFactor_notChallenged() {
    Fixture fx = new Fixture();
    fx.engine.account(ALICE).beginEnrollment(FactorKind.TOTP, "Phone app", Fixture.password(),
        Map.of(), fx.request);

    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);

    assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isFalse();
  }

  @Test
  void challengeId_storeKeepsOnlyHash() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    ChallengeRecord rec = fx.store.challenges().find(s.challenge().hash()).orElseThrow();

    assertThat(rec.idHash()).isEqualTo(dev.mfa4j.internal.Tokens.sha256(s.challenge().reveal()));
    assertThat(rec.toString()).doesNotContain(s.challenge().reveal());
    assertThat(s.challenge().reveal()).hasSize(43);
  }

  @Test
  void verify_newBrowser_notifiesNewDeviceSignIn() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), f.code());
    assertThat(fx.noticeCount(NotificationType.NEW_DEVICE_SIGN_IN)).isZero();

    RequestContext other = RequestContext.of("127.0.0.2", "Other Browser/2.0");
    LoginStep.SecondFactorRequired s =
        (LoginStep.SecondFactorRequired) fx.engine.login().afterPrimary(ALICE, other);
    fx.engine.login().verify(ALICE, s.challenge(), Answer.code(f.id(), f.code()),
        RememberDevice.NO, other);

    assertThat(fx.noticeCount(NotificationType.NEW_DEVICE_SIGN_IN)).isEqualTo(1);
  }

  @Test
  void listenerThatThrows_doesNotBreakSignIn() {
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b
        .auditListener(e -> {
          throw new IllegalStateException("listener broke");
        })
        .securityListener(n -> {
          throw new IllegalStateException("listener broke");
        }), null);
    Fixture.Enrolled f = fx.enroll(ALICE);

    assertThat(fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), f.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.events).isNotEmpty();
  }

  @Test
  void authenticated_optionalFieldsAreNeverNull() {
    Fixture fx = new Fixture();
    LoginStep.Authenticated a =
        (LoginStep.Authenticated) fx.engine.login().afterPrimary(ALICE, fx.request);
    assertThat(a.rememberedDevice()).isEqualTo(Optional.empty());
    assertThat(a.viaRememberedDevice()).isFalse();
  }

  private static void disableByFailures(Fixture fx, Fixture.Enrolled f) {
    for (int c = 0; c < 3; c++) {
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      fx.answer(ALICE, s.challenge(), f.id(), "wrong");
      fx.clock.advance(Duration.ofHours(2));
    }
  }

  private static PracticePolicy threeStrikes(Set<FactorKind> staffMethods) {
    return PracticePolicy.builder().factorFailureLimit(3).staffMethods(staffMethods)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build();
  }

  @Test
  void afterPrimary_onlyFactorDisabledByFailures_neverFallsOpenBackupCodesStillWork() {
    Fixture fx = new Fixture(threeStrikes(
        Set.of(FactorKind.TOTP, FactorKind.PASSKEY, FactorKind.BACKUP_CODE)));
    Fixture.Enrolled f = fx.enroll(ALICE);
    disableByFailures(fx, f);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isFalse();

    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);

    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) step;
    assertThat(s.methods()).isEmpty();
    assertThat(s.defaultMethod()).isEmpty();
    assertThat(s.backupCodesRemaining()).isEqualTo(10);
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.engine.login().verify(ALICE, s.challenge(),
        Answer.backupCode(f.backupCodes().get().reveal().get(0)), RememberDevice.NO, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void afterPrimary_onlyFactorDisabledNoBackupCodes_secondStepNobodyCanPass() {
    Fixture fx = new Fixture(threeStrikes(Set.of(FactorKind.TOTP, FactorKind.PASSKEY)));
    Fixture.Enrolled f = fx.enroll(ALICE);
    disableByFailures(fx, f);

    LoginStep step = fx.engine.login().afterPrimary(ALICE, fx.request);

    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(((LoginStep.SecondFactorRequired) step).methods()).isEmpty();
    assertThat(((LoginStep.SecondFactorRequired) step).backupCodesRemaining()).isZero();
    // an administrator's reset re-opens the account to enrollment
    fx.engine.admin(UserRef.admin("p1", "boss")).disableTwoFactor(ALICE, "re-bind", fx.request);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void afterPrimary_activeFactorOfKindNoLongerAllowed_notAuthenticated() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE, Fixture.PHONE);
    fx.setPolicy(ALICE.practice(), PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.BACKUP_CODE)).build());

    LoginStep withBackup = fx.engine.login().afterPrimary(ALICE, fx.request);
    fx.setPolicy(ALICE.practice(), PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP)).build());
    LoginStep without = fx.engine.login().afterPrimary(ALICE, fx.request);

    assertThat(withBackup).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(((LoginStep.SecondFactorRequired) withBackup).backupCodesRemaining())
        .isEqualTo(10);
    // no backup codes either: the phone may still prove the user, for re-enrollment only
    assertThat(without).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(((LoginStep.SecondFactorRequired) without).methods())
        .extracting(FactorSummary::kind).containsExactly(FactorKind.PHONE);
    assertThat(((LoginStep.SecondFactorRequired) without).backupCodesRemaining()).isZero();
  }

  @Test
  void prompt_exhaustedChallenge_invalidInput() {
    Fixture fx = new Fixture(PracticePolicy.builder().maxAttemptsPerChallenge(1)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), "0"))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED));

    assertThatThrownBy(() -> fx.engine.login().prompt(ALICE, s.challenge(), f.id(), Map.of(),
        fx.request)).isInstanceOf(InvalidInputException.class);
  }
}
