package dev.mfa4j.webauthn;

import static dev.mfa4j.webauthn.PasskeyFixtures.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The second step (WebAuthn §7.2): the {@code userVerified} detail of an accepted answer (the UV
 * flag, §6.1) and hints in the request options (Level 3 §5.8.7).
 */
class PasskeyAssertionTest {
  static final ObjectMapper JSON = new ObjectMapper();

  final PasskeyFactor factor = PasskeyFixtures.factor().build();
  final MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
  final FakeFactorContext alice =
      FakeFactorContext.of(UserRef.staff("clinic-1", "alice"), FactorKind.PASSKEY, clock);

  Verification signIn(PasskeyFactor f, FactorRecord r, SoftwareAuthenticator auth) {
    FakeFactorContext step = alice.newCeremony();
    String request = f.prompt(step, r, Map.of()).clientJson().orElseThrow();
    return f.verify(step, r, Answer.response(r.id(), auth.assertion(request, ORIGIN)));
  }

  @Test
  void verify_userVerifyingKey_acceptedWithUserVerifiedTrueAndTheOtherDetails() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = PasskeyFixtures.register(factor, alice, key);

    Verification v = signIn(factor, r, key);

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.details()).containsEntry(Verification.USER_VERIFIED, "true")
        .containsEntry("credentialFactor", r.id().value()).containsEntry("counter", "1");
  }

  @Test
  void verify_syncedPasskey_acceptedWithUserVerifiedTrueAndCounterless() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = PasskeyFixtures.register(factor, alice, passkey);
    assertThat(signIn(factor, r, passkey).details())
        .containsEntry(Verification.USER_VERIFIED, "true").containsEntry("counterless", "true");
  }

  @Test
  void verify_touchOnlyKeyWhereVerificationPreferred_acceptedWithUserVerifiedFalse() {
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    FactorRecord r = PasskeyFixtures.register(factor, alice, touch);

    Verification v = signIn(factor, r, touch);

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.details()).containsEntry(Verification.USER_VERIFIED, "false");
  }

  @Test
  void verify_touchOnlyKeyWhereVerificationRequired_invalidUserNotVerified() {
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    FactorRecord r = PasskeyFixtures.register(factor, alice, touch);
    PasskeyFactor strict = PasskeyFixtures.factor()
        .userVerification(PasskeyFactor.UserVerification.REQUIRED).build();

    Verification v = signIn(strict, r, touch);

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(v.details()).containsEntry("reason", "user_not_verified");
    assertThat(v.updated()).isEmpty();
  }

  @Test
  void prompt_hints_inTheRequestOptionsInOrder() throws Exception {
    FactorRecord r = PasskeyFixtures.register(factor, alice, SoftwareAuthenticator.securityKey());
    FakeFactorContext step = alice.newCeremony();
    JsonNode request = JSON.readTree(factor.prompt(step, r,
        Map.of(PasskeyFactor.PARAM_HINTS, "security-key,hybrid")).clientJson().orElseThrow());
    assertThat(JSON.readerForListOf(String.class).<List<String>>readValue(request.path("hints")))
        .isEqualTo(List.of("security-key", "hybrid"));
    assertThat(request.has("authenticatorAttachment")).isFalse();

    FakeFactorContext plain = alice.newCeremony();
    assertThat(JSON.readTree(factor.prompt(plain, r, Map.of()).clientJson().orElseThrow())
        .path("hints")).isEmpty();
  }

  @Test
  void prompt_hintedRequest_answeredAndAccepted() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FactorRecord r = PasskeyFixtures.register(factor, alice, key);
    FakeFactorContext step = alice.newCeremony();
    String request = factor.prompt(step, r, Map.of(PasskeyFactor.PARAM_HINTS, "client-device"))
        .clientJson().orElseThrow();
    assertThat(factor.verify(step, r, Answer.response(r.id(), key.assertion(request, ORIGIN)))
        .outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void prompt_unknownHint_invalidInputNothingKept() {
    FactorRecord r = PasskeyFixtures.register(factor, alice, SoftwareAuthenticator.securityKey());
    FakeFactorContext step = alice.newCeremony();
    assertThatThrownBy(() -> factor.prompt(step, r, Map.of(PasskeyFactor.PARAM_HINTS, "usb")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("security-key, client-device, hybrid")
        .hasMessageNotContaining("usb");
    assertThat(step.ceremonyState()).isEmpty();
  }
}
