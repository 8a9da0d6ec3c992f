package dev.mfa4j;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.SecurityNotification;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** An engine over an in-memory store, a movable clock, recording listeners and test factors. */
final class Fixture {
  static final String PASSWORD = "correct horse battery staple";
  static final FactorKind APP = FactorKind.TOTP;
  static final FactorKind PHONE = FactorKind.PHONE;

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00Z"));
  final InMemoryMfaStore store = new InMemoryMfaStore();
  final byte[] key = new byte[32];
  final AesGcmSecretProtector protector;
  final List<SecurityNotification> notices = new CopyOnWriteArrayList<>();
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final Map<UserRef, String> passwords = new ConcurrentHashMap<>();
  final MfaEngine engine;
  final RequestContext request = RequestContext.of("127.0.0.1", "JUnit Browser/1.0");

  Fixture() {
    this(PracticePolicy.defaults(), UnaryOperator.identity(), null);
  }

  Fixture(PracticePolicy defaultPolicy) {
    this(defaultPolicy, UnaryOperator.identity(), null);
  }

  Fixture(PracticePolicy defaultPolicy, UnaryOperator<MfaEngine.Builder> custom,
      MfaStore storeOverride) {
    SecureRandom random = new SecureRandom();
    random.nextBytes(key);
    protector = AesGcmSecretProtector.fromKey("test-1", key);
    MfaEngine.Builder b = MfaEngine.builder()
        // tests change policies in the store, as another node would: read them at every step
        .policyCache(java.time.Duration.ZERO)
        .store(storeOverride == null ? store : storeOverride)
        .secretProtector(protector)
        .passwordVerifier((user, password) -> {
          String expected = passwords.getOrDefault(user, PASSWORD);
          return java.security.MessageDigest.isEqual(
              expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
              new String(password.chars()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        })
        .factor(new TestCodeFactor(APP, false))
        .factor(new TestCodeFactor(PHONE, true))
        .clock(clock)
        .random(random)
        .defaultPolicy(defaultPolicy)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .auditListener(events::add)
        .securityListener(notices::add);
    engine = custom.apply(b).build();
  }

  static Password password() {
    return Password.of(PASSWORD);
  }

  /** An enrolled factor and what is needed to answer with it. */
  record Enrolled(FactorId id, String code, Optional<BackupCodes> backupCodes,
      ChallengeId ceremony) {}

  Enrolled enroll(UserRef user, FactorKind kind) {
    EnrollmentStart start = engine.account(user).beginEnrollment(kind, "My " + kind.id(),
        password(), Map.of(), request);
    String code = start.details(TestCodeFactor.Details.class).code();
    EnrollmentOutcome out = engine.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), code), request);
    if (!(out instanceof EnrollmentOutcome.Confirmed c)) {
      throw new AssertionError("enrollment not confirmed: " + out);
    }
    return new Enrolled(start.factor(), code, c.backupCodes(), start.ceremony());
  }

  Enrolled enroll(UserRef user) {
    return enroll(user, APP);
  }

  /** Signs in up to the second step. */
  LoginStep.SecondFactorRequired challenge(UserRef user) {
    LoginStep step = engine.login().afterPrimary(user, request);
    if (!(step instanceof LoginStep.SecondFactorRequired s)) {
      throw new AssertionError("expected a second step, got " + step);
    }
    return s;
  }

  LoginStep answer(UserRef user, ChallengeId c, FactorId f, String code) {
    return engine.login().verify(user, c, Answer.code(f, code), RememberDevice.NO, request);
  }

  List<AuditEvent> audit(UserRef user) {
    return store.audit().find(new AuditQuery(user.practice(), Optional.of(user.user()),
        Optional.empty(), 500));
  }

  long auditCount(AuditType type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  long noticeCount(NotificationType type) {
    return notices.stream().filter(n -> n.type() == type).count();
  }

  void setPolicy(PracticeId practice, PracticePolicy policy) {
    store.policies().put(practice, policy);
  }
}
