package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs every flow with the SLF4J audit listener on and proves no secret reaches the log. */
class LogCaptureTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  @Test
  void everyFlow_logsAuditLinesButNoCodeTokenSecretOrPassword() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    List<String> secrets = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30))
          .build(), b -> b.auditListener(new Slf4jAuditListener())
          .securityListener(n -> {
            throw new IllegalStateException("mailer down");
          }), null);
      secrets.add(Fixture.PASSWORD);
      secrets.add(HexFormat.of().formatHex(fx.key));
      secrets.add(Base64.getEncoder().encodeToString(fx.key));

      Fixture.Enrolled f = fx.enroll(ALICE);
      secrets.add(f.code());
      List<String> codes = f.backupCodes().orElseThrow().reveal();
      for (String c : codes) {
        secrets.add(c);
        secrets.add(c.replace("-", ""));
        secrets.add(c.substring(5));
      }
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      secrets.add(s.challenge().reveal());
      fx.answer(ALICE, s.challenge(), f.id(), "87654321");
      LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
          s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);
      secrets.add(a.rememberedDevice().orElseThrow().reveal());
      fx.engine.login().afterPrimary(ALICE,
          fx.request.withDeviceToken(a.rememberedDevice().get()));
      LoginStep.SecondFactorRequired s2 = fx.challenge(ALICE);
      secrets.add(s2.challenge().reveal());
      fx.engine.login().verify(ALICE, s2.challenge(), Answer.backupCode(codes.get(0)),
          RememberDevice.NO, fx.request);
      BackupCodes fresh = fx.engine.account(ALICE).regenerateBackupCodes(Fixture.password(),
          fx.request);
      secrets.addAll(fresh.reveal());
      assertThatThrownBy(() -> fx.engine.account(ALICE).disableTwoFactor(
          Password.of("hunter2-wrong-password"), fx.request))
          .isInstanceOf(PasswordRejectedException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
      secrets.add("hunter2-wrong-password");
      EnrollmentStart pending = fx.engine.account(ALICE).beginEnrollment(FactorKind.PHONE,
          "Cell", Fixture.password(), Map.of(), fx.request);
      secrets.add(pending.ceremony().reveal());
      secrets.add(pending.details(TestCodeFactor.Details.class).code());
      fx.engine.admin(UserRef.admin("p1", "boss")).disableTwoFactor(ALICE, "lost phone",
          fx.request);
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("dev.mfa4j.audit", "SIGN_IN_SUCCEEDED", "BACKUP_CODE_USED",
        "DEVICE_REMEMBERED", "TWO_FACTOR_DISABLED", "mailer down");
    for (String secret : secrets) {
      assertThat(log).as("log must not contain a secret").doesNotContain(secret);
    }
  }

  @Test
  void slf4jAuditListener_oneLinePerEventControlCharactersReplaced() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      new Slf4jAuditListener().onEvent(new dev.mfa4j.spi.AuditEvent("id1",
          java.time.Instant.EPOCH, PracticeId.of("p1"), java.util.Optional.of(UserId.of("alice")),
          java.util.Optional.empty(), dev.mfa4j.spi.AuditType.FACTOR_RENAMED,
          dev.mfa4j.spi.AuditOutcome.SUCCESS, "127.0.0.1",
          "Evil\r\n[main] INFO dev.mfa4j.audit - SIGN_IN_SUCCEEDED forged",
          Map.of("factor", "f1")));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.lines().count()).isEqualTo(1);
    assertThat(log).contains("FACTOR_RENAMED SUCCESS practice=p1 subject=alice actor=-",
        "details={factor=f1}", "Evil??[main]");
  }
}
