package dev.mfa4j.totp;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TotpFactor through the real engine, an in-memory store and AES-GCM sealing. */
class TotpEngineTest {
  static final String PASSWORD = "correct horse battery staple";
  static final UserRef AMY = UserRef.staff("sunrise", "amy");

  // 10 s into a 30-second step, so ±1 step arithmetic below never straddles a boundary
  MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:10Z"));
  InMemoryMfaStore store = new InMemoryMfaStore();
  RequestContext request = RequestContext.of("127.0.0.1", "JUnit/5");
  MfaEngine engine;

  @BeforeEach
  void setUp() {
    engine = engine(PracticePolicy.defaults());
  }

  MfaEngine engine(PracticePolicy policy) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((user, password) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(TotpFactor.builder().issuer("Zoë's Clinic & Co").build())
        .clock(clock)
        .random(new SecureRandom())
        .defaultPolicy(policy)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .build();
  }

  /** An enrolled app: its factor id and the key the user scanned. */
  record App(FactorId id, OtpAuthUri uri) {
    String code(Instant at) {
      return Otp.totp(uri.secret().reveal(), at, uri.parameters());
    }
  }

  EnrollmentStart begin(String label) {
    return engine.account(AMY).beginEnrollment(FactorKind.TOTP, label, Password.of(PASSWORD),
        Map.of("account", "amy@sunrise.example"), request);
  }

  App enroll(String label) {
    EnrollmentStart start = begin(label);
    TotpEnrollment details = start.details(TotpEnrollment.class);
    // the user scans the QR code: the app gets only the URI
    OtpAuthUri scanned = OtpAuthUri.parse(details.otpauthUri());
    App app = new App(start.factor(), scanned);
    EnrollmentOutcome out = engine.account(AMY).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), app.code(clock.instant())), request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return app;
  }

  LoginStep.SecondFactorRequired challenge() {
    LoginStep step = engine.login().afterPrimary(AMY, request);
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    return (LoginStep.SecondFactorRequired) step;
  }

  LoginStep answer(LoginStep.SecondFactorRequired c, FactorId factor, String code) {
    return engine.login().verify(AMY, c.challenge(), Answer.code(factor, code),
        RememberDevice.NO, request);
  }

  List<AuditEvent> audit(AuditType type) {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : store.audit().find(new AuditQuery(AMY.practice(),
        Optional.of(AMY.user()), Optional.empty(), 500))) {
      if (e.type() == type) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void endToEnd_enrollConfirmSignIn_authenticatedThenReplayRefused() {
    EnrollmentStart start = begin("Amy's phone");
    TotpEnrollment details = start.details(TotpEnrollment.class);
    OtpAuthUri scanned = OtpAuthUri.parse(details.otpauthUri());
    assertThat(scanned.secret().length()).isGreaterThanOrEqualTo(20);
    assertThat(scanned.parameters()).isEqualTo(TotpParameters.DEFAULTS);
    assertThat(TotpSecret.fromBase32(details.groupedKey()).reveal())
        .isEqualTo(scanned.secret().reveal());
    App app = new App(start.factor(), scanned);

    EnrollmentOutcome out = engine.account(AMY).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), app.code(clock.instant())), request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    assertThat(((EnrollmentOutcome.Confirmed) out).backupCodes()).isPresent();

    clock.advance(Duration.ofSeconds(30));
    String code = app.code(clock.instant());
    LoginStep.SecondFactorRequired first = challenge();
    assertThat(first.methods()).extracting(FactorSummary::kind).containsExactly(FactorKind.TOTP);
    LoginStep done = answer(first, app.id(), code);
    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(((LoginStep.Authenticated) done).method()).contains(FactorKind.TOTP);

    LoginStep.SecondFactorRequired second = challenge();
    LoginStep replay = answer(second, app.id(), code);
    assertThat(replay).isInstanceOf(LoginStep.Retry.class);
    assertThat(audit(AuditType.CODE_REPLAYED)).hasSize(1)
        .allSatisfy(e -> assertThat(e.details()).containsEntry("reason", "replayed"));
  }

  @Test
  void confirmationCode_cannotAlsoPassFirstSignIn() {
    App app = enroll("Phone");
    String sameStep = app.code(clock.instant());
    assertThat(answer(challenge(), app.id(), sameStep))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(audit(AuditType.CODE_REPLAYED)).hasSize(1);
  }

  @Test
  void codeOfTThenCodeOfTMinusOne_secondRefused() {
    App app = enroll("Phone");
    clock.advance(Duration.ofSeconds(90));
    assertThat(answer(challenge(), app.id(), app.code(clock.instant())))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(challenge(), app.id(), app.code(clock.instant().minusSeconds(30))))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(audit(AuditType.CODE_REPLAYED)).hasSize(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(answer(challenge(), app.id(), app.code(clock.instant())))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void window_tPlusMinusOnePass_tPlusMinusTwoFail() {
    App app = enroll("Phone");
    clock.advance(Duration.ofMinutes(10));
    Instant now = clock.instant();
    assertThat(answer(challenge(), app.id(), app.code(now.minusSeconds(60))))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(challenge(), app.id(), app.code(now.plusSeconds(60))))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(challenge(), app.id(), app.code(now.minusSeconds(30))))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(challenge(), app.id(), app.code(now.plusSeconds(30))))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void signIn_phoneClockBehind_auditRecordsDrift() {
    App app = enroll("Phone");
    clock.advance(Duration.ofMinutes(5));
    assertThat(answer(challenge(), app.id(), app.code(clock.instant().minusSeconds(30))))
        .isInstanceOf(LoginStep.Authenticated.class);
    List<AuditEvent> ok = audit(AuditType.SIGN_IN_SUCCEEDED);
    assertThat(ok).isNotEmpty();
    assertThat(ok.get(0).details()).containsEntry("drift_steps", "-1")
        .containsKey("time_step");
  }

  @Test
  void signIn_nonAsciiDigitsOfRightCode_refusedWithoutException() {
    App app = enroll("Phone");
    clock.advance(Duration.ofMinutes(1));
    String code = app.code(clock.instant());
    StringBuilder arabic = new StringBuilder();
    for (char c : code.toCharArray()) {
      arabic.append((char) ('\u0660' + c - '0'));
    }
    LoginStep.SecondFactorRequired c = challenge();
    assertThat(answer(c, app.id(), arabic.toString())).isInstanceOf(LoginStep.Retry.class);
    assertThat(answer(c, app.id(), code)).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void twoNamedApps_eachCodeWorksForItsOwnFactorOnly() {
    App phone = enroll("Amy's phone");
    App tablet = enroll("Amy's tablet");
    assertThat(engine.account(AMY).factors()).extracting(FactorSummary::label)
        .containsExactly("Amy's phone", "Amy's tablet");
    assertThat(phone.uri().secret().reveal()).isNotEqualTo(tablet.uri().secret().reveal());
    clock.advance(Duration.ofMinutes(1));
    Instant now = clock.instant();
    assertThat(answer(challenge(), tablet.id(), phone.code(now)))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(challenge(), tablet.id(), tablet.code(now)))
        .isInstanceOf(LoginStep.Authenticated.class);
    // the tablet's use does not consume the phone's step
    assertThat(answer(challenge(), phone.id(), phone.code(now)))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void storedFactor_holdsSealedSecretAndParametersOnly() {
    App app = enroll("Phone");
    FactorRecord stored = store.factors().find(AMY.practice(), AMY.user(), app.id()).orElseThrow();
    byte[] raw = app.uri().secret().reveal();
    byte[] sealed = stored.sealedSecret();
    assertThat(sealed.length).isGreaterThan(raw.length);
    assertThat(indexOf(sealed, raw)).isEqualTo(-1);
    String b32 = app.uri().secret().base32();
    assertThat(stored.attributes().toString()).doesNotContain(b32);
    assertThat(stored.attributes()).containsEntry("algorithm", "SHA1");
    assertThat(stored.toString()).doesNotContain(b32);
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void confirmEnrollment_wrongCode_retryAndFactorStaysPending() {
    EnrollmentStart start = begin("Phone");
    OtpAuthUri scanned = OtpAuthUri.parse(start.details(TotpEnrollment.class).otpauthUri());
    String wrong = Otp.totp(scanned.secret().reveal(), clock.instant().plusSeconds(300),
        scanned.parameters());
    EnrollmentOutcome out = engine.account(AMY).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), wrong), request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Retry.class);
    assertThat(engine.account(AMY).twoFactorEnabled()).isFalse();
  }

  @Test
  void policyWindowZero_previousStepRefused() {
    engine = engine(PracticePolicy.builder().totpWindow(0).build());
    App app = enroll("Phone");
    clock.advance(Duration.ofMinutes(2));
    assertThat(answer(challenge(), app.id(), app.code(clock.instant().minusSeconds(30))))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(challenge(), app.id(), app.code(clock.instant())))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void racingSubmissionsOfOneCode_exactlyOneAuthenticated() throws Exception {
    App app = enroll("Phone");
    clock.advance(Duration.ofMinutes(1));
    String code = app.code(clock.instant());
    int n = 16;
    List<LoginStep.SecondFactorRequired> challenges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      challenges.add(challenge());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<LoginStep>> results = new ArrayList<>();
      for (LoginStep.SecondFactorRequired c : challenges) {
        results.add(pool.submit(() -> {
          go.await();
          return answer(c, app.id(), code);
        }));
      }
      go.countDown();
      int authenticated = 0;
      for (Future<LoginStep> f : results) {
        LoginStep step = f.get();
        if (step instanceof LoginStep.Authenticated) {
          authenticated++;
        } else {
          // refused as a replay, or refused because the replays tripped the user's lockout
          assertThat(step).isInstanceOfAny(LoginStep.Retry.class, LoginStep.Locked.class);
        }
      }
      assertThat(authenticated).isEqualTo(1);
      assertThat(audit(AuditType.CODE_REPLAYED)).isNotEmpty();
    } finally {
      pool.shutdownNow();
    }
  }
}
