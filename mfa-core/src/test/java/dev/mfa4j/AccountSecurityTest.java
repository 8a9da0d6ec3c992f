package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccountSecurityTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final Password WRONG = Password.of("wrong password");

  @Test
  void enroll_firstFactorTurnsTwoFactorOnAndIsAuditedAndNotified() {
    Fixture fx = new Fixture();
    AccountSecurity account = fx.engine.account(ALICE);
    assertThat(account.twoFactorEnabled()).isFalse();

    EnrollmentStart start = account.beginEnrollment(FactorKind.TOTP, "  Work phone ",
        Fixture.password(), Map.of(), fx.request);
    assertThat(account.factors()).isEmpty();
    assertThat(account.twoFactorEnabled()).isFalse();
    EnrollmentOutcome out = account.confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), start.details(TestCodeFactor.Details.class).code()),
        fx.request);

    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    EnrollmentOutcome.Confirmed c = (EnrollmentOutcome.Confirmed) out;
    assertThat(c.factor().label()).isEqualTo("Work phone");
    assertThat(c.backupCodes()).isPresent();
    assertThat(c.notices()).isEmpty();
    assertThat(account.twoFactorEnabled()).isTrue();
    assertThat(account.factors()).extracting(FactorSummary::id).containsExactly(start.factor());
    assertThat(fx.auditCount(AuditType.ENROLLMENT_STARTED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.FACTOR_ENROLLED)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.FACTOR_ADDED)).isEqualTo(1);
  }

  @Test
  void enroll_secretSealedBoundToFactor() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    FactorRecord rec = fx.store.factors().find(ALICE.practice(), ALICE.user(), f.id())
        .orElseThrow();

    byte[] sealed = rec.sealedSecret();
    assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(f.code());
    assertThat(fx.protector.open(sealed, Engine.associatedData(rec))).asString()
        .isEqualTo(f.code());
    FactorRecord moved = new FactorRecord(rec.id(), rec.practice(), UserId.of("bob"), rec.kind(),
        rec.label(), rec.state(), rec.created(), rec.lastUsed(), rec.counter(), rec.failures(),
        rec.lookupKey(), sealed, rec.attributes());
    assertThatThrownBy(() -> fx.protector.open(sealed, Engine.associatedData(moved)))
        .isInstanceOf(SecretProtectionException.class);
  }

  @Test
  void confirm_wrongCodeThenRight_retryThenConfirmed() {
    Fixture fx = new Fixture();
    AccountSecurity account = fx.engine.account(ALICE);
    EnrollmentStart start = account.beginEnrollment(FactorKind.TOTP, "App", Fixture.password(),
        Map.of(), fx.request);

    assertThat(account.confirmEnrollment(start.ceremony(), Answer.code(start.factor(), "0"),
        fx.request)).isEqualTo(new EnrollmentOutcome.Retry(4));
    assertThat(account.confirmEnrollment(start.ceremony(), Answer.code(start.factor(),
        start.details(TestCodeFactor.Details.class).code()), fx.request))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
    assertThat(account.confirmEnrollment(start.ceremony(), Answer.code(start.factor(),
        start.details(TestCodeFactor.Details.class).code()), fx.request))
        .isEqualTo(new EnrollmentOutcome.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
  }

  @Test
  void confirm_expiredCeremony_rejectedAndFactorStaysPending() {
    Fixture fx = new Fixture();
    AccountSecurity account = fx.engine.account(ALICE);
    EnrollmentStart start = account.beginEnrollment(FactorKind.TOTP, "App", Fixture.password(),
        Map.of(), fx.request);
    fx.clock.advance(Duration.ofMinutes(10));

    assertThat(account.confirmEnrollment(start.ceremony(), Answer.code(start.factor(),
        start.details(TestCodeFactor.Details.class).code()), fx.request))
        .isEqualTo(new EnrollmentOutcome.Rejected(LoginStep.Reason.EXPIRED));
    assertThat(account.twoFactorEnabled()).isFalse();
  }

  @Test
  void confirm_ceremonyOfAnotherUser_rejected() {
    Fixture fx = new Fixture();
    EnrollmentStart start = fx.engine.account(ALICE).beginEnrollment(FactorKind.TOTP, "App",
        Fixture.password(), Map.of(), fx.request);
    UserRef bob = UserRef.staff("p1", "bob");

    assertThat(fx.engine.account(bob).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), start.details(TestCodeFactor.Details.class).code()),
        fx.request)).isEqualTo(new EnrollmentOutcome.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(fx.engine.account(bob).twoFactorEnabled()).isFalse();
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isFalse();
  }

  @Test
  void enroll_restrictedFactor_returnsRiskNotice() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    EnrollmentStart start = fx.engine.account(ALICE).beginEnrollment(FactorKind.PHONE, "Cell",
        Fixture.password(), Map.of(), fx.request);

    EnrollmentOutcome.Confirmed c = (EnrollmentOutcome.Confirmed) fx.engine.account(ALICE)
        .confirmEnrollment(start.ceremony(), Answer.code(start.factor(),
            start.details(TestCodeFactor.Details.class).code()), fx.request);

    assertThat(c.notices()).singleElement().asString().contains("RESTRICTED");
  }

  @Test
  void requireNonPhoneFactor_phoneFirstRefused_phoneAfterAppAllowed_lastAppNotRemovable() {
    Fixture fx = new Fixture(PracticePolicy.builder().requireNonPhoneFactor(true).build());
    AccountSecurity account = fx.engine.account(ALICE);

    assertThatThrownBy(() -> account.beginEnrollment(FactorKind.PHONE, "Cell",
        Fixture.password(), Map.of(), fx.request)).isInstanceOf(PolicyViolationException.class);
    Fixture.Enrolled app = fx.enroll(ALICE);
    fx.enroll(ALICE, Fixture.PHONE);

    assertThatThrownBy(() -> account.remove(app.id(), Fixture.password(), fx.request))
        .isInstanceOf(PolicyViolationException.class);
    assertThat(account.factors()).hasSize(2);
  }

  @Test
  void enroll_kindNotAllowedForAudience_policyViolation() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .clientMethods(Set.of(FactorKind.PASSKEY, FactorKind.TOTP)).build());
    UserRef client = UserRef.client("p1", "carol");

    assertThatThrownBy(() -> fx.engine.account(client).beginEnrollment(FactorKind.PHONE, "Cell",
        Fixture.password(), Map.of(), fx.request)).isInstanceOf(PolicyViolationException.class);
    assertThat(fx.store.factors().list(client.practice(), client.user())).isEmpty();
  }

  @Test
  void enroll_unregisteredKindOrBackupCodeKind_invalidInput() {
    Fixture fx = new Fixture();
    assertThatThrownBy(() -> fx.engine.account(ALICE).beginEnrollment(FactorKind.PASSKEY, "Key",
        Fixture.password(), Map.of(), fx.request)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.account(ALICE).beginEnrollment(FactorKind.BACKUP_CODE,
        "Codes", Fixture.password(), Map.of(), fx.request))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void wrongPassword_blocksEverySensitiveChange() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    AccountSecurity account = fx.engine.account(ALICE);
    int auditBefore = fx.events.size();

    assertThatThrownBy(() -> account.beginEnrollment(FactorKind.PHONE, "Cell", WRONG, Map.of(),
        fx.request)).isInstanceOf(PasswordRejectedException.class);
    assertThatThrownBy(() -> account.remove(f.id(), WRONG, fx.request))
        .isInstanceOf(PasswordRejectedException.class);
    assertThatThrownBy(() -> account.regenerateBackupCodes(WRONG, fx.request))
        .isInstanceOf(PasswordRejectedException.class);
    assertThatThrownBy(() -> account.disableTwoFactor(WRONG, fx.request))
        .isInstanceOf(PasswordRejectedException.class);

    assertThat(account.factors()).extracting(FactorSummary::id).containsExactly(f.id());
    assertThat(fx.store.factors().list(ALICE.practice(), ALICE.user())).hasSize(1);
    assertThat(account.backupCodesRemaining()).isEqualTo(10);
    assertThat(account.twoFactorEnabled()).isTrue();
    assertThat(fx.events.subList(auditBefore, fx.events.size()))
        .extracting(e -> e.type()).containsOnly(AuditType.PASSWORD_REJECTED).hasSize(4);
    assertThat(fx.store.users().find(ALICE.practice(), ALICE.user()).get().consecutiveFailures())
        .isEqualTo(4);
  }

  @Test
  void remove_lastFactor_turnsTwoFactorOffAndDeletesCodesAndDevices() {
    Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.engine.login().verify(ALICE, s.challenge(), Answer.code(f.id(), f.code()),
        RememberDevice.YES, fx.request);
    AccountSecurity account = fx.engine.account(ALICE);

    account.remove(f.id(), Fixture.password(), fx.request);

    assertThat(account.twoFactorEnabled()).isFalse();
    assertThat(account.factors()).isEmpty();
    assertThat(account.backupCodesRemaining()).isZero();
    assertThat(account.rememberedDevices()).isEmpty();
    assertThat(fx.auditCount(AuditType.FACTOR_REMOVED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.TWO_FACTOR_DISABLED)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.FACTOR_REMOVED)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.TWO_FACTOR_DISABLED)).isEqualTo(1);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void remove_oneOfTwo_keepsTwoFactorOn() {
    Fixture fx = new Fixture();
    Fixture.Enrolled app = fx.enroll(ALICE);
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);

    fx.engine.account(ALICE).remove(phone.id(), Fixture.password(), fx.request);

    assertThat(fx.engine.account(ALICE).factors()).extracting(FactorSummary::id)
        .containsExactly(app.id());
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(10);
    assertThat(fx.noticeCount(NotificationType.TWO_FACTOR_DISABLED)).isZero();
  }

  @Test
  void remove_factorOfAnotherUser_notFound() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    UserRef bob = UserRef.staff("p1", "bob");

    assertThatThrownBy(() -> fx.engine.account(bob).remove(f.id(), Fixture.password(),
        fx.request)).isInstanceOf(NotFoundException.class);
    assertThat(fx.engine.account(ALICE).factors()).hasSize(1);
  }

  @Test
  void disableTwoFactor_removesEverythingAndNotifies() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    fx.enroll(ALICE, Fixture.PHONE);

    fx.engine.account(ALICE).disableTwoFactor(Fixture.password(), fx.request);

    assertThat(fx.store.factors().list(ALICE.practice(), ALICE.user())).isEmpty();
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isZero();
    assertThat(fx.noticeCount(NotificationType.TWO_FACTOR_DISABLED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.TWO_FACTOR_DISABLED)).isEqualTo(1);
  }

  @Test
  void rename_changesLabelAndAudits() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);

    fx.engine.account(ALICE).rename(f.id(), "Old iPhone", fx.request);

    assertThat(fx.engine.account(ALICE).factors().get(0).label()).isEqualTo("Old iPhone");
    assertThat(fx.auditCount(AuditType.FACTOR_RENAMED)).isEqualTo(1);
    assertThatThrownBy(() -> fx.engine.account(ALICE).rename(f.id(), "a\nb", fx.request))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.account(ALICE).rename(f.id(), "x".repeat(65),
        fx.request)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.account(ALICE).rename(f.id(), "   ", fx.request))
        .isInstanceOf(InvalidInputException.class);
    assertThat(fx.engine.account(ALICE).factors().get(0).label()).isEqualTo("Old iPhone");
  }

  @Test
  void factors_neverShowsPending() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    EnrollmentStart pending = fx.engine.account(ALICE).beginEnrollment(FactorKind.PHONE, "Cell",
        Fixture.password(), Map.of(), fx.request);

    List<FactorSummary> listed = fx.engine.account(ALICE).factors();

    assertThat(listed).extracting(FactorSummary::id).containsExactly(f.id());
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), pending.factor())
        .get().state()).isEqualTo(FactorState.PENDING);
    assertThatThrownBy(() -> fx.engine.account(ALICE).rename(pending.factor(), "x", fx.request))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void beginEnrollment_providerRejectsParameters_nothingStored() {
    Fixture fx = new Fixture();
    int events = fx.events.size();

    assertThatThrownBy(() -> fx.engine.account(ALICE).beginEnrollment(FactorKind.TOTP, "App",
        Fixture.password(), Map.of("bad", "1"), fx.request))
        .isInstanceOf(InvalidInputException.class);

    assertThat(fx.store.factors().list(ALICE.practice(), ALICE.user())).isEmpty();
    assertThat(fx.events).hasSize(events);
  }

  @Test
  void wrongPassword_repeated_locksFurtherConfirmationsUntilLockEnds() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    AccountSecurity account = fx.engine.account(ALICE);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> account.remove(f.id(), WRONG, fx.request))
          .isInstanceOf(PasswordRejectedException.class);
    }

    assertThatThrownBy(() -> account.remove(f.id(), Fixture.password(), fx.request))
        .isInstanceOf(RateLimitedException.class);
    assertThat(fx.noticeCount(NotificationType.LOCKED_OUT)).isEqualTo(1);
    assertThat(account.factors()).hasSize(1);
    fx.clock.advance(Duration.ofMinutes(1));
    account.remove(f.id(), Fixture.password(), fx.request);
    assertThat(account.factors()).isEmpty();
  }

  @Test
  void beginEnrollment_forgetsPendingFactorsWhoseCeremonyExpired() {
    Fixture fx = new Fixture();
    AccountSecurity account = fx.engine.account(ALICE);
    EnrollmentStart stale = account.beginEnrollment(FactorKind.TOTP, "App", Fixture.password(),
        Map.of(), fx.request);
    fx.clock.advance(Duration.ofMinutes(9));
    EnrollmentStart recent = account.beginEnrollment(FactorKind.TOTP, "App", Fixture.password(),
        Map.of(), fx.request);
    fx.clock.advance(Duration.ofMinutes(1));

    account.beginEnrollment(FactorKind.TOTP, "App", Fixture.password(), Map.of(), fx.request);

    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), stale.factor())).isEmpty();
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), recent.factor()))
        .isPresent();
  }
}
