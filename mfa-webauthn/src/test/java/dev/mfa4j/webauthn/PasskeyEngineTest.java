package dev.mfa4j.webauthn;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Passkeys through the real {@link MfaEngine} and {@link InMemoryMfaStore}: enrollment with the
 * password, the first passkey turning two-factor on with 10 backup codes, sign-in, management, and
 * every refusal leaving the store as it was.
 */
class PasskeyEngineTest {
  static final String ORIGIN = "https://app.example.com";
  static final String PASSWORD = "correct horse battery staple";
  static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
  final InMemoryMfaStore store = new InMemoryMfaStore();
  final PasskeyFactor passkeys = PasskeyFactor.builder()
      .relyingParty("app.example.com", "Sunrise Therapy")
      .origins(Set.of(ORIGIN))
      .build();
  final MfaEngine mfa;
  final RequestContext request = RequestContext.of("127.0.0.1", "JUnit Browser/1.0");
  final UserRef alice = UserRef.staff("clinic-1", "alice");
  final UserRef bob = UserRef.staff("clinic-1", "bob");

  final byte[] key = new byte[32];

  PasskeyEngineTest() {
    new SecureRandom().nextBytes(key);
    mfa = node(passkeys);
  }

  /** Another app node: its own engine and provider instances over the same store. */
  MfaEngine node(PasskeyFactor provider) {
    return MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((user, password) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(provider)
        .clock(clock)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .policyCache(Duration.ZERO)   // tests change the policy after the engine read it
        .build();
  }

  record Enrolled(FactorId factor, EnrollmentOutcome.Confirmed outcome) {}

  Enrolled enroll(UserRef user, SoftwareAuthenticator auth, String label) {
    EnrollmentStart start = mfa.account(user).beginEnrollment(FactorKind.PASSKEY, label,
        Password.of(PASSWORD), Map.of(PasskeyFactor.PARAM_USER_NAME, user.user().value()),
        request);
    String json = auth.register(start.details(PasskeyEnrollment.class).creationOptionsJson(),
        ORIGIN);
    EnrollmentOutcome out = mfa.account(user).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), json), request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return new Enrolled(start.factor(), (EnrollmentOutcome.Confirmed) out);
  }

  record SecondStep(LoginStep.SecondFactorRequired step, String requestJson) {}

  SecondStep secondStep(UserRef user, FactorId factor) {
    LoginStep step = mfa.login().afterPrimary(user, request);
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    LoginStep.SecondFactorRequired s = (LoginStep.SecondFactorRequired) step;
    String json = mfa.login().prompt(user, s.challenge(), factor, Map.of(), request)
        .clientJson().orElseThrow();
    return new SecondStep(s, json);
  }

  LoginStep answer(UserRef user, SecondStep s, FactorId factor, String json) {
    return mfa.login().verify(user, s.step.challenge(), Answer.response(factor, json),
        RememberDevice.NO, request);
  }

  /** What a refusal must not change (the engine's failure count is meant to change). */
  record Essence(FactorId id, dev.mfa4j.spi.FactorState state, Optional<Instant> lastUsed,
      long counter, Optional<String> lookupKey, Map<String, String> attributes, String label) {}

  List<Essence> stored(UserRef user) {
    return store.factors().list(user.practice(), user.user()).stream()
        .map(r -> new Essence(r.id(), r.state(), r.lastUsed(), r.counter(), r.lookupKey(),
            r.attributes(), r.label()))
        .toList();
  }

  List<AuditEvent> audit(UserRef user) {
    return store.audit().find(new AuditQuery(user.practice(), Optional.of(user.user()),
        Optional.empty(), 500));
  }

  @Test
  void aCredentialRegisteredToAnotherUser_isRefusedAndNotStored() {
    SoftwareAuthenticator shared = SoftwareAuthenticator.securityKey();
    enroll(alice, shared, "YubiKey");

    EnrollmentStart start = mfa.account(bob).beginEnrollment(FactorKind.PASSKEY, "YubiKey",
        Password.of(PASSWORD), Map.of(), request);
    String json = shared.register(start.details(PasskeyEnrollment.class).creationOptionsJson(),
        ORIGIN);
    EnrollmentOutcome out = mfa.account(bob).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), json), request);

    // WebAuthn §7.1 step 26, through FactorContext.lookupKeyTaken: a typed refusal, not a
    // StoreException from the unique (kind, lookup key)
    assertThat(out).isInstanceOf(EnrollmentOutcome.Retry.class);
    assertThat(stored(bob)).noneMatch(e -> e.lookupKey().isPresent());
    assertThat(store.factors().findByLookupKey(FactorKind.PASSKEY, shared.credentialId())
        .orElseThrow().user()).isEqualTo(alice.user());
  }

  @Test
  void firstPasskey_turnsTwoFactorOnWithTenBackupCodes() {
    assertThat(mfa.account(alice).twoFactorEnabled()).isFalse();
    Enrolled e = enroll(alice, SoftwareAuthenticator.syncedPasskey(), "MacBook");

    assertThat(e.outcome.backupCodes()).isPresent();
    assertThat(e.outcome.backupCodes().get().size()).isEqualTo(10);
    assertThat(mfa.account(alice).twoFactorEnabled()).isTrue();
    assertThat(e.outcome.factor().display()).containsEntry(PasskeyDisplay.SYNCED, "true");

    Enrolled second = enroll(alice, SoftwareAuthenticator.securityKey(), "YubiKey");
    assertThat(second.outcome.backupCodes()).isEmpty();
  }

  @Test
  void ceremonies_begunOnOneNode_finishOnAnother() {
    MfaEngine other = node(PasskeyFactor.builder().relyingParty("app.example.com", "Sunrise")
        .origins(Set.of(ORIGIN)).build());
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    EnrollmentStart start = mfa.account(alice).beginEnrollment(FactorKind.PASSKEY, "YubiKey",
        Password.of(PASSWORD), Map.of(), request);
    String json = key.register(start.details(PasskeyEnrollment.class).creationOptionsJson(),
        ORIGIN);
    assertThat(other.account(alice).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), json), request))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);

    SecondStep s = secondStep(alice, start.factor());
    assertThat(other.login().verify(alice, s.step.challenge(),
        Answer.response(start.factor(), key.assertion(s.requestJson, ORIGIN)),
        RememberDevice.NO, request)).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void enrollment_credentialIdOfAnotherUser_refusedNothingChanged() {
    SoftwareAuthenticator shared = SoftwareAuthenticator.securityKey();
    enroll(alice, shared, "YubiKey");
    List<Essence> alices = stored(alice);
    EnrollmentStart start = mfa.account(bob).beginEnrollment(FactorKind.PASSKEY, "Same key",
        Password.of(PASSWORD), Map.of(), request);
    String json = shared.register(start.details(PasskeyEnrollment.class).creationOptionsJson(),
        ORIGIN);

    assertThat(mfa.account(bob).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), json), request))
        .isInstanceOf(EnrollmentOutcome.Retry.class);
    assertThat(mfa.account(bob).twoFactorEnabled()).isFalse();
    assertThat(stored(alice)).isEqualTo(alices);
  }

  @Test
  void enrollment_unconfirmed_isNeitherTwoFactorNorPromptable() {
    EnrollmentStart start = mfa.account(alice).beginEnrollment(FactorKind.PASSKEY, "MacBook",
        Password.of(PASSWORD), Map.of(), request);
    assertThat(mfa.account(alice).twoFactorEnabled()).isFalse();
    assertThat(mfa.login().afterPrimary(alice, request))
        .isInstanceOf(LoginStep.Authenticated.class);
    enroll(alice, SoftwareAuthenticator.securityKey(), "YubiKey");
    LoginStep.SecondFactorRequired s =
        (LoginStep.SecondFactorRequired) mfa.login().afterPrimary(alice, request);
    assertThatThrownBy(() -> mfa.login().prompt(alice, s.challenge(), start.factor(), Map.of(),
        request)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void signIn_passwordThenPasskey_authenticated() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorId f = enroll(alice, key, "YubiKey").factor;

    SecondStep s = secondStep(alice, f);
    assertThat(s.step.methods()).extracting(FactorSummary::kind).contains(FactorKind.PASSKEY);
    LoginStep done = answer(alice, s, f, key.assertion(s.requestJson, ORIGIN));

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(((LoginStep.Authenticated) done).method()).contains(FactorKind.PASSKEY);
    FactorRecord r = store.factors().find(alice.practice(), alice.user(), f).orElseThrow();
    assertThat(r.counter()).isEqualTo(1);
    assertThat(r.lastUsed()).contains(clock.instant());
  }

  @Test
  void signIn_requestListsEveryPasskey_theOneAtHandAnswersAndItsUseIsRecorded() throws Exception {
    SoftwareAuthenticator phone = SoftwareAuthenticator.syncedPasskey();
    SoftwareAuthenticator yubiKey = SoftwareAuthenticator.securityKey();
    FactorId onPhone = enroll(alice, phone, "iPhone").factor;
    FactorId onKey = enroll(alice, yubiKey, "YubiKey").factor;

    SecondStep s = secondStep(alice, onPhone);
    assertThat(JSON.readTree(s.requestJson).path("allowCredentials").findValuesAsText("id"))
        .containsExactly(phone.credentialId(), yubiKey.credentialId());
    clock.advance(Duration.ofSeconds(5));
    LoginStep done = answer(alice, s, onPhone, yubiKey.assertion(s.requestJson, ORIGIN));

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    FactorRecord key = store.factors().find(alice.practice(), alice.user(), onKey).orElseThrow();
    assertThat(key.counter()).isEqualTo(1);
    assertThat(key.lastUsed()).contains(clock.instant());
    assertThat(store.factors().find(alice.practice(), alice.user(), onPhone).orElseThrow()
        .lastUsed()).isEmpty();
    assertThat(audit(alice)).filteredOn(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED)
        .first().satisfies(e -> assertThat(e.details()).containsEntry("factor", onKey.value()));
  }

  @Test
  void signIn_syncedPasskeyCounterZero_authenticatedEachTime() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone").factor;
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(1));
      SecondStep s = secondStep(alice, f);
      assertThat(answer(alice, s, f, passkey.assertion(s.requestJson, ORIGIN)))
          .isInstanceOf(LoginStep.Authenticated.class);
      FactorRecord r = store.factors().find(alice.practice(), alice.user(), f).orElseThrow();
      assertThat(r.counter()).isZero();
      assertThat(r.lastUsed()).contains(clock.instant());
    }
  }

  @Test
  void signIn_replayedResponse_rejectedOnSameChallengeAndRetriedOnNewOne() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone").factor;
    SecondStep s = secondStep(alice, f);
    String json = passkey.assertion(s.requestJson, ORIGIN);
    assertThat(answer(alice, s, f, json)).isInstanceOf(LoginStep.Authenticated.class);

    assertThat(answer(alice, s, f, json)).isEqualTo(
        new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    SecondStep next = secondStep(alice, f);
    assertThat(answer(alice, next, f, json)).isInstanceOf(LoginStep.Retry.class);
  }

  @Test
  void signIn_expiredCeremony_rejected() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = enroll(alice, passkey, "iPhone").factor;
    SecondStep s = secondStep(alice, f);
    String json = passkey.assertion(s.requestJson, ORIGIN);
    clock.advance(Duration.ofMinutes(5));
    List<Essence> before = stored(alice);

    assertThat(answer(alice, s, f, json)).isEqualTo(
        new LoginStep.Rejected(LoginStep.Reason.EXPIRED));
    assertThat(stored(alice)).isEqualTo(before);
  }

  @Test
  void signIn_refusedResponses_retryAndNothingChanged() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorId f = enroll(alice, key, "YubiKey").factor;
    SoftwareAuthenticator bobsKey = SoftwareAuthenticator.securityKey();
    enroll(bob, bobsKey, "Bob's key");
    store.policies().put(alice.practice(),
        dev.mfa4j.PracticePolicy.defaults().toBuilder().lockout(20, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    List<Essence> before = stored(alice);
    List<Essence> bobBefore = stored(bob);

    Map<String, java.util.function.Function<String, String>> bad = Map.of(
        "flipped signature bit", req -> key.answer(req, ORIGIN).flipSignatureBit().json(),
        "garbled signature", req -> key.answer(req, ORIGIN).garbleSignature().json(),
        "wrong origin", req -> key.assertion(req, "https://app.example.com.evil.example"),
        "wrong rp id", req -> key.answer(req, ORIGIN).rpId("example.com").json(),
        "another user's credential", req -> bobsKey.assertion(req, ORIGIN),
        "unknown credential", req -> SoftwareAuthenticator.securityKey().assertion(req, ORIGIN),
        "bad json", req -> "{\"id\":");
    for (Map.Entry<String, java.util.function.Function<String, String>> c : bad.entrySet()) {
      SecondStep s = secondStep(alice, f);
      assertThat(answer(alice, s, f, c.getValue().apply(s.requestJson))).as(c.getKey())
          .isInstanceOf(LoginStep.Retry.class);
    }
    assertThat(stored(alice)).isEqualTo(before);
    assertThat(stored(bob)).isEqualTo(bobBefore);
    assertThat(audit(alice)).extracting(AuditEvent::type)
        .doesNotContain(AuditType.SIGN_IN_SUCCEEDED);
  }

  @Test
  void signIn_anotherUsersFactorId_refused() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorId alices = enroll(alice, key, "YubiKey").factor;
    SoftwareAuthenticator bobsKey = SoftwareAuthenticator.securityKey();
    FactorId bobs = enroll(bob, bobsKey, "Bob's key").factor;
    SecondStep s = secondStep(alice, alices);

    assertThatThrownBy(() -> mfa.login().prompt(alice, s.step.challenge(), bobs, Map.of(),
        request)).isInstanceOf(InvalidInputException.class);
    assertThat(answer(alice, s, bobs, bobsKey.assertion(s.requestJson, ORIGIN)))
        .isNotInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void signIn_responseForAnotherUsersChallenge_refusedNothingChanged() {
    SoftwareAuthenticator alicesKey = SoftwareAuthenticator.securityKey();
    FactorId alices = enroll(alice, alicesKey, "YubiKey").factor;
    FactorId bobs = enroll(bob, SoftwareAuthenticator.securityKey(), "Bob's key").factor;
    SecondStep bobsStep = secondStep(bob, bobs);
    String alicesAnswer = alicesKey.assertion(bobsStep.requestJson, ORIGIN);
    List<Essence> alicesBefore = stored(alice);
    List<Essence> bobsBefore = stored(bob);

    assertThat(mfa.login().verify(alice, bobsStep.step.challenge(),
        Answer.response(alices, alicesAnswer), RememberDevice.NO, request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(mfa.login().verify(bob, bobsStep.step.challenge(),
        Answer.response(alices, alicesAnswer), RememberDevice.NO, request))
        .isInstanceOf(LoginStep.Retry.class);
    assertThat(mfa.login().verify(bob, bobsStep.step.challenge(),
        Answer.response(bobs, alicesAnswer), RememberDevice.NO, request))
        .isInstanceOf(LoginStep.Retry.class);
    assertThat(stored(alice)).isEqualTo(alicesBefore);
    assertThat(stored(bob)).isEqualTo(bobsBefore);
  }

  @Test
  void signIn_counterRegression_refusedAndAuditedAsClone() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorId f = enroll(alice, key, "YubiKey").factor;
    SecondStep s = secondStep(alice, f);
    assertThat(answer(alice, s, f, key.assertion(s.requestJson, ORIGIN)))
        .isInstanceOf(LoginStep.Authenticated.class);
    FactorRecord afterFirst = store.factors().find(alice.practice(), alice.user(), f)
        .orElseThrow();

    SecondStep clone = secondStep(alice, f);
    assertThat(answer(alice, clone, f, key.answer(clone.requestJson, ORIGIN).counter(1).json()))
        .isInstanceOf(LoginStep.Retry.class);

    assertThat(store.factors().find(alice.practice(), alice.user(), f).orElseThrow().counter())
        .isEqualTo(afterFirst.counter());
    assertThat(audit(alice)).extracting(AuditEvent::type)
        .contains(AuditType.CREDENTIAL_CLONE_SUSPECTED);
  }

  @Test
  void signIn_counterRegressionOfAnotherPasskeyThanPicked_auditNamesThatPasskey() {
    SoftwareAuthenticator phone = SoftwareAuthenticator.securityKey();
    SoftwareAuthenticator yubiKey = SoftwareAuthenticator.securityKey();
    FactorId onPhone = enroll(alice, phone, "Phone").factor;
    FactorId onKey = enroll(alice, yubiKey, "YubiKey").factor;
    SecondStep first = secondStep(alice, onKey);
    assertThat(answer(alice, first, onKey, yubiKey.assertion(first.requestJson, ORIGIN)))
        .isInstanceOf(LoginStep.Authenticated.class);

    SecondStep clone = secondStep(alice, onPhone);
    assertThat(answer(alice, clone, onPhone,
        yubiKey.answer(clone.requestJson, ORIGIN).counter(1).json()))
        .isInstanceOf(LoginStep.Retry.class);

    assertThat(audit(alice)).filteredOn(e -> e.type() == AuditType.CREDENTIAL_CLONE_SUSPECTED)
        .singleElement().satisfies(e -> assertThat(e.details())
            .containsEntry("credentialFactor", onKey.value())
            .containsEntry("factor", onPhone.value())
            .containsEntry("storedCounter", "1").containsEntry("receivedCounter", "1"));
  }

  @Test
  void enrollment_badJsonAndWrongOrigin_retryNothingActivated() {
    EnrollmentStart start = mfa.account(alice).beginEnrollment(FactorKind.PASSKEY, "MacBook",
        Password.of(PASSWORD), Map.of(), request);
    String options = start.details(PasskeyEnrollment.class).creationOptionsJson();

    assertThat(mfa.account(alice).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), "not json"), request))
        .isInstanceOf(EnrollmentOutcome.Retry.class);
    assertThat(mfa.account(alice).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), SoftwareAuthenticator.syncedPasskey()
            .register(options, "https://evil.example")), request))
        .isInstanceOf(EnrollmentOutcome.Retry.class);
    assertThat(mfa.account(alice).twoFactorEnabled()).isFalse();
    assertThat(mfa.account(alice).factors()).isEmpty();

    assertThat(mfa.account(alice).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), SoftwareAuthenticator.syncedPasskey()
            .register(options, ORIGIN)), request))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
  }

  @Test
  void enrollment_expiredCeremony_rejected() {
    EnrollmentStart start = mfa.account(alice).beginEnrollment(FactorKind.PASSKEY, "MacBook",
        Password.of(PASSWORD), Map.of(), request);
    String json = SoftwareAuthenticator.syncedPasskey()
        .register(start.details(PasskeyEnrollment.class).creationOptionsJson(), ORIGIN);
    clock.advance(Duration.ofMinutes(10));
    assertThat(mfa.account(alice).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), json), request))
        .isEqualTo(new EnrollmentOutcome.Rejected(LoginStep.Reason.EXPIRED));
    assertThat(mfa.account(alice).twoFactorEnabled()).isFalse();
  }

  @Test
  void enrollment_secondPasskey_sameUserHandleAndFirstExcluded() throws Exception {
    SoftwareAuthenticator first = SoftwareAuthenticator.syncedPasskey();
    enroll(alice, first, "MacBook");
    EnrollmentStart start = mfa.account(alice).beginEnrollment(FactorKind.PASSKEY, "iPhone",
        Password.of(PASSWORD), Map.of(), request);
    JsonNode options = JSON.readTree(start.details(PasskeyEnrollment.class)
        .creationOptionsJson());
    assertThat(options.path("user").path("id").asText()).isEqualTo(first.userHandle());
    assertThat(options.path("excludeCredentials").findValuesAsText("id"))
        .containsExactly(first.credentialId());
  }

  @Test
  void management_listRenameRemoveLastTurnsTwoFactorOff() {
    FactorId mac = enroll(alice, SoftwareAuthenticator.syncedPasskey(), "MacBook").factor;
    FactorId yubi = enroll(alice, SoftwareAuthenticator.securityKey(), "YubiKey").factor;

    List<FactorSummary> list = mfa.account(alice).factors();
    assertThat(list).extracting(FactorSummary::label).containsExactly("MacBook", "YubiKey");
    assertThat(list.get(0).display()).containsEntry(PasskeyDisplay.DEVICE_TYPE, "multiDevice")
        .containsEntry(PasskeyDisplay.CREATED, "2026-11-23T10:00:00Z");
    assertThat(list.get(1).display()).containsEntry(PasskeyDisplay.DEVICE_TYPE, "singleDevice");

    mfa.account(alice).rename(yubi, "Keyring key", request);
    assertThat(mfa.account(alice).factors()).extracting(FactorSummary::label)
        .containsExactly("MacBook", "Keyring key");

    mfa.account(alice).remove(mac, Password.of(PASSWORD), request);
    assertThat(mfa.account(alice).twoFactorEnabled()).isTrue();
    mfa.account(alice).remove(yubi, Password.of(PASSWORD), request);
    assertThat(mfa.account(alice).twoFactorEnabled()).isFalse();
    assertThat(mfa.login().afterPrimary(alice, request))
        .isInstanceOf(LoginStep.Authenticated.class);
  }
}
