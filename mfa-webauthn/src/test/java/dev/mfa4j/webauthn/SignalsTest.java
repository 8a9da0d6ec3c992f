package dev.mfa4j.webauthn;

import static dev.mfa4j.webauthn.PasskeyFixtures.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebAuthn Level 3 Signal API messages (§5.1.10), checked member by member against the W3C
 * dictionaries: {@code AllAcceptedCredentialsOptions {rpId, userId, allAcceptedCredentialIds}},
 * {@code CurrentUserDetailsOptions {rpId, userId, name, displayName}}, {@code
 * UnknownCredentialOptions {rpId, credentialId}}; ids base64url.
 */
class SignalsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ClientSignal.Names NAMES =
      new ClientSignal.Names("alice@clinic.example", "Alice Moreau");

  final PasskeyFactor factor = PasskeyFixtures.factor().build();
  final MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
  final FakeFactorContext alice =
      FakeFactorContext.of(UserRef.staff("clinic-1", "alice"), FactorKind.PASSKEY, clock);
  SoftwareAuthenticator phoneKey;
  SoftwareAuthenticator laptopKey;
  SoftwareAuthenticator lostKey;
  FactorRecord phone;
  FactorRecord laptop;
  FactorRecord lost;
  String userId;

  @BeforeEach
  void setUp() {
    phoneKey = SoftwareAuthenticator.syncedPasskey();
    laptopKey = SoftwareAuthenticator.securityKey();
    lostKey = SoftwareAuthenticator.securityKey();
    phone = PasskeyFixtures.register(factor, alice, phoneKey);
    laptop = PasskeyFixtures.register(factor, alice, laptopKey);
    lost = PasskeyFixtures.register(factor, alice, lostKey);
    userId = phoneKey.userHandle();
  }

  @Test
  void signals_passkeyRemoved_allAcceptedListsTheActiveKeptOnes() {
    FactorRecord disabled = laptop.withState(FactorState.DISABLED);
    FactorRecord pending = alice.newCeremony().pending("Unconfirmed");

    List<ClientSignal> signals =
        factor.signals(List.of(phone, disabled, pending), List.of(lost), Optional.empty());

    assertThat(signals).containsExactly(new ClientSignal(ClientSignal.ALL_ACCEPTED_CREDENTIALS,
        "{\"rpId\":\"app.example.com\",\"userId\":\"" + userId
            + "\",\"allAcceptedCredentialIds\":[\"" + phoneKey.credentialId() + "\"]}"));
  }

  @Test
  void signals_lastPasskeyRemoved_emptyAcceptedListUnderTheRemovedOnesHandle() {
    List<ClientSignal> signals = factor.signals(List.of(), List.of(phone), Optional.empty());
    assertThat(signals).containsExactly(new ClientSignal(ClientSignal.ALL_ACCEPTED_CREDENTIALS,
        "{\"rpId\":\"app.example.com\",\"userId\":\"" + userId
            + "\",\"allAcceptedCredentialIds\":[]}"));
  }

  @Test
  void signals_namesChanged_allAcceptedThenCurrentUserDetails() {
    List<ClientSignal> signals =
        factor.signals(List.of(phone, laptop, lost), List.of(), Optional.of(NAMES));

    assertThat(signals).containsExactly(
        new ClientSignal(ClientSignal.ALL_ACCEPTED_CREDENTIALS,
            "{\"rpId\":\"app.example.com\",\"userId\":\"" + userId
                + "\",\"allAcceptedCredentialIds\":[\"" + phoneKey.credentialId() + "\",\""
                + laptopKey.credentialId() + "\",\"" + lostKey.credentialId() + "\"]}"),
        new ClientSignal(ClientSignal.CURRENT_USER_DETAILS,
            "{\"rpId\":\"app.example.com\",\"userId\":\"" + userId
                + "\",\"name\":\"alice@clinic.example\",\"displayName\":\"Alice Moreau\"}"));
  }

  @Test
  void signals_userIdIsTheWebAuthnUserHandleNeverTheHostsUserId() {
    String json = factor.signals(List.of(phone), List.of(), Optional.of(NAMES)).get(1).json();
    assertThat(json).contains(phone.attributes().get(Attributes.USER_HANDLE))
        .doesNotContain("\"alice\"");
  }

  @Test
  void signals_namesWithQuotesAndNonAscii_writtenAsJsonByJackson() throws Exception {
    ClientSignal.Names names = new ClientSignal.Names("o'neil\"@example.com", "Zoë \"Z\" O'Neil");
    String json = factor.signals(List.of(phone), List.of(), Optional.of(names)).get(1).json();
    JsonNode parsed = JSON.readTree(json);
    assertThat(parsed.path("name").asText()).isEqualTo("o'neil\"@example.com");
    assertThat(parsed.path("displayName").asText()).isEqualTo("Zoë \"Z\" O'Neil");
  }

  @Test
  void signals_nothingRemovedAndNoNames_none() {
    assertThat(factor.signals(List.of(phone, laptop), List.of(), Optional.empty())).isEmpty();
  }

  @Test
  void signals_noRegisteredPasskey_none() {
    FactorRecord pending = alice.newCeremony().pending("Unconfirmed");
    assertThat(factor.signals(List.of(pending), List.of(pending), Optional.of(NAMES))).isEmpty();
    assertThat(factor.signals(List.of(), List.of(), Optional.of(NAMES))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Amy \u202Enimda", "a\nb", "zero\u200Bwidth"})
  void signals_nameAPasskeyManagerMustNotShow_invalidInput(String bad) {
    assertThatThrownBy(() -> factor.signals(List.of(phone), List.of(),
        Optional.of(new ClientSignal.Names("alice", bad))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("displayName");
  }

  @Test
  void unknownCredentialSignal_assertion_rpIdAndItsCredentialId() {
    SoftwareAuthenticator stranger = SoftwareAuthenticator.syncedPasskey();
    String request = "{\"challenge\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
        + "\"rpId\":\"app.example.com\"}";
    assertThat(factor.unknownCredentialSignal(stranger.assertion(request, ORIGIN)))
        .contains(new ClientSignal(ClientSignal.UNKNOWN_CREDENTIAL,
            "{\"rpId\":\"app.example.com\",\"credentialId\":\"" + stranger.credentialId()
                + "\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "null", "[]", "{\"id\":\"AAAA\"}", "not json"})
  void unknownCredentialSignal_malformedResponse_empty(String response) {
    assertThat(factor.unknownCredentialSignal(response)).isEmpty();
  }
}
