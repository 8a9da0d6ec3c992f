package dev.mfa4j.webauthn;

import static dev.mfa4j.webauthn.PasskeyFixtures.ORIGIN;
import static dev.mfa4j.webauthn.PasskeyFixtures.creationOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registration options (WebAuthn Level 3 §5.4): conditional create (mediation {@code
 * conditional}, §7.1 step 14 without the UP flag) and user-agent hints (§5.8.7), through Yubico's
 * real checks with the software authenticator.
 */
class PasskeyRegistrationTest {
  static final ObjectMapper JSON = new ObjectMapper();

  final PasskeyFactor factor = PasskeyFixtures.factor().build();
  final MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
  final FakeFactorContext alice =
      FakeFactorContext.of(UserRef.staff("clinic-1", "alice"), FactorKind.PASSKEY, clock);

  /** A ceremony begun with {@code parameters}. */
  record Begun(FakeFactorContext ctx, Enrollment enrollment) {
    JsonNode options() throws Exception {
      return JSON.readTree(creationOptions(enrollment));
    }

    Verification confirm(PasskeyFactor f, String json) {
      return f.confirm(ctx, enrollment.pending(),
          Answer.response(enrollment.pending().id(), json));
    }
  }

  Begun begin(PasskeyFactor f, Map<String, String> parameters) {
    FakeFactorContext ceremony = alice.newCeremony();
    return new Begun(ceremony, f.begin(ceremony, ceremony.pending("Phone"), parameters));
  }

  static Map<String, String> conditional() {
    return Map.of(PasskeyFactor.PARAM_MEDIATION, PasskeyFactor.MEDIATION_CONDITIONAL);
  }

  // ------------------------------------------------------------------ conditional create

  @Test
  void begin_conditionalMediation_requiresDiscoverableCredential() throws Exception {
    assertThat(begin(factor, conditional()).options().path("authenticatorSelection")
        .path("residentKey").asText()).isEqualTo("required");
    assertThat(begin(factor, Map.of()).options().path("authenticatorSelection")
        .path("residentKey").asText()).isEqualTo("preferred");
    assertThat(begin(factor, Map.of(PasskeyFactor.PARAM_MEDIATION, "modal")).options()
        .path("authenticatorSelection").path("residentKey").asText()).isEqualTo("preferred");
  }

  @Test
  void confirm_conditionalCreateWithoutUserPresence_accepted() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    Begun b = begin(factor, conditional());

    Verification v = b.confirm(factor, passkey.registerConditionally(creationOptions(b.enrollment()),
        ORIGIN));

    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.updated().orElseThrow().attributes())
        .containsEntry(Attributes.CREATED_VIA, "conditional")
        .containsEntry(Attributes.UV_INITIALIZED, "false");
    assertThat(v.details()).containsEntry(Verification.USER_VERIFIED, "false")
        .containsEntry("createdVia", "conditional");
  }

  @Test
  void confirm_conditionalCreatedPasskey_signsInLaterWithUserPresence() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    Begun b = begin(factor, conditional());
    FactorRecord r = b.confirm(factor, passkey.registerConditionally(
        creationOptions(b.enrollment()), ORIGIN)).updated().orElseThrow()
        .withState(FactorState.ACTIVE);
    alice.store(r);

    FakeFactorContext step = alice.newCeremony();
    String request = factor.prompt(step, r, Map.of()).clientJson().orElseThrow();
    assertThat(factor.verify(step, r, Answer.response(r.id(), passkey.assertion(request, ORIGIN)))
        .outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void confirm_withoutUserPresenceInAModalCeremony_invalidNothingStored() {
    for (Map<String, String> modal : List.of(Map.<String, String>of(),
        Map.of(PasskeyFactor.PARAM_MEDIATION, PasskeyFactor.MEDIATION_MODAL))) {
      Begun b = begin(factor, modal);
      Verification v = b.confirm(factor, SoftwareAuthenticator.syncedPasskey()
          .registerConditionally(creationOptions(b.enrollment()), ORIGIN));
      assertThat(v.outcome()).as(modal.toString()).isEqualTo(VerificationOutcome.INVALID);
      assertThat(v.details()).containsEntry("reason", "registration_failed");
      assertThat(v.updated()).isEmpty();
    }
    assertThat(alice.records()).isEmpty();
  }

  @Test
  void confirm_conditionalCeremonyAnsweredWithUserPresence_acceptedAsConditional() {
    // a browser may still show its dialog; a present user is fine
    Begun b = begin(factor, conditional());
    Verification v = b.confirm(factor, SoftwareAuthenticator.securityKey()
        .register(creationOptions(b.enrollment()), ORIGIN));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.details()).containsEntry(Verification.USER_VERIFIED, "true");
  }

  @Test
  void confirm_modalCeremony_recordsCreatedViaModal() {
    Begun b = begin(factor, Map.of());
    Verification v = b.confirm(factor, SoftwareAuthenticator.syncedPasskey()
        .register(creationOptions(b.enrollment()), ORIGIN));
    assertThat(v.updated().orElseThrow().attributes())
        .containsEntry(Attributes.CREATED_VIA, "modal");
  }

  @Test
  void confirm_conditionalCreateUnderRequiredUserVerification_stillRequiresIt() throws Exception {
    PasskeyFactor strict = PasskeyFixtures.factor()
        .userVerification(PasskeyFactor.UserVerification.REQUIRED).build();
    Begun b = begin(strict, conditional());
    assertThat(b.options().path("authenticatorSelection").path("userVerification").asText())
        .isEqualTo("required");
    Verification v = b.confirm(strict, SoftwareAuthenticator.syncedPasskey()
        .registerConditionally(creationOptions(b.enrollment()), ORIGIN));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "silent", "Conditional", "required", "conditional "})
  void begin_unknownMediation_invalidInputNamingTheValues(String mediation) {
    FakeFactorContext ceremony = alice.newCeremony();
    assertThatThrownBy(() -> factor.begin(ceremony, ceremony.pending("x"),
        Map.of(PasskeyFactor.PARAM_MEDIATION, mediation)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("mediation must be one of modal, conditional");
    assertThat(ceremony.ceremonyState()).isEmpty();
  }

  // ------------------------------------------------------------------ hints

  static Stream<Arguments> hintsAndAttachment() {
    return Stream.of(
        Arguments.of("security-key", List.of("security-key"), "cross-platform"),
        Arguments.of("client-device", List.of("client-device"), "platform"),
        Arguments.of("hybrid", List.of("hybrid"), "cross-platform"),
        Arguments.of("client-device,hybrid", List.of("client-device", "hybrid"), "platform"),
        Arguments.of("hybrid, security-key, client-device",
            List.of("hybrid", "security-key", "client-device"), "cross-platform"));
  }

  @ParameterizedTest
  @MethodSource("hintsAndAttachment")
  void begin_hints_inOrderWithTheAttachmentLevel3RecommendsForTheFirst(String parameter,
      List<String> hints, String attachment) throws Exception {
    JsonNode options = begin(factor, Map.of(PasskeyFactor.PARAM_HINTS, parameter)).options();
    assertThat(JSON.readerForListOf(String.class).<List<String>>readValue(options.path("hints")))
        .isEqualTo(hints);
    assertThat(options.path("authenticatorSelection").path("authenticatorAttachment").asText())
        .isEqualTo(attachment);
  }

  @Test
  void begin_noHints_noHintsAndNoAttachment() throws Exception {
    JsonNode options = begin(factor, Map.of()).options();
    assertThat(options.path("hints")).isEmpty();
    assertThat(options.path("authenticatorSelection").has("authenticatorAttachment")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "passkey", "security-key,security-key", "security-key,",
      "Security-Key", "security_key", "hybrid;client-device"})
  void begin_unknownOrRepeatedHint_invalidInputNamingTheAllowedValues(String hints) {
    FakeFactorContext ceremony = alice.newCeremony();
    assertThatThrownBy(() -> factor.begin(ceremony, ceremony.pending("x"),
        Map.of(PasskeyFactor.PARAM_HINTS, hints)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("hints must be a comma-separated list of distinct values among "
            + "security-key, client-device, hybrid");
    assertThat(ceremony.ceremonyState()).isEmpty();
  }

  @Test
  void confirm_hintedRequest_readsBackAndAccepts() {
    Begun b = begin(factor, Map.of(PasskeyFactor.PARAM_HINTS, "security-key"));
    assertThat(b.confirm(factor, SoftwareAuthenticator.securityKey()
        .register(creationOptions(b.enrollment()), ORIGIN)).outcome())
        .isEqualTo(VerificationOutcome.ACCEPTED);
  }
}
