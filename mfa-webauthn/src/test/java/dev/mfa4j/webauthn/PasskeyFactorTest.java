package dev.mfa4j.webauthn;

import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.Answer;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.FactorKind;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider against Yubico's real checks, driven by a software authenticator, over a fake
 * context (the engine-level flows are in {@code PasskeyEngineTest}). Every refusal also checks that
 * nothing changed.
 */
class PasskeyFactorTest {
  static final String ORIGIN = "https://app.example.com";
  static final ObjectMapper JSON = new ObjectMapper();

  final PasskeyFactor factor = PasskeyFactor.builder()
      .relyingParty("app.example.com", "Sunrise Therapy")
      .origins(Set.of(ORIGIN))
      .build();
  MutableClock clock;
  FakeFactorContext alice;

  @BeforeEach
  void setUp() {
    clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    alice = FakeFactorContext.of(UserRef.staff("clinic-1", "alice"), FactorKind.PASSKEY, clock);
  }

  /** Registers {@code auth} for the context's user and stores the record as the engine would. */
  FactorRecord register(FakeFactorContext ctx, SoftwareAuthenticator auth) {
    FakeFactorContext ceremony = ctx.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Laptop"), Map.of());
    String json = auth.register(((PasskeyEnrollment) e.details()).creationOptionsJson(), ORIGIN);
    Verification v = factor.confirm(ceremony, e.pending(), Answer.response(e.pending().id(), json));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    FactorRecord active = v.updated().orElseThrow().withState(FactorState.ACTIVE);
    ctx.store(active);
    return active;
  }

  /** A fresh second-step ceremony and its prompt JSON. */
  record Step(FakeFactorContext ctx, String requestJson) {}

  Step prompt(FakeFactorContext user, FactorRecord f) {
    FakeFactorContext ceremony = user.newCeremony();
    Prompt p = factor.prompt(ceremony, f, Map.of());
    return new Step(ceremony, p.clientJson().orElseThrow());
  }

  static String options(Enrollment e) {
    return ((PasskeyEnrollment) e.details()).creationOptionsJson();
  }

  /** Verifies as the engine does: then stores the provider's update and records the use. */
  Verification verify(Step step, FactorRecord f, String json) {
    Verification v = factor.verify(step.ctx, f, Answer.response(f.id(), json));
    if (v.isAccepted()) {
      v.updated().ifPresent(u -> step.ctx.store(step.ctx.stored(f.id()).withAttributes(u.attributes())));
      if (!step.ctx.advanced()) {
        step.ctx.recordUse(f);
      }
    }
    return v;
  }

  @Test
  void begin_newUser_randomUserHandleNotUserIdAndPreferences() throws Exception {
    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Laptop"),
        Map.of(PasskeyFactor.PARAM_USER_NAME, "alice@clinic.example"));
    JsonNode options = JSON.readTree(((PasskeyEnrollment) e.details()).creationOptionsJson());

    byte[] handle = Base64.getUrlDecoder().decode(options.path("user").path("id").asText());
    assertThat(handle).hasSize(32);
    assertThat(new String(handle, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("alice");
    assertThat(options.path("user").path("name").asText()).isEqualTo("alice@clinic.example");
    assertThat(options.path("rp").path("id").asText()).isEqualTo("app.example.com");
    assertThat(options.path("authenticatorSelection").path("residentKey").asText())
        .isEqualTo("preferred");
    assertThat(options.path("authenticatorSelection").path("userVerification").asText())
        .isEqualTo("preferred");
    assertThat(options.path("challenge").asText()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(options.path("excludeCredentials")).isEmpty();
    assertThat(e.pending().attributes().get(Attributes.USER_HANDLE))
        .isEqualTo(options.path("user").path("id").asText());
    assertThat(ceremony.state(PasskeyRegistration.STATE_CREATION)).isPresent();
  }

  @Test
  void begin_secondPasskey_reusesUserHandleAndExcludesExisting() throws Exception {
    SoftwareAuthenticator first = SoftwareAuthenticator.syncedPasskey();
    FactorRecord one = register(alice, first);

    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Phone"), Map.of());
    JsonNode options = JSON.readTree(((PasskeyEnrollment) e.details()).creationOptionsJson());

    assertThat(options.path("user").path("id").asText())
        .isEqualTo(one.attributes().get(Attributes.USER_HANDLE));
    assertThat(options.path("excludeCredentials")).hasSize(1);
    assertThat(options.path("excludeCredentials").get(0).path("id").asText())
        .isEqualTo(first.credentialId());
  }

  @Test
  void begin_otherUsers_getDifferentUserHandles() throws Exception {
    FakeFactorContext bob = alice.forUser(UserRef.staff("clinic-1", "bob"));
    FactorRecord a = register(alice, SoftwareAuthenticator.syncedPasskey());
    FactorRecord b = register(bob, SoftwareAuthenticator.syncedPasskey());
    assertThat(a.attributes().get(Attributes.USER_HANDLE))
        .isNotEqualTo(b.attributes().get(Attributes.USER_HANDLE));
  }

  @Test
  void begin_controlCharactersInName_invalidInput() {
    FakeFactorContext ceremony = alice.newCeremony();
    assertThatThrownBy(() -> factor.begin(ceremony, ceremony.pending("x"),
        Map.of(PasskeyFactor.PARAM_USER_NAME, "a\nb"))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void begin_invisibleOrDirectionChangingCharactersInName_invalidInput() {
    FakeFactorContext ceremony = alice.newCeremony();
    assertThatThrownBy(() -> factor.begin(ceremony, ceremony.pending("x"),
        Map.of(PasskeyFactor.PARAM_DISPLAY_NAME, "Amy \u202Enimda")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invisible or direction-changing");
    FakeFactorContext other = alice.newCeremony();
    assertThatThrownBy(() -> factor.begin(other, other.pending("y"),
        Map.of(PasskeyFactor.PARAM_USER_NAME, "amy\u200B@sunrise.example")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void confirm_softwareAuthenticator_storesCredential() {
    SoftwareAuthenticator auth = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = register(alice, auth);

    assertThat(r.lookupKey()).contains(auth.credentialId());
    assertThat(r.counter()).isZero();
    assertThat(r.attributes())
        .containsEntry(Attributes.USER_HANDLE, auth.userHandle())
        .containsEntry(Attributes.BACKUP_ELIGIBLE, "true")
        .containsEntry(Attributes.BACKED_UP, "true")
        .containsEntry(Attributes.UV_INITIALIZED, "true")
        .containsEntry(Attributes.DISCOVERABLE, "true")
        .containsEntry(Attributes.TRANSPORTS, "hybrid,internal")
        .containsEntry(Attributes.AAGUID, SoftwareAuthenticator.GPM.toString())
        .containsKey(Attributes.PUBLIC_KEY);
    assertThat(r.sealedSecret()).isEmpty();
  }

  @Test
  void confirm_wrongOrigin_invalid() {
    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Laptop"), Map.of());
    String json = SoftwareAuthenticator.syncedPasskey().register(
        ((PasskeyEnrollment) e.details()).creationOptionsJson(), "https://evil.example");
    Verification v =
        factor.confirm(ceremony, e.pending(), Answer.response(e.pending().id(), json));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(v.updated()).isEmpty();
  }

  @Test
  void jsonNull_isMalformedInEveryStep() {
    FactorRecord r = register(alice, SoftwareAuthenticator.syncedPasskey());
    Step step = prompt(alice, r);
    assertThat(factor.verify(step.ctx(), r, Answer.response(r.id(), "null")).outcome())
        .isEqualTo(VerificationOutcome.MALFORMED);
    PasskeyFactor passwordless = PasskeyFactor.builder().relyingParty("app.example.com", "S")
        .origins(Set.of(ORIGIN)).passwordless(true).build();
    assertThat(passwordless.passwordlessLookupKey("null")).isEmpty();
  }

  @Test
  void confirm_badJson_malformed() {
    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Laptop"), Map.of());
    for (String bad : new String[] {"", "{", "[]", "{\"id\":1}", "null",
        "{\"type\":\"public-key\",\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"response\":"
            + "{\"clientDataJSON\":\"e30\",\"attestationObject\":\"oA\"},"
            + "\"clientExtensionResults\":{}}"}) {
      Verification v =
          factor.confirm(ceremony, e.pending(), Answer.response(e.pending().id(), bad));
      assertThat(v.outcome()).as(bad).isIn(VerificationOutcome.MALFORMED,
          VerificationOutcome.INVALID);
      assertThat(v.updated()).isEmpty();
    }
    Verification code = factor.confirm(ceremony, e.pending(),
        Answer.code(e.pending().id(), "123456"));
    assertThat(code.outcome()).isEqualTo(VerificationOutcome.MALFORMED);
  }

  @Test
  void confirm_expiredCeremony_expired() {
    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Laptop"), Map.of());
    String json = SoftwareAuthenticator.syncedPasskey().register(
        ((PasskeyEnrollment) e.details()).creationOptionsJson(), ORIGIN);
    clock.advance(Duration.ofMinutes(10));
    Verification v =
        factor.confirm(ceremony, e.pending(), Answer.response(e.pending().id(), json));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.EXPIRED);
  }

  @Test
  void verify_securityKey_acceptsAndAdvancesCounter() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);

    for (int i = 1; i <= 3; i++) {
      Step step = prompt(alice, r);
      Verification v = verify(step, r, key.assertion(step.requestJson, ORIGIN));
      assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
      assertThat(alice.stored(r.id()).counter()).isEqualTo(i);
      assertThat(alice.stored(r.id()).lastUsed()).contains(clock.instant());
    }
  }

  @Test
  void verify_syncedPasskeyAlwaysZero_acceptedAndLastUsedRecorded() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = register(alice, passkey);
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofMinutes(1));
      Step step = prompt(alice, r);
      assertThat(verify(step, r, passkey.assertion(step.requestJson, ORIGIN)).outcome())
          .isEqualTo(VerificationOutcome.ACCEPTED);
      assertThat(alice.stored(r.id()).counter()).isZero();
      assertThat(alice.stored(r.id()).lastUsed()).contains(clock.instant());
    }
  }

  @Test
  void prompt_requestJson_listsAllActivePasskeysPickedFirstWithTransports() throws Exception {
    SoftwareAuthenticator one = SoftwareAuthenticator.syncedPasskey();
    SoftwareAuthenticator two = SoftwareAuthenticator.securityKey();
    SoftwareAuthenticator lost = SoftwareAuthenticator.securityKey();
    register(alice, two);
    FactorRecord r1 = register(alice, one);
    FactorRecord disabled = register(alice, lost);
    alice.store(disabled.withState(FactorState.DISABLED));
    register(alice.forUser(UserRef.staff("clinic-1", "bob")),
        SoftwareAuthenticator.securityKey());

    JsonNode request = JSON.readTree(prompt(alice, r1).requestJson);
    assertThat(request.path("rpId").asText()).isEqualTo("app.example.com");
    assertThat(request.path("userVerification").asText()).isEqualTo("preferred");
    assertThat(request.path("challenge").asText()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(request.path("allowCredentials").findValuesAsText("id"))
        .containsExactly(one.credentialId(), two.credentialId());
    assertThat(request.path("allowCredentials").get(0).path("transports")).isNotEmpty();
  }

  @Test
  void verify_anotherOfUsersPasskeysThanPicked_acceptedAndNamesTheOneThatAnswered() {
    SoftwareAuthenticator one = SoftwareAuthenticator.securityKey();
    SoftwareAuthenticator two = SoftwareAuthenticator.securityKey();
    FactorRecord r1 = register(alice, one);
    FactorRecord r2 = register(alice, two);

    Step step = prompt(alice, r1);
    Verification v = factor.verify(step.ctx, r1,
        Answer.response(r1.id(), two.assertion(step.requestJson, ORIGIN)));

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.updated()).get().extracting(FactorRecord::id).isEqualTo(r2.id());
    assertThat(v.details()).containsEntry("credentialFactor", r2.id().value());
    assertThat(alice.stored(r2.id()).counter()).isEqualTo(1);
    assertThat(alice.stored(r1.id()).counter()).isZero();
  }

  @Test
  void verify_disabledPasskeyOfTheUser_invalidNothingChanged() {
    SoftwareAuthenticator one = SoftwareAuthenticator.securityKey();
    SoftwareAuthenticator lost = SoftwareAuthenticator.securityKey();
    FactorRecord r1 = register(alice, one);
    FactorRecord r2 = register(alice, lost);
    alice.store(r2.withState(FactorState.DISABLED));
    Map<String, FactorRecord> before = alice.records();

    Step step = prompt(alice, r1);
    Verification v = verify(step, r1, lost.assertion(step.requestJson, ORIGIN));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void prompt_userWithoutPasskeys_refusedToAvoidEmptyAllowCredentials() {
    FakeFactorContext ceremony = alice.newCeremony();
    FactorRecord pending = ceremony.pending("Laptop");
    assertThatThrownBy(() -> factor.prompt(ceremony, pending, Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThat(ceremony.ceremonyState()).isEmpty();
  }

  @Test
  void verify_flippedSignatureBit_invalidNothingChanged() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    Map<String, FactorRecord> before = alice.records();
    Step step = prompt(alice, r);

    Verification v = verify(step, r, key.answer(step.requestJson, ORIGIN).flipSignatureBit().json());

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(v.updated()).isEmpty();
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void verify_malformedDerSignature_typedRefusalNotRuntimeException() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    Map<String, FactorRecord> before = alice.records();
    Step step = prompt(alice, r);

    Verification v = verify(step, r, key.answer(step.requestJson, ORIGIN).garbleSignature().json());

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(v.details()).containsEntry("reason", "bad_signature");
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void verify_wrongOrigin_invalid() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    Map<String, FactorRecord> before = alice.records();
    for (String origin : new String[] {"https://evil.example", "https://app.example.com:8443",
        "http://app.example.com", "https://sub.app.example.com"}) {
      Step step = prompt(alice, r);
      assertThat(verify(step, r, key.assertion(step.requestJson, origin)).outcome())
          .as(origin).isEqualTo(VerificationOutcome.INVALID);
    }
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void verify_localhostOriginListedExactly_accepted() {
    PasskeyFactor local = PasskeyFactor.builder().relyingParty("localhost", "Dev")
        .origins(Set.of("http://localhost:8089")).build();
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = local.begin(ceremony, ceremony.pending("Dev key"), Map.of());
    Verification reg = local.confirm(ceremony, e.pending(), Answer.response(e.pending().id(),
        key.register(((PasskeyEnrollment) e.details()).creationOptionsJson(),
            "http://localhost:8089")));
    assertThat(reg.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    FactorRecord r = reg.updated().orElseThrow().withState(FactorState.ACTIVE);
    alice.store(r);

    FakeFactorContext step = alice.newCeremony();
    String request = local.prompt(step, r, Map.of()).clientJson().orElseThrow();
    assertThat(local.verify(step, r, Answer.response(r.id(),
        key.assertion(request, "http://localhost:8090"))).outcome())
        .isEqualTo(VerificationOutcome.INVALID);
    FakeFactorContext step2 = alice.newCeremony();
    String request2 = local.prompt(step2, r, Map.of()).clientJson().orElseThrow();
    assertThat(local.verify(step2, r, Answer.response(r.id(),
        key.assertion(request2, "http://localhost:8089"))).outcome())
        .isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void verify_wrongRpId_invalid() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    Map<String, FactorRecord> before = alice.records();
    Step step = prompt(alice, r);
    Verification v = verify(step, r,
        key.answer(step.requestJson, ORIGIN).rpId("evil.example").json());
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void verify_wrongClientDataType_invalid() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    Step step = prompt(alice, r);
    assertThat(verify(step, r, key.answer(step.requestJson, ORIGIN).type("webauthn.create")
        .json()).outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @Test
  void verify_sameResponseTwice_secondNotPrompted() {
    SoftwareAuthenticator key = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = register(alice, key);
    Step step = prompt(alice, r);
    String json = key.assertion(step.requestJson, ORIGIN);

    assertThat(verify(step, r, json).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(verify(step, r, json).outcome()).isEqualTo(VerificationOutcome.NOT_PROMPTED);
  }

  @Test
  void verify_responseToAnEarlierChallenge_invalid() {
    SoftwareAuthenticator key = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = register(alice, key);
    Step first = prompt(alice, r);
    String old = key.assertion(first.requestJson, ORIGIN);
    assertThat(verify(first, r, old).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);

    Step second = prompt(alice, r);
    assertThat(verify(second, r, old).outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @Test
  void verify_afterRefusal_requestIsSpentUntilPromptedAgain() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    Step step = prompt(alice, r);
    assertThat(verify(step, r, key.answer(step.requestJson, ORIGIN).flipSignatureBit().json())
        .outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(verify(step, r, key.assertion(step.requestJson, ORIGIN)).outcome())
        .isEqualTo(VerificationOutcome.NOT_PROMPTED);
  }

  @Test
  void verify_expiredRequest_expired() {
    SoftwareAuthenticator key = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = register(alice, key);
    Step step = prompt(alice, r);
    String json = key.assertion(step.requestJson, ORIGIN);
    clock.advance(Duration.ofMinutes(5));
    assertThat(verify(step, r, json).outcome()).isEqualTo(VerificationOutcome.EXPIRED);
    assertThat(alice.stored(r.id()).lastUsed()).isEmpty();
  }

  @Test
  void verify_counterRegression_refusedAndAuditedAsClone() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    key.setCounter(5);
    Step step = prompt(alice, r);
    assertThat(verify(step, r, key.assertion(step.requestJson, ORIGIN)).outcome())
        .isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(alice.stored(r.id()).counter()).isEqualTo(6);
    FactorRecord afterSix = alice.stored(r.id());

    for (long clone : new long[] {4, 6, 0}) {
      Step again = prompt(alice, r);
      Verification v = verify(again, r,
          key.answer(again.requestJson, ORIGIN).counter(clone).json());
      assertThat(v.outcome()).as("counter " + clone + " " + v.details())
          .isEqualTo(VerificationOutcome.COUNTER_REGRESSION);
      assertThat(alice.stored(r.id())).isEqualTo(afterSix);
    }
    Step last = prompt(alice, r);
    assertThat(verify(last, r, key.answer(last.requestJson, ORIGIN).counter(2).json()).details())
        .containsEntry("storedCounter", "6").containsEntry("receivedCounter", "2");
    // the engine writes CREDENTIAL_CLONE_SUSPECTED for this outcome (see PasskeyEngineTest)
  }

  @Test
  void verify_credentialOfAnotherUser_invalidNothingChanged() {
    FakeFactorContext bob = alice.forUser(UserRef.staff("clinic-1", "bob"));
    SoftwareAuthenticator bobsKey = SoftwareAuthenticator.securityKey();
    register(bob, bobsKey);
    FactorRecord alicesOwn = register(alice, SoftwareAuthenticator.securityKey());
    Map<String, FactorRecord> before = alice.records();

    Step step = prompt(alice, alicesOwn);
    Verification v = verify(step, alicesOwn, bobsKey.assertion(step.requestJson, ORIGIN));

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(v.details()).containsEntry("reason", "unknown_credential");
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void verify_ownCredentialClaimingAnotherUserHandle_invalid() {
    SoftwareAuthenticator key = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = register(alice, key);
    Step step = prompt(alice, r);
    String otherHandle = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    assertThat(verify(step, r, key.answer(step.requestJson, ORIGIN).userHandle(otherHandle)
        .json()).outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @Test
  void verify_unknownCredential_invalid() {
    FactorRecord r = register(alice, SoftwareAuthenticator.securityKey());
    Step step = prompt(alice, r);
    String stranger = SoftwareAuthenticator.securityKey().assertion(step.requestJson, ORIGIN);
    assertThat(verify(step, r, stranger).outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @Test
  void verify_badJson_malformedNothingChanged() {
    FactorRecord r = register(alice, SoftwareAuthenticator.securityKey());
    Map<String, FactorRecord> before = alice.records();
    for (String bad : new String[] {"", "{", "nope", "[1,2]", "{\"id\":{}}",
        "{\"type\":\"public-key\",\"id\":\"!!\",\"rawId\":\"!!\",\"response\":{},"
            + "\"clientExtensionResults\":{}}",
        "{\"type\":\"public-key\",\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"response\":"
            + "{\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AA\",\"signature\":\"AA\"},"
            + "\"clientExtensionResults\":{}}"}) {
      Step step = prompt(alice, r);
      assertThat(verify(step, r, bad).outcome()).as(bad)
          .isIn(VerificationOutcome.MALFORMED, VerificationOutcome.INVALID);
    }
    assertThat(alice.records()).isEqualTo(before);
  }

  @Test
  void verify_userVerificationRequiredButKeyTouchOnly_invalid() {
    PasskeyFactor strict = PasskeyFactor.builder().relyingParty("app.example.com", "S")
        .origins(Set.of(ORIGIN)).userVerification(PasskeyFactor.UserVerification.REQUIRED)
        .build();
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    FakeFactorContext ceremony = alice.newCeremony();
    Enrollment e = strict.begin(ceremony, ceremony.pending("Key"), Map.of());
    Verification reg = strict.confirm(ceremony, e.pending(), Answer.response(e.pending().id(),
        touch.register(((PasskeyEnrollment) e.details()).creationOptionsJson(), ORIGIN)));
    assertThat(reg.outcome()).isEqualTo(VerificationOutcome.INVALID);

    // registered under a lenient factor, then asserted under the strict one
    FactorRecord r = register(alice, touch);
    FakeFactorContext step = alice.newCeremony();
    String request = strict.prompt(step, r, Map.of()).clientJson().orElseThrow();
    assertThat(strict.verify(step, r, Answer.response(r.id(), touch.assertion(request, ORIGIN)))
        .outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @Test
  void verify_withoutPrompt_notPrompted() {
    FactorRecord r = register(alice, SoftwareAuthenticator.securityKey());
    assertThat(factor.verify(alice.newCeremony(), r, Answer.response(r.id(), "{}")).outcome())
        .isEqualTo(VerificationOutcome.NOT_PROMPTED);
  }

  @Test
  void display_syncedAndDeviceBound() {
    FactorRecord synced = register(alice, SoftwareAuthenticator.syncedPasskey());
    FactorRecord bound = register(alice, SoftwareAuthenticator.securityKey());

    assertThat(factor.display(synced))
        .containsEntry(PasskeyDisplay.SYNCED, "true")
        .containsEntry(PasskeyDisplay.STORAGE, "synced")
        .containsEntry(PasskeyDisplay.DEVICE_TYPE, "multiDevice")
        .containsEntry(PasskeyDisplay.PROVIDER, "Google Password Manager")
        .containsEntry(PasskeyDisplay.CREATED, "2026-11-23T10:00:00Z")
        .doesNotContainKey(PasskeyDisplay.LAST_USED);
    assertThat(factor.display(bound))
        .containsEntry(PasskeyDisplay.SYNCED, "false")
        .containsEntry(PasskeyDisplay.STORAGE, "device")
        .containsEntry(PasskeyDisplay.DEVICE_TYPE, "singleDevice")
        .doesNotContainKey(PasskeyDisplay.PROVIDER);
  }

  @Test
  void display_afterUse_showsLastUsed() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = register(alice, key);
    clock.advance(Duration.ofHours(1));
    Step step = prompt(alice, r);
    verify(step, r, key.assertion(step.requestJson, ORIGIN));
    assertThat(factor.display(alice.stored(r.id())))
        .containsEntry(PasskeyDisplay.LAST_USED, "2026-11-23T11:00:00Z");
  }

  @Test
  void begin_atMaximumPasskeys_invalidInput() {
    PasskeyFactor two = PasskeyFactor.builder().relyingParty("app.example.com", "S")
        .origins(Set.of(ORIGIN)).maxPasskeysPerUser(2).build();
    for (int i = 0; i < 2; i++) {
      FakeFactorContext c = alice.newCeremony();
      Enrollment e = two.begin(c, c.pending("Key " + i), Map.of());
      alice.store(two.confirm(c, e.pending(), Answer.response(e.pending().id(),
          SoftwareAuthenticator.securityKey().register(options(e), ORIGIN))).updated()
          .orElseThrow().withState(FactorState.ACTIVE));
    }
    FakeFactorContext third = alice.newCeremony();
    assertThatThrownBy(() -> two.begin(third, third.pending("Key 3"), Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> PasskeyFactor.builder().maxPasskeysPerUser(51))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builder_missingRelyingParty_fails() {
    assertThatThrownBy(() -> PasskeyFactor.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(PasskeyFactor.builder().relyingParty("a.example", "A").build().origins())
        .containsExactly("https://a.example");
  }

  @Test
  void passwordless_offByDefault() {
    assertThat(factor.passwordlessPrompt(alice)).isEmpty();
    assertThat(factor.passwordlessLookupKey("{\"id\":\"AAAA\"}")).isEmpty();
  }
}
