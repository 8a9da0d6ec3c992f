package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every security-relevant operation writes an audit row with time, subject, practice and IP. */
class AuditTrailTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final UserRef ADMIN = UserRef.admin("p1", "boss");

  private static List<AuditEvent> during(Fixture fx, Runnable op) {
    int before = fx.events.size();
    op.run();
    return List.copyOf(fx.events.subList(before, fx.events.size()));
  }

  private static void wrote(List<AuditEvent> events, AuditType type, Fixture fx) {
    assertThat(events).as("events of " + type).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(type);
      assertThat(e.practice()).isEqualTo(ALICE.practice());
      assertThat(e.at()).isEqualTo(fx.clock.instant());
      assertThat(e.ip()).isEqualTo("127.0.0.1");
      assertThat(e.userAgent()).isEqualTo("JUnit Browser/1.0");
      assertThat(e.id()).isNotBlank();
    });
  }

  @Test
  void everyOperation_writesAnAuditRow() {
    Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build());
    AccountSecurity account = fx.engine.account(ALICE);
    Fixture.Enrolled[] f = new Fixture.Enrolled[2];

    wrote(during(fx, () -> f[0] = fx.enroll(ALICE)), AuditType.FACTOR_ENROLLED, fx);
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.ENROLLMENT_STARTED);
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.BACKUP_CODES_ISSUED);
    LoginStep.SecondFactorRequired[] s = new LoginStep.SecondFactorRequired[1];
    wrote(during(fx, () -> s[0] = fx.challenge(ALICE)), AuditType.CHALLENGE_ISSUED, fx);
    wrote(during(fx, () -> fx.answer(ALICE, s[0].challenge(), f[0].id(), "0")),
        AuditType.SECOND_FACTOR_FAILED, fx);
    wrote(during(fx, () -> fx.engine.login().verify(ALICE, s[0].challenge(),
        Answer.code(f[0].id(), f[0].code()), RememberDevice.YES, fx.request)),
        AuditType.DEVICE_REMEMBERED, fx);
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED
        && e.outcome() == AuditOutcome.SUCCESS && "totp".equals(e.details().get("method")));
    wrote(during(fx, () -> account.rename(f[0].id(), "New", fx.request)),
        AuditType.FACTOR_RENAMED, fx);
    wrote(during(fx, () -> account.regenerateBackupCodes(Fixture.password(), fx.request)),
        AuditType.BACKUP_CODES_ISSUED, fx);
    wrote(during(fx, () -> account.revokeAllDevices(fx.request)), AuditType.DEVICE_REVOKED, fx);
    wrote(during(fx, () -> f[1] = fx.enroll(ALICE, Fixture.PHONE)), AuditType.FACTOR_ENROLLED,
        fx);
    wrote(during(fx, () -> account.remove(f[1].id(), Fixture.password(), fx.request)),
        AuditType.FACTOR_REMOVED, fx);
    wrote(during(fx, () -> {
      try {
        account.disableTwoFactor(Password.of("nope"), fx.request);
      } catch (PasswordRejectedException expected) {
        // audited below
      }
    }), AuditType.PASSWORD_REJECTED, fx);
    wrote(during(fx, () -> fx.engine.admin(ADMIN).setPolicy(PracticePolicy.defaults(),
        fx.request)), AuditType.POLICY_CHANGED, fx);
    wrote(during(fx, () -> fx.engine.admin(ADMIN).disableTwoFactor(ALICE, "lost phone",
        fx.request)), AuditType.TWO_FACTOR_DISABLED, fx);

    // stored as well as delivered, queryable by practice and subject
    List<AuditEvent> stored = fx.engine.admin(ADMIN).activity(ALICE, java.util.OptionalLong.empty(), 500)
        .events();
    assertThat(stored).hasSameSizeAs(fx.events.stream()
        .filter(e -> e.subject().equals(Optional.of(ALICE.user()))).toList());
    assertThat(stored).extracting(AuditEvent::details)
        .allSatisfy(d -> assertThat(d.size()).isLessThanOrEqualTo(16));
  }

  @Test
  void auditDetails_neverHoldCodesOrTokens() {
    Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);
    String code = f.backupCodes().orElseThrow().reveal().get(0);
    LoginStep.SecondFactorRequired s2 = fx.challenge(ALICE);
    fx.engine.login().verify(ALICE, s2.challenge(), Answer.backupCode(code), RememberDevice.NO,
        fx.request);

    String all = fx.events.toString();
    assertThat(all).doesNotContain(f.code(), code, code.substring(5),
        a.rememberedDevice().get().reveal(), s.challenge().reveal(), s2.challenge().reveal());
    assertThat(fx.notices.toString()).doesNotContain(f.code(), code.substring(5),
        a.rememberedDevice().get().reveal());
  }

  @Test
  void activity_eventsAtTheSameInstant_newestFirstInTheOrderTheyHappened() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);                                  // enrollment, backup codes: one instant
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.answer(ALICE, s.challenge(), FactorId.of("AAAAAAAAAAAAAAAAAAAAAA"), "0");

    List<AuditEvent> stored = fx.engine.admin(ADMIN).activity(ALICE, java.util.OptionalLong.empty(), 500)
        .events();
    List<AuditEvent> happened = fx.events.stream()
        .filter(e -> e.subject().equals(Optional.of(ALICE.user()))).toList();
    assertThat(stored).extracting(AuditEvent::at).containsOnly(fx.clock.instant());
    assertThat(stored).extracting(AuditEvent::id)
        .containsExactlyElementsOf(happened.stream().map(AuditEvent::id)
            .sorted(java.util.Comparator.reverseOrder()).toList());
    assertThat(stored.get(stored.size() - 1).id()).isEqualTo(happened.get(0).id());
    assertThat(stored.get(0).id()).isEqualTo(happened.get(happened.size() - 1).id());
  }
}
