package dev.mfa4j.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.Assurance;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordlessStart;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.SecurityNotification;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Passwordless passkey sign-in as an engine flow ({@code LoginFlow.beginPasswordless} and {@code
 * finishPasswordless}) through the real {@link MfaEngine} and {@link InMemoryMfaStore}: policy,
 * lockout, failure counting, audit and notices, one unit of work per answer, the engine's clock
 * and random source.
 */
class PasswordlessEngineTest {
  static final String ORIGIN = "https://app.example.com";
  static final String PASSWORD = "correct horse battery staple";
  static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
  final InMemoryMfaStore store = new InMemoryMfaStore();
  final PasskeyFactor passkeys = PasskeyFactor.builder()
      .relyingParty("app.example.com", "Sunrise Therapy")
      .origins(Set.of(ORIGIN))
      .passwordless(true)
      .build();
  final List<AuditEvent> heard = new CopyOnWriteArrayList<>();
  final List<SecurityNotification> notices = new CopyOnWriteArrayList<>();
  final AtomicInteger randomCalls = new AtomicInteger();
  final SecureRandom random = new SecureRandom() {
    private static final long serialVersionUID = 1L;

    @Override
    public void nextBytes(byte[] bytes) {
      randomCalls.incrementAndGet();
      super.nextBytes(bytes);
    }
  };
  final byte[] key = new byte[32];
  final MfaEngine mfa;
  final RequestContext request = RequestContext.of("127.0.0.1", "JUnit Browser/1.0");
  final UserRef alice = UserRef.staff("clinic-1", "alice");
  final UserRef bob = UserRef.staff("clinic-1", "bob");
  /** The host's directory: its users of clinic-1. */
  final Function<UserId, Optional<UserRef>> users = id -> List.of(alice, bob).stream()
      .filter(u -> u.user().equals(id)).findFirst();

  PasswordlessEngineTest() {
    new SecureRandom().nextBytes(key);
    mfa = node(passkeys);
  }

  MfaEngine node(PasskeyFactor provider) {
    return MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((user, password) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(provider)
        .clock(clock)
        .random(random)
        .auditListener(heard::add)
        .securityListener(notices::add)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .policyCache(Duration.ZERO)
        .build();
  }

  FactorId enroll(UserRef user, SoftwareAuthenticator auth, String label) {
    EnrollmentStart start = mfa.account(user).beginEnrollment(FactorKind.PASSKEY, label,
        Password.of(PASSWORD), Map.of(PasskeyFactor.PARAM_USER_NAME, user.user().value()),
        request);
    String json = auth.register(start.details(PasskeyEnrollment.class).creationOptionsJson(),
        ORIGIN);
    assertThat(mfa.account(user).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), json), request))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return start.factor();
  }

  PasswordlessStart begin() {
    return mfa.login().beginPasswordless(alice.practice(), request);
  }

  static String options(PasswordlessStart s) {
    return s.prompt().clientJson().orElseThrow();
  }

  LoginStep finish(PasswordlessStart s, String json) {
    return mfa.login().finishPasswordless(alice.practice(), s.ceremony(), json, users,
        RememberDevice.NO, request);
  }

  void policy(PracticePolicy.Builder b) {
    store.policies().put(alice.practice(), b.build());
  }

  UserSecurityState state(UserRef user) {
    return store.users().find(user.practice(), user.user())
        .orElse(UserSecurityState.initial(user.practice(), user.user()));
  }

  FactorRecord record(UserRef user, FactorId id) {
    return store.factors().find(user.practice(), user.user(), id).orElseThrow();
  }

  List<AuditEvent> audit(UserRef user) {
    return store.audit().find(new AuditQuery(user.practice(), Optional.of(user.user()),
        Optional.empty(), 500));
  }

  static final LoginStep REFUSED = new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);

  @Test
  void passwordless_discoverablePasskey_signsInThroughTheEngineAndIsAudited() throws Exception {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone");
    heard.clear();

    PasswordlessStart s = begin();
    JsonNode options = JSON.readTree(options(s));
    assertThat(options.has("allowCredentials")).isFalse();
    assertThat(options.path("userVerification").asText()).isEqualTo("required");
    LoginStep done = finish(s, passkey.assertion(options(s), ORIGIN));

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    LoginStep.Authenticated a = (LoginStep.Authenticated) done;
    assertThat(a.user()).isEqualTo(alice);
    assertThat(a.method()).contains(FactorKind.PASSKEY);
    assertThat(a.viaRememberedDevice()).isFalse();
    assertThat(a.rememberedDevice()).isEmpty();
    assertThat(a.assurance().level()).isEqualTo(Assurance.Level.AAL2);
    assertThat(a.assurance().proofs()).singleElement().satisfies(p -> {
      assertThat(p.kind()).contains(FactorKind.PASSKEY);
      assertThat(p.userVerified()).isTrue();
      assertThat(p.at()).isEqualTo(clock.instant());
    });
    assertThat(record(alice, f).lastUsed()).contains(clock.instant());
    assertThat(state(alice).lastSignIn()).isPresent();
    assertThat(audit(alice)).filteredOn(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED)
        .singleElement().satisfies(e -> assertThat(e.details())
            .containsEntry("via", "passwordless").containsEntry("method", "passkey")
            .containsEntry("factor", f.value()));
    // the engine's audit listeners hear it too (after the commit)
    assertThat(heard).extracting(AuditEvent::type).contains(AuditType.SIGN_IN_SUCCEEDED);
  }

  @Test
  void passwordless_wrongSignature_countsFailuresAndLocksAtThreshold() {
    policy(PracticePolicy.defaults().toBuilder()
        .lockout(3, Duration.ofMinutes(1), Duration.ofHours(1)).factorFailureLimit(10));
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone");

    for (int i = 1; i <= 2; i++) {
      PasswordlessStart s = begin();
      assertThat(finish(s, passkey.answer(options(s), ORIGIN).flipSignatureBit().json()))
          .isEqualTo(REFUSED);
      assertThat(state(alice).consecutiveFailures()).isEqualTo(i);
      assertThat(record(alice, f).failures()).isEqualTo(i);
    }
    PasswordlessStart third = begin();
    assertThat(finish(third, passkey.answer(options(third), ORIGIN).garbleSignature().json()))
        .isEqualTo(new LoginStep.Locked(clock.instant().plus(Duration.ofMinutes(1))));
    assertThat(state(alice).lockedUntil()).contains(clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(audit(alice)).extracting(AuditEvent::type)
        .contains(AuditType.SECOND_FACTOR_FAILED, AuditType.LOCKED_OUT)
        .doesNotContain(AuditType.SIGN_IN_SUCCEEDED);
    assertThat(notices).extracting(SecurityNotification::type)
        .contains(NotificationType.SECOND_FACTOR_FAILED, NotificationType.LOCKED_OUT);
  }

  @Test
  void passwordless_factorFailureLimit_disablesThePasskey() {
    policy(PracticePolicy.defaults().toBuilder()
        .lockout(20, Duration.ofMinutes(1), Duration.ofHours(1)).factorFailureLimit(2));
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone");
    for (int i = 0; i < 2; i++) {
      PasswordlessStart s = begin();
      assertThat(finish(s, passkey.answer(options(s), ORIGIN).flipSignatureBit().json()))
          .isEqualTo(REFUSED);
    }
    assertThat(record(alice, f).state()).isEqualTo(FactorState.DISABLED);
    assertThat(audit(alice)).extracting(AuditEvent::type).contains(AuditType.FACTOR_DISABLED);
  }

  @Test
  void passwordless_whileLocked_correctResponseRefusedAndNothingAdvanced() {
    policy(PracticePolicy.defaults().toBuilder()
        .lockout(1, Duration.ofMinutes(1), Duration.ofHours(1)));
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorId f = enroll(alice, key, "YubiKey");
    PasswordlessStart bad = begin();
    assertThat(finish(bad, key.answer(options(bad), ORIGIN).flipSignatureBit().json()))
        .isInstanceOf(LoginStep.Locked.class);
    UserSecurityState locked = state(alice);
    FactorRecord before = record(alice, f);

    PasswordlessStart s = begin();
    assertThat(finish(s, key.assertion(options(s), ORIGIN)))
        .isEqualTo(new LoginStep.Locked(locked.lockedUntil().orElseThrow()));
    assertThat(state(alice).consecutiveFailures()).isEqualTo(locked.consecutiveFailures());
    assertThat(record(alice, f).counter()).isEqualTo(before.counter());
    assertThat(record(alice, f).lastUsed()).isEqualTo(before.lastUsed());
    assertThat(audit(alice)).extracting(AuditEvent::type)
        .doesNotContain(AuditType.SIGN_IN_SUCCEEDED);
  }

  @Test
  void passwordless_unknownCredential_refusedCountedTowardNobody() {
    enroll(alice, SoftwareAuthenticator.syncedPasskey(), "iPhone");
    PasswordlessStart s = begin();
    // registered nowhere: the page may tell the browser to forget it
    assertThat(finish(s, SoftwareAuthenticator.syncedPasskey().assertion(options(s), ORIGIN)))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.UNKNOWN_CREDENTIAL));
    assertThat(state(alice).consecutiveFailures()).isZero();
    assertThat(store.audit().find(new AuditQuery(alice.practice(), Optional.empty(),
        Optional.empty(), 500))).filteredOn(e -> e.subject().isEmpty())
        .extracting(e -> e.details().get("reason")).contains("unknown_credential");
    // the ceremony answered once
    assertThat(finish(s, "{")).isEqualTo(REFUSED);
    PasswordlessStart m = begin();
    assertThat(finish(m, "{\"id\":")).isEqualTo(REFUSED);
  }

  @Test
  void passwordless_userTheHostDoesNotKnow_refused() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    enroll(alice, passkey, "iPhone");
    PasswordlessStart s = begin();
    assertThat(mfa.login().finishPasswordless(alice.practice(), s.ceremony(),
        passkey.assertion(options(s), ORIGIN), id -> Optional.empty(), RememberDevice.NO,
        request)).isEqualTo(REFUSED);
    PasswordlessStart other = begin();
    assertThat(mfa.login().finishPasswordless(alice.practice(), other.ceremony(),
        passkey.assertion(options(other), ORIGIN), id -> Optional.of(bob), RememberDevice.NO,
        request)).isEqualTo(REFUSED);
    assertThat(audit(alice)).extracting(AuditEvent::type)
        .doesNotContain(AuditType.SIGN_IN_SUCCEEDED);
  }

  @Test
  void passwordless_policyWithoutPasskey_refused() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    enroll(alice, passkey, "iPhone");
    // clients may use passkeys, staff (alice) may not
    policy(PracticePolicy.defaults().toBuilder().staffMethods(Set.of(FactorKind.TOTP)));
    PasswordlessStart s = begin();
    assertThat(finish(s, passkey.assertion(options(s), ORIGIN))).isEqualTo(REFUSED);
    assertThat(state(alice).consecutiveFailures()).isZero();
    assertThat(audit(alice)).filteredOn(e -> e.type() == AuditType.SECOND_FACTOR_FAILED)
        .extracting(e -> e.details().get("reason")).containsExactly("passkey_not_allowed");

    // nobody may: the sign-in does not even begin
    policy(PracticePolicy.defaults().toBuilder().staffMethods(Set.of(FactorKind.TOTP))
        .clientMethods(Set.of(FactorKind.TOTP)));
    assertThatThrownBy(this::begin).isInstanceOf(PolicyViolationException.class);
  }

  @Test
  void passwordless_doubleSubmit_oneAuthenticatedSecondAlreadyCompleteNotCounted() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    enroll(alice, passkey, "iPhone");
    PasswordlessStart s = begin();
    String json = passkey.assertion(options(s), ORIGIN);

    assertThat(finish(s, json)).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(finish(s, json))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    assertThat(state(alice).consecutiveFailures()).isZero();
    assertThat(audit(alice)).filteredOn(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED).hasSize(1);
  }

  @Test
  void passwordless_parallelSubmits_exactlyOneAuthenticated() throws Exception {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    enroll(alice, passkey, "iPhone");
    MfaEngine other = node(passkeys);
    PasswordlessStart s = begin();
    String json = passkey.assertion(options(s), ORIGIN);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<LoginStep>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        MfaEngine node = i % 2 == 0 ? mfa : other;
        answers.add(pool.submit(() -> {
          go.await();
          return node.login().finishPasswordless(alice.practice(), s.ceremony(), json, users,
              RememberDevice.NO, request);
        }));
      }
      go.countDown();
      List<LoginStep> steps = new java.util.ArrayList<>();
      for (Future<LoginStep> a : answers) {
        steps.add(a.get());
      }
      assertThat(steps).filteredOn(x -> x instanceof LoginStep.Authenticated).hasSize(1);
      assertThat(steps).filteredOn(x -> !(x instanceof LoginStep.Authenticated))
          .containsOnly(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    } finally {
      pool.shutdownNow();
    }
    assertThat(state(alice).consecutiveFailures()).isZero();
  }

  @Test
  void passwordless_engineClockAndRandom_expiryDeterministic() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    enroll(alice, passkey, "iPhone");
    int before = randomCalls.get();
    PasswordlessStart s = begin();
    assertThat(randomCalls.get()).isGreaterThan(before);
    Duration lifetime = PracticePolicy.defaults().challengeLifetime();
    assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(lifetime));

    PasswordlessStart late = begin();
    String lateJson = passkey.assertion(options(late), ORIGIN);
    clock.advance(lifetime.minusSeconds(1));
    assertThat(finish(s, passkey.assertion(options(s), ORIGIN)))
        .isInstanceOf(LoginStep.Authenticated.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(finish(late, lateJson)).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.EXPIRED));
  }

  @Test
  void passwordless_disabledPasskey_cannotSignIn() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone");
    store.factors().transition(alice.practice(), alice.user(), f, FactorState.ACTIVE,
        FactorState.DISABLED);
    PasswordlessStart s = begin();
    assertThat(finish(s, passkey.assertion(options(s), ORIGIN))).isEqualTo(REFUSED);
    assertThat(state(alice).consecutiveFailures()).isEqualTo(1);
    assertThat(record(alice, f).lastUsed()).isEmpty();
  }

  @Test
  void passwordless_keyWithoutUserVerification_refusedAndCounted() {
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    enroll(alice, touch, "Old key");
    PasswordlessStart s = begin();
    assertThat(finish(s, touch.assertion(options(s), ORIGIN))).isEqualTo(REFUSED);
    assertThat(state(alice).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void passwordless_counterRegression_refusedAndAuditedAsClone() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorId f = enroll(alice, key, "YubiKey");
    PasswordlessStart s = begin();
    assertThat(finish(s, key.assertion(options(s), ORIGIN)))
        .isInstanceOf(LoginStep.Authenticated.class);
    PasswordlessStart again = begin();
    assertThat(finish(again, key.answer(options(again), ORIGIN).counter(1).json()))
        .isEqualTo(REFUSED);
    assertThat(record(alice, f).counter()).isEqualTo(1);
    assertThat(audit(alice)).extracting(AuditEvent::type)
        .contains(AuditType.CREDENTIAL_CLONE_SUSPECTED);
  }

  @Test
  void passwordless_ceremonyIsNoSecondStepAndNoSecondStepIsPasswordless() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone");
    PasswordlessStart s = begin();
    UserRef owner = UserRef.staff("clinic-1", "mfa4j.passwordless:ceremony");
    assertThat(mfa.login().verify(alice, s.ceremony(), Answer.response(f, "{}"),
        RememberDevice.NO, request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(mfa.login().verify(owner, s.ceremony(), Answer.backupCode("AAAA-BBBB"),
        RememberDevice.NO, request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));

    LoginStep.SecondFactorRequired second =
        (LoginStep.SecondFactorRequired) mfa.login().afterPrimary(alice, request);
    String json = mfa.login().prompt(alice, second.challenge(), f, Map.of(), request)
        .clientJson().orElseThrow();
    assertThat(mfa.login().finishPasswordless(alice.practice(), second.challenge(),
        passkey.assertion(json, ORIGIN), users, RememberDevice.NO, request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    // and the passwordless ceremony still signs in
    assertThat(finish(s, passkey.assertion(options(s), ORIGIN)))
        .isInstanceOf(LoginStep.Authenticated.class);
  }
}
