package dev.mfa4j.webauthn;

import static dev.mfa4j.webauthn.PasskeyFixtures.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The provider's side of passwordless sign-in (the engine flow is in {@code
 * PasswordlessEngineTest}): user verification as configured, NIST SP 800-63B-4's line between a
 * multi-factor (UV) and a single-factor passkey, and a request that lives as long as its ceremony
 * (conditional mediation).
 */
class PasswordlessSignInTest {
  static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
  final FakeFactorContext alice =
      FakeFactorContext.of(UserRef.staff("clinic-1", "alice"), FactorKind.PASSKEY, clock);

  static PasskeyFactor passwordless(PasskeyFactor.UserVerification uv) {
    PasskeyFactor.Builder b = PasskeyFixtures.factor().passwordless(true);
    return (uv == null ? b : b.passwordlessUserVerification(uv)).build();
  }

  /** A passwordless ceremony answered by {@code auth}, checked as the engine does. */
  Verification signIn(PasskeyFactor f, FactorRecord r, SoftwareAuthenticator auth) {
    FakeFactorContext ceremony = alice.newCeremony();
    String request = f.passwordlessPrompt(ceremony).orElseThrow().clientJson().orElseThrow();
    String response = auth.assertion(request, ORIGIN);
    assertThat(f.passwordlessLookupKey(response)).contains(r.lookupKey().orElseThrow());
    return f.verify(ceremony, r, Answer.response(r.id(), response));
  }

  JsonNode request(PasskeyFactor f, FakeFactorContext ctx) throws Exception {
    return JSON.readTree(f.passwordlessPrompt(ctx).orElseThrow().clientJson().orElseThrow());
  }

  @Test
  void passwordlessPrompt_byDefault_requiresUserVerification() throws Exception {
    JsonNode request = request(passwordless(null), alice.newCeremony());
    assertThat(request.path("userVerification").asText()).isEqualTo("required");
    assertThat(request.has("allowCredentials")).isFalse();
  }

  @Test
  void verify_byDefault_verifyingPasskeyAcceptedWithUserVerifiedTrue() {
    PasskeyFactor f = passwordless(null);
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = PasskeyFixtures.register(f, alice, passkey);

    Verification v = signIn(f, r, passkey);

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.details()).containsEntry(Verification.USER_VERIFIED, "true");
  }

  @Test
  void verify_byDefault_touchOnlyKeyInvalidUserNotVerified() {
    PasskeyFactor f = passwordless(PasskeyFactor.UserVerification.REQUIRED);
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    FactorRecord r = PasskeyFixtures.register(f, alice, touch);

    Verification v = signIn(f, r, touch);

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(v.details()).containsEntry("reason", "user_not_verified");
    assertThat(v.updated()).isEmpty();
    assertThat(alice.stored(r.id()).lastUsed()).isEmpty();
  }

  @Test
  void verify_preferred_touchOnlyKeyAcceptedAsOneFactorWithUserVerifiedFalse() throws Exception {
    PasskeyFactor f = passwordless(PasskeyFactor.UserVerification.PREFERRED);
    assertThat(request(f, alice.newCeremony()).path("userVerification").asText())
        .isEqualTo("preferred");
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    FactorRecord r = PasskeyFixtures.register(f, alice, touch);

    Verification v = signIn(f, r, touch);

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.details()).containsEntry(Verification.USER_VERIFIED, "false");
  }

  @Test
  void verify_discouraged_requestSaysSoAndVerifyingPasskeyStillReportsTrue() throws Exception {
    PasskeyFactor f = passwordless(PasskeyFactor.UserVerification.DISCOURAGED);
    assertThat(request(f, alice.newCeremony()).path("userVerification").asText())
        .isEqualTo("discouraged");
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorRecord r = PasskeyFixtures.register(f, alice, passkey);
    assertThat(signIn(f, r, passkey).details()).containsEntry(Verification.USER_VERIFIED, "true");
  }

  @Test
  void passwordlessPrompt_timeoutIsTheCeremonyLifetime() throws Exception {
    PasskeyFactor f = passwordless(null);
    assertThat(request(f, alice.newCeremony()).path("timeout").asLong())
        .isEqualTo(PracticePolicy.defaults().challengeLifetime().toMillis());
    FakeFactorContext longer = alice.newCeremony().policy(PracticePolicy.defaults().toBuilder()
        .challengeLifetime(Duration.ofMinutes(8)).build());
    assertThat(request(f, longer).path("timeout").asLong()).isEqualTo(480_000);
  }

  @Test
  void passwordlessPrompt_sameOptionsForModalAndConditionalMediation() throws Exception {
    PasskeyFactor f = passwordless(null);
    Prompt p = f.passwordlessPrompt(alice.newCeremony()).orElseThrow();
    JsonNode request = JSON.readTree(p.clientJson().orElseThrow());
    // mediation is an argument of navigator.credentials.get, never a member of the options
    assertThat(request.has("mediation")).isFalse();
    assertThat(request.fieldNames()).toIterable()
        .containsExactlyInAnyOrder("challenge", "timeout", "hints", "rpId", "userVerification",
            "extensions");
  }
}
