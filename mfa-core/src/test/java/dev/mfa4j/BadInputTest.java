package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.FactorRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BadInputTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final String MEGABYTE = "7".repeat(1024 * 1024);
  private static final String ARABIC_INDIC = "\u0661\u0662\u0663\u0664\u0665\u0666";

  /** Everything the engine keeps about the user except the audit log. */
  private static String state(Fixture fx) {
    List<FactorRecord> factors = fx.store.factors().list(ALICE.practice(), ALICE.user());
    return factors.stream().map(f -> f + "/" + f.label() + "/" + f.failures() + "/"
            + f.lastUsed() + "/" + f.counter()).toList()
        + "|" + fx.store.backupCodes().countUnused(ALICE.practice(), ALICE.user())
        + "|" + fx.store.devices().list(ALICE.practice(), ALICE.user())
        + "|" + fx.store.users().find(ALICE.practice(), ALICE.user());
  }

  private static void noChange(Fixture fx, Class<? extends Throwable> type,
      ThrowingCallable call) {
    String before = state(fx);
    assertThatThrownBy(call).isInstanceOf(type);
    assertThat(state(fx)).isEqualTo(before);
  }

  @Test
  void identifiers_malformed_invalidInput() {
    for (String bad : new String[] {"", MEGABYTE, ARABIC_INDIC, "a b", "a/b", "x".repeat(44)}) {
      assertThatThrownBy(() -> ChallengeId.of(bad)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> DeviceToken.of(bad)).isInstanceOf(InvalidInputException.class);
    }
    for (String bad : new String[] {"", MEGABYTE, ARABIC_INDIC, "a b", "a/b", "x".repeat(129)}) {
      assertThatThrownBy(() -> PracticeId.of(bad)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> UserId.of(bad)).isInstanceOf(InvalidInputException.class);
    }
    for (String bad : new String[] {"", MEGABYTE, ARABIC_INDIC, "a b", "a/b", "x".repeat(65)}) {
      assertThatThrownBy(() -> FactorId.of(bad)).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> ChallengeId.of(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void answers_tooLong_invalidInputAndCarryNoSecretInMessage() {
    FactorId f = FactorId.of("abc");
    assertThatThrownBy(() -> Answer.code(f, MEGABYTE)).isInstanceOf(InvalidInputException.class)
        .message().doesNotContain("7777777");
    assertThatThrownBy(() -> Answer.backupCode(MEGABYTE))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Answer.response(f, MEGABYTE))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Password.of(MEGABYTE)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RequestContext.of(MEGABYTE, "ua"))
        .isInstanceOf(InvalidInputException.class);
    assertThat(RequestContext.of("127.0.0.1", MEGABYTE).userAgent()).hasSize(512);
  }

  @Test
  void account_badInputs_typedErrorAndNoStateChange() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    AccountSecurity a = fx.engine.account(ALICE);
    Password pw = Fixture.password();

    noChange(fx, InvalidInputException.class, () -> a.beginEnrollment(FactorKind.TOTP, MEGABYTE,
        pw, Map.of(), fx.request));
    noChange(fx, InvalidInputException.class, () -> a.beginEnrollment(FactorKind.TOTP, "",
        pw, Map.of(), fx.request));
    noChange(fx, NullPointerException.class, () -> a.beginEnrollment(FactorKind.TOTP, null,
        pw, Map.of(), fx.request));
    noChange(fx, NullPointerException.class, () -> a.beginEnrollment(null, "x", pw, Map.of(),
        fx.request));
    noChange(fx, InvalidInputException.class, () -> a.beginEnrollment(FactorKind.of("nosuch"),
        "x", pw, Map.of(), fx.request));
    noChange(fx, InvalidInputException.class, () -> a.rename(f.id(), MEGABYTE, fx.request));
    noChange(fx, NotFoundException.class, () -> a.rename(FactorId.of("unknown"), "x",
        fx.request));
    noChange(fx, NotFoundException.class, () -> a.remove(FactorId.of("unknown"), pw,
        fx.request));
    noChange(fx, InvalidInputException.class, () -> a.revokeDevice(MEGABYTE, fx.request));
    noChange(fx, InvalidInputException.class, () -> a.revokeDevice("", fx.request));
    noChange(fx, InvalidInputException.class, () -> a.revokeDevice(ARABIC_INDIC, fx.request));
    noChange(fx, NotFoundException.class, () -> a.revokeDevice("unknown", fx.request));
    noChange(fx, NullPointerException.class, () -> a.remove(f.id(), null, fx.request));
    noChange(fx, InvalidInputException.class, () -> fx.engine.admin(UserRef.admin("p1", "adm"))
        .disableTwoFactor(ALICE, MEGABYTE, fx.request));
  }

  @Test
  void confirmEnrollment_answerForOtherFactorOrBackupCode_typedErrorNoAttemptTaken() {
    Fixture fx = new Fixture();
    EnrollmentStart start = fx.engine.account(ALICE).beginEnrollment(FactorKind.TOTP, "App",
        Fixture.password(), Map.of(), fx.request);
    String code = start.details(TestCodeFactor.Details.class).code();

    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmEnrollment(start.ceremony(),
        Answer.code(FactorId.of("other"), code), fx.request))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.account(ALICE).confirmEnrollment(start.ceremony(),
        Answer.backupCode(code), fx.request)).isInstanceOf(InvalidInputException.class);
    assertThat(fx.store.challenges().find(start.ceremony().hash()).get().attempts()).isZero();
  }

  @Test
  void login_unknownChallenge_rejectedNoStateChange() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    String before = state(fx);
    ChallengeId unknown = ChallengeId.of("A".repeat(43));

    assertThat(fx.answer(ALICE, unknown, f.id(), f.code()))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(fx.engine.login().completeEnrollment(ALICE, unknown, f.ceremony(), fx.request))
        .isInstanceOf(LoginStep.Rejected.class);
    assertThatThrownBy(() -> fx.engine.login().prompt(ALICE, unknown, f.id(), Map.of(),
        fx.request)).isInstanceOf(InvalidInputException.class);
    assertThat(state(fx)).isEqualTo(before);
  }

  @Test
  void login_nulls_npeNoStateChange() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    ChallengeId c = fx.challenge(ALICE).challenge();
    noChange(fx, NullPointerException.class, () -> fx.engine.login().verify(ALICE, c, null,
        RememberDevice.NO, fx.request));
    noChange(fx, NullPointerException.class, () -> fx.engine.login().verify(null, c,
        Answer.code(f.id(), f.code()), RememberDevice.NO, fx.request));
    noChange(fx, NullPointerException.class, () -> fx.engine.login().afterPrimary(ALICE, null));
    assertThat(fx.store.challenges().find(c.hash()).get().attempts()).isZero();
  }

  @Test
  void backupCode_arabicIndicDigitsOrEmpty_refusedWithoutConsumingAnyCode() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    for (String typed : new String[] {"", ARABIC_INDIC.repeat(3), "\u0662\u0663\u0664\u0665"
        + "-\u0662\u0663\u0664\u0665-\u0662\u0663\u0664\u0665-\u0662\u0663\u0664\u0665"
        + "-\u0662\u0663\u0664\u0665"}) {
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      assertThat(fx.engine.login().verify(ALICE, s.challenge(), Answer.backupCode(typed),
          RememberDevice.NO, fx.request)).isInstanceOf(LoginStep.Retry.class);
    }
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(10);
    assertThat(Optional.ofNullable(BackupCodeBook.canonical(ARABIC_INDIC))).isEmpty();
  }
}
