package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.UserSecurityState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Assurance records, step-up, and the practice's reauthentication rule for changes that weaken
 * an account and for administrators' changes.
 */
class StepUpTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final UserRef ADA = UserRef.admin("p1", "ada");
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  /** Signs in with the password, waits {@code typing}, answers with the factor. */
  private static LoginStep.Authenticated signIn(Fixture fx, UserRef user, Fixture.Enrolled f,
      Duration typing) {
    LoginStep.SecondFactorRequired s = fx.challenge(user);
    fx.clock.advance(typing);
    return (LoginStep.Authenticated) fx.answer(user, s.challenge(), f.id(), f.code());
  }

  private static PracticePolicy policy(Reauthentication rule) {
    return PracticePolicy.builder().reauthentication(rule).build();
  }

  // ------------------------------------------------------------------ assurance records

  @Test
  void signIn_passwordThenFactor_recordHasBothProofsAtTheirTimesAndIsAal2() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Instant passwordAt = fx.clock.instant();

    LoginStep.Authenticated a = signIn(fx, ALICE, f, Duration.ofSeconds(40));

    assertThat(a.assurance().user()).isEqualTo(ALICE);
    assertThat(a.assurance().level()).isEqualTo(Assurance.Level.AAL2);
    assertThat(a.assurance().proofs()).containsExactly(
        new Assurance.Proof(Assurance.Type.PASSWORD, Optional.empty(), false, passwordAt),
        new Assurance.Proof(Assurance.Type.FACTOR, Optional.of(FactorKind.TOTP), false,
            passwordAt.plusSeconds(40)));
    assertThat(a.assurance().passwordAt()).contains(passwordAt);
    assertThat(a.assurance().secondFactorAt()).contains(passwordAt.plusSeconds(40));
    assertThat(a.assurance().toString()).doesNotContain(a.assurance().token());
  }

  @Test
  void signIn_withoutTwoFactor_passwordOnlyAal1_neverFreshForAStepUp() {
    Fixture fx = new Fixture();
    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login()
        .afterPrimary(ALICE, fx.request);

    assertThat(a.assurance().level()).isEqualTo(Assurance.Level.AAL1);
    assertThat(a.assurance().proofs()).extracting(Assurance.Proof::type)
        .containsExactly(Assurance.Type.PASSWORD);
    assertThat(fx.engine.stepUp().isFresh(a.assurance(), FIVE_MINUTES)).isFalse();
  }

  @Test
  void signIn_rememberedDevice_isAal1AndSaysSo() {
    Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    LoginStep.Authenticated first = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);

    LoginStep.Authenticated again = (LoginStep.Authenticated) fx.engine.login().afterPrimary(
        ALICE, fx.request.withDeviceToken(first.rememberedDevice().orElseThrow()));

    assertThat(again.viaRememberedDevice()).isTrue();
    assertThat(again.assurance().level()).isEqualTo(Assurance.Level.AAL1);
    assertThat(again.assurance().proofs()).extracting(Assurance.Proof::type)
        .containsExactly(Assurance.Type.PASSWORD, Assurance.Type.REMEMBERED_DEVICE);
    assertThat(fx.engine.stepUp().isFresh(again.assurance(), FIVE_MINUTES)).isFalse();
  }

  @Test
  void signIn_backupCode_isAFactorProof() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    String code = f.backupCodes().orElseThrow().reveal().get(0);

    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
        s.challenge(), Answer.backupCode(code), RememberDevice.NO, fx.request);

    assertThat(a.assurance().level()).isEqualTo(Assurance.Level.AAL2);
    assertThat(a.assurance().proofs()).extracting(p -> p.kind().orElse(null))
        .containsExactly(null, FactorKind.BACKUP_CODE);
  }

  @Test
  void token_roundTripsOnThisKey_andIsRefusedAlteredOrFromAnotherKey() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance a = signIn(fx, ALICE, f, Duration.ZERO).assurance();

    assertThat(fx.engine.stepUp().restore(a.token())).contains(a);

    String token = a.token();
    int dot = token.lastIndexOf('.');
    char c = token.charAt(dot - 3);
    String altered = token.substring(0, dot - 3) + (c == 'A' ? 'B' : 'A')
        + token.substring(dot - 2);
    assertThat(fx.engine.stepUp().restore(altered)).isEmpty();
    assertThat(fx.engine.stepUp().restore("")).isEmpty();
    assertThat(fx.engine.stepUp().restore("v1.x.y")).isEmpty();
    assertThat(fx.engine.stepUp().restore("x".repeat(5000))).isEmpty();
    // a later proof time written into the record by hand: its MAC no longer checks
    Assurance.Proof later = new Assurance.Proof(Assurance.Type.FACTOR,
        Optional.of(FactorKind.TOTP), false, fx.clock.instant().plus(Duration.ofHours(1)));
    Assurance forged = new Assurance(ALICE, List.of(a.proofs().get(0), later), a.mac());
    assertThat(fx.engine.stepUp().isFresh(forged, FIVE_MINUTES)).isFalse();

    Fixture other = new Fixture();
    assertThat(other.engine.stepUp().restore(a.token())).isEmpty();
    assertThat(other.engine.stepUp().isFresh(a, FIVE_MINUTES)).isFalse();
  }

  @Test
  void isFresh_byTheEnginesClock() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance a = signIn(fx, ALICE, f, Duration.ZERO).assurance();

    assertThat(fx.engine.stepUp().isFresh(a, FIVE_MINUTES)).isTrue();
    fx.clock.advance(FIVE_MINUTES);
    assertThat(fx.engine.stepUp().isFresh(a, FIVE_MINUTES)).isTrue();
    fx.clock.advance(Duration.ofSeconds(1));
    assertThat(fx.engine.stepUp().isFresh(a, FIVE_MINUTES)).isFalse();
  }

  // ------------------------------------------------------------------ step-up

  @Test
  void stepUp_rightCode_extendsTheRecord_auditedWithAction_noSignInRecorded() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance signedIn = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    Instant signInAt = fx.clock.instant();
    fx.clock.advance(Duration.ofHours(1));
    assertThat(fx.engine.stepUp().isFresh(signedIn, FIVE_MINUTES)).isFalse();
    Optional<Instant> lastSignIn = state(fx, ALICE).lastSignIn().map(s -> s.at());

    LoginStep begun = fx.engine.stepUp().begin(ALICE, signedIn, "export_chart", fx.request);
    assertThat(begun).isInstanceOf(LoginStep.SecondFactorRequired.class);
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) begun;
    assertThat(s.methods()).extracting(FactorSummary::id).containsExactly(f.id());
    LoginStep done = fx.engine.stepUp().verify(ALICE, s.challenge(), Answer.code(f.id(), f.code()),
        fx.request);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    Assurance fresh = ((LoginStep.Authenticated) done).assurance();
    assertThat(fresh.passwordAt()).contains(signInAt);
    assertThat(fresh.secondFactorAt()).contains(fx.clock.instant());
    assertThat(fresh.proofs()).hasSize(2);
    assertThat(fx.engine.stepUp().isFresh(fresh, FIVE_MINUTES)).isTrue();
    assertThat(state(fx, ALICE).lastSignIn().map(x -> x.at())).isEqualTo(lastSignIn);
    AuditEvent e = fx.audit(ALICE).stream()
        .filter(x -> x.type() == AuditType.STEP_UP_SUCCEEDED).findFirst().orElseThrow();
    assertThat(e.details()).containsEntry("action", "export_chart")
        .containsEntry("method", "totp");
    // answered once
    assertThat(fx.engine.stepUp().verify(ALICE, s.challenge(), Answer.code(f.id(), f.code()),
        fx.request)).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
  }

  @Test
  void stepUp_wrongCodes_countTowardsTheUsersLockout_likeSignIn() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance a = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) fx.engine.stepUp()
        .begin(ALICE, a, "disable_two_factor", fx.request);

    for (int i = 4; i >= 1; i--) {
      assertThat(fx.engine.stepUp().verify(ALICE, s.challenge(), Answer.code(f.id(), "000000"),
          fx.request)).isEqualTo(new LoginStep.Retry(s.challenge(), i));
    }
    LoginStep fifth = fx.engine.stepUp().verify(ALICE, s.challenge(),
        Answer.code(f.id(), "000000"), fx.request);

    assertThat(fifth).isInstanceOf(LoginStep.Locked.class);
    assertThat(state(fx, ALICE).consecutiveFailures()).isEqualTo(5);
    // the lock holds for sign-in and for a new step-up alike
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Locked.class);
    assertThat(fx.engine.stepUp().begin(ALICE, a, "disable_two_factor", fx.request))
        .isInstanceOf(LoginStep.Locked.class);
  }

  @Test
  void stepUp_challengesDoNotCross_withSignIn() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance a = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    LoginStep.SecondFactorRequired up = (LoginStep.SecondFactorRequired) fx.engine.stepUp()
        .begin(ALICE, a, "export_chart", fx.request);
    LoginStep.SecondFactorRequired in = fx.challenge(ALICE);

    assertThat(fx.answer(ALICE, up.challenge(), f.id(), f.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(fx.engine.stepUp().verify(ALICE, in.challenge(), Answer.code(f.id(), f.code()),
        fx.request)).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThatThrownBy(() -> fx.engine.stepUp().prompt(ALICE, in.challenge(), f.id(), Map.of(),
        fx.request)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void stepUp_refusesAnotherUsersOrAForgedRecord_andABadActionName() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    UserRef bob = UserRef.staff("p1", "bob");
    Fixture.Enrolled g = fx.enroll(bob);
    Assurance bobs = signIn(fx, bob, g, Duration.ZERO).assurance();
    Assurance alices = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    Assurance forged = new Assurance(ALICE, alices.proofs(), "AAAA");

    assertThatThrownBy(() -> fx.engine.stepUp().begin(ALICE, bobs, "export_chart", fx.request))
        .isInstanceOf(InvalidInputException.class).hasMessageNotContaining(bobs.token());
    assertThatThrownBy(() -> fx.engine.stepUp().begin(ALICE, forged, "export_chart", fx.request))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.stepUp().begin(ALICE, alices, "Export Chart!",
        fx.request)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void stepUp_userWithoutFactor_isToldToUseThePassword() {
    Fixture fx = new Fixture();
    Assurance a = ((LoginStep.Authenticated) fx.engine.login().afterPrimary(ALICE, fx.request))
        .assurance();

    assertThatThrownBy(() -> fx.engine.stepUp().begin(ALICE, a, "export_chart", fx.request))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("password");
  }

  // ------------------------------------------------------------------ reauthentication rule

  @Test
  void passwordRule_recentSignInPasswordStandsIn_oldOneDoesNot_givenPasswordAlwaysWorks() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Fixture.Enrolled g = fx.enroll(ALICE);
    Assurance a = signIn(fx, ALICE, f, Duration.ZERO).assurance();

    fx.engine.account(ALICE).confirmedBy(a).remove(g.id(), fx.request);
    assertThat(fx.engine.account(ALICE).factors()).extracting(FactorSummary::id)
        .containsExactly(f.id());

    fx.clock.advance(Duration.ofMinutes(6));
    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmedBy(a)
        .regenerateBackupCodes(fx.request))
        .isInstanceOfSatisfying(StepUpRequiredException.class, e -> {
          assertThat(e.needs()).isEqualTo(StepUpRequiredException.Needs.PASSWORD);
          assertThat(e.action()).isEqualTo("regenerate_backup_codes");
          assertThat(e.maxAge()).isEqualTo(FIVE_MINUTES);
        });
    assertThat(fx.engine.account(ALICE).regenerateBackupCodes(Fixture.password(), fx.request)
        .size()).isEqualTo(10);
    // without any record, the overloads without a password refuse
    assertThatThrownBy(() -> fx.engine.account(ALICE).disableTwoFactor(fx.request))
        .isInstanceOf(StepUpRequiredException.class);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isTrue();
    assertThat(fx.auditCount(AuditType.STEP_UP_REQUIRED)).isEqualTo(2);
  }

  @Test
  void stepUpRule_passwordAloneIsNotEnough_aFreshStepUpIs() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    Fixture.Enrolled g = fx.enroll(ALICE);
    fx.setPolicy(ALICE.practice(), policy(Reauthentication.STEP_UP));
    // and adding a factor now needs a step-up too
    assertThatThrownBy(() -> fx.enroll(ALICE)).isInstanceOf(StepUpRequiredException.class);
    Assurance signedIn = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    fx.clock.advance(Duration.ofMinutes(30));

    assertThatThrownBy(() -> fx.engine.account(ALICE).remove(g.id(), Fixture.password(),
        fx.request)).isInstanceOfSatisfying(StepUpRequiredException.class,
            e -> assertThat(e.needs()).isEqualTo(StepUpRequiredException.Needs.SECOND_FACTOR));
    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmedBy(signedIn).remove(g.id(),
        fx.request)).isInstanceOf(StepUpRequiredException.class);
    assertThat(fx.engine.account(ALICE).factors()).hasSize(2);

    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) fx.engine.stepUp()
        .begin(ALICE, signedIn, "remove_factor", fx.request);
    Assurance fresh = ((LoginStep.Authenticated) fx.engine.stepUp().verify(ALICE, s.challenge(),
        Answer.code(f.id(), f.code()), fx.request)).assurance();
    fx.engine.account(ALICE).confirmedBy(fresh).remove(g.id(), fx.request);

    assertThat(fx.engine.account(ALICE).factors()).extracting(FactorSummary::id)
        .containsExactly(f.id());
  }

  @Test
  void stepUpRule_userWithoutFactor_needsThePassword() {
    Fixture fx = new Fixture(policy(Reauthentication.STEP_UP));
    Assurance a = ((LoginStep.Authenticated) fx.engine.login().afterPrimary(ALICE, fx.request))
        .assurance();
    fx.clock.advance(Duration.ofMinutes(10));

    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmedBy(a).beginEnrollment(
        FactorKind.TOTP, "App", Map.of(), fx.request))
        .isInstanceOfSatisfying(StepUpRequiredException.class,
            e -> assertThat(e.needs()).isEqualTo(StepUpRequiredException.Needs.PASSWORD));
    assertThat(fx.engine.account(ALICE).beginEnrollment(FactorKind.TOTP, "App",
        Fixture.password(), Map.of(), fx.request).factor()).isNotNull();
  }

  @Test
  void bothRule_needsAFreshPasswordAndAFreshSecondFactor() {
    Fixture fx = new Fixture(policy(Reauthentication.PASSWORD_AND_STEP_UP));
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance signedIn = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    fx.clock.advance(Duration.ofMinutes(10));
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) fx.engine.stepUp()
        .begin(ALICE, signedIn, "disable_two_factor", fx.request);
    Assurance stepped = ((LoginStep.Authenticated) fx.engine.stepUp().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), fx.request)).assurance();

    // the password in the record is 10 minutes old
    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmedBy(stepped)
        .disableTwoFactor(fx.request))
        .isInstanceOfSatisfying(StepUpRequiredException.class,
            e -> assertThat(e.needs()).isEqualTo(StepUpRequiredException.Needs.PASSWORD));
    // a wrong password is refused and counted
    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmedBy(stepped)
        .disableTwoFactor(Password.of("not the password"), fx.request))
        .isInstanceOf(PasswordRejectedException.class);
    assertThat(state(fx, ALICE).consecutiveFailures()).isEqualTo(1);
    fx.engine.account(ALICE).confirmedBy(stepped).disableTwoFactor(Fixture.password(),
        fx.request);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isFalse();
  }

  @Test
  void forgedRecord_countsForNothing() {
    Fixture fx = new Fixture(policy(Reauthentication.STEP_UP));
    Fixture.Enrolled f = fx.enroll(ALICE);
    Instant now = fx.clock.instant();
    Assurance forged = new Assurance(ALICE, List.of(
        new Assurance.Proof(Assurance.Type.PASSWORD, Optional.empty(), false, now),
        new Assurance.Proof(Assurance.Type.FACTOR, Optional.of(FactorKind.TOTP), false, now)),
        "bm90IGEgbWFj");

    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmedBy(forged).remove(f.id(),
        fx.request)).isInstanceOf(StepUpRequiredException.class);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isTrue();
  }

  @Test
  void adminChanges_underAStepUpRule_needAFreshSecondFactor_underThePasswordRuleDoNot() {
    Fixture fx = new Fixture(policy(Reauthentication.STEP_UP));
    Fixture.Enrolled adas = fx.enroll(ADA);
    fx.enroll(ALICE);
    Assurance signedIn = signIn(fx, ADA, adas, Duration.ZERO).assurance();
    fx.clock.advance(Duration.ofMinutes(6));
    PracticePolicy stricter = policy(Reauthentication.STEP_UP).toBuilder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build();

    assertThatThrownBy(() -> fx.engine.admin(ADA).setPolicy(stricter, fx.request))
        .isInstanceOf(StepUpRequiredException.class);
    assertThatThrownBy(() -> fx.engine.admin(ADA).confirmedBy(signedIn)
        .disableTwoFactor(ALICE, "lost phone", fx.request))
        .isInstanceOf(StepUpRequiredException.class);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isTrue();
    // reading needs nothing more
    assertThat(fx.engine.admin(ADA).policy().reauthentication())
        .isEqualTo(Reauthentication.STEP_UP);

    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) fx.engine.stepUp()
        .begin(ADA, signedIn, "admin", fx.request);
    Assurance fresh = ((LoginStep.Authenticated) fx.engine.stepUp().verify(ADA, s.challenge(),
        Answer.code(adas.id(), adas.code()), fx.request)).assurance();
    fx.engine.admin(ADA).confirmedBy(fresh).disableTwoFactor(ALICE, "lost phone", fx.request);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isFalse();
    // another user's fresh record does not count for the administrator
    Fixture.Enrolled alicesNew = fx.enroll(ALICE);
    Assurance alices = signIn(fx, ALICE, alicesNew, Duration.ZERO).assurance();
    assertThatThrownBy(() -> fx.engine.admin(ADA).confirmedBy(alices)
        .setPolicy(stricter, fx.request)).isInstanceOf(StepUpRequiredException.class);

    Fixture plain = new Fixture();
    plain.engine.admin(ADA).setPolicy(stricter.toBuilder()
        .reauthentication(Reauthentication.PASSWORD).build(), plain.request);
    assertThat(plain.engine.admin(ADA).policy().requirement())
        .isEqualTo(TwoFactorRequirement.ALL_STAFF);
  }

  @Test
  void confirmPassword_addsAFreshPasswordProof_wrongOneCountedAndRefused() {
    Fixture fx = new Fixture(policy(Reauthentication.PASSWORD_AND_STEP_UP));
    Fixture.Enrolled f = fx.enroll(ALICE);
    Assurance signedIn = signIn(fx, ALICE, f, Duration.ZERO).assurance();
    fx.clock.advance(Duration.ofMinutes(10));
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) fx.engine.stepUp()
        .begin(ALICE, signedIn, "disable_two_factor", fx.request);
    Assurance stepped = ((LoginStep.Authenticated) fx.engine.stepUp().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), fx.request)).assurance();

    assertThatThrownBy(() -> fx.engine.stepUp().confirmPassword(ALICE, stepped,
        Password.of("not it"), fx.request)).isInstanceOf(PasswordRejectedException.class);
    assertThat(state(fx, ALICE).consecutiveFailures()).isEqualTo(1);
    Assurance both = fx.engine.stepUp().confirmPassword(ALICE, stepped, Fixture.password(),
        fx.request);

    assertThat(both.passwordAt()).contains(fx.clock.instant());
    assertThat(both.secondFactorAt()).isEqualTo(stepped.secondFactorAt());
    fx.engine.account(ALICE).confirmedBy(both).disableTwoFactor(fx.request);
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isFalse();
    UserRef bob = UserRef.staff("p1", "bob");
    assertThatThrownBy(() -> fx.engine.stepUp().confirmPassword(bob, stepped,
        Fixture.password(), fx.request)).isInstanceOf(InvalidInputException.class);
  }

  // ------------------------------------------------------------------ advice and policy

  @Test
  void advice_phoneCodesOnly_suggestAnUnrestrictedFactor() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE, Fixture.PHONE);
    assertThat(fx.engine.account(ALICE).advice())
        .containsExactly(AccountSecurity.Advice.ADD_UNRESTRICTED_FACTOR);
    fx.enroll(ALICE, Fixture.APP);
    assertThat(fx.engine.account(ALICE).advice()).isEmpty();
  }

  @Test
  void policy_stepUpMaxAgeBounds_andPasskeySignInPerAudience() {
    assertThatThrownBy(() -> PracticePolicy.builder().stepUpMaxAge(Duration.ofSeconds(29))
        .build()).isInstanceOf(PolicyViolationException.class).hasMessageContaining("stepUpMaxAge");
    assertThatThrownBy(() -> PracticePolicy.builder().stepUpMaxAge(Duration.ofHours(13))
        .build()).isInstanceOf(PolicyViolationException.class);
    PracticePolicy staffOnly = PracticePolicy.builder().passkeySignIn(Set.of(Audience.STAFF))
        .build();
    assertThat(staffOnly.passkeyCompletesSignIn(ALICE)).isTrue();
    assertThat(staffOnly.passkeyCompletesSignIn(UserRef.client("p1", "cleo"))).isFalse();
    PracticePolicy noPasskeys = staffOnly.toBuilder()
        .staffMethods(Set.of(FactorKind.TOTP, FactorKind.BACKUP_CODE)).build();
    assertThat(noPasskeys.passkeyCompletesSignIn(ALICE)).isFalse();
    assertThat(PracticePolicy.defaults().reauthentication()).isEqualTo(Reauthentication.PASSWORD);
    assertThat(PracticePolicy.defaults().passkeySignIn())
        .containsExactlyInAnyOrder(Audience.STAFF, Audience.CLIENT);
  }

  private static UserSecurityState state(Fixture fx, UserRef user) {
    return fx.store.users().find(user.practice(), user.user()).orElseThrow();
  }
}
