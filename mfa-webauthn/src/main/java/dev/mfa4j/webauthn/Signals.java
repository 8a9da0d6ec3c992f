package dev.mfa4j.webauthn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.FactorKind;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;


/**
 * The WebAuthn Level 3 Signal API messages (§5.1.10): the arguments of {@code
 * PublicKeyCredential.signalAllAcceptedCredentials} ({@code AllAcceptedCredentialsOptions}),
 * {@code signalCurrentUserDetails} ({@code CurrentUserDetailsOptions}) and {@code
 * signalUnknownCredential} ({@code UnknownCredentialOptions}), written by Jackson. Each holds the
 * RP id, base64url ids (the random user handle, credential ids) and the names the user chose;
 * nothing secret.
 */
final class Signals {
  private final RelyingParties parties;

  Signals(RelyingParties parties) {
    this.parties = parties;
  }

  /**
   * The signals after the user's passkeys or names changed: every passkey still accepted when one
   * was removed or the names changed, and the current names when given. None when no record holds
   * the user's handle (the user never registered a passkey).
   */
  List<ClientSignal> after(List<FactorRecord> kept, List<FactorRecord> removed,
      Optional<ClientSignal.Names> names) {
    Optional<String> userId = Stream.concat(kept.stream(), removed.stream())
        .filter(Signals::registeredPasskey)
        .map(r -> r.attributes().get(Attributes.USER_HANDLE))
        .findFirst();
    if (userId.isEmpty()) {
      return List.of();
    }
    List<ClientSignal> signals = new ArrayList<>();
    if (!removed.isEmpty() || names.isPresent()) {
      ObjectNode all = withIds(userId.get());
      ArrayNode ids = all.putArray("allAcceptedCredentialIds");
      kept.stream()
          .filter(r -> registeredPasskey(r) && r.state() == FactorState.ACTIVE)
          .filter(r -> r.attributes().get(Attributes.USER_HANDLE).equals(userId.get()))
          .forEach(r -> ids.add(r.lookupKey().orElseThrow()));
      signals.add(new ClientSignal(ClientSignal.ALL_ACCEPTED_CREDENTIALS, Json.write(all)));
    }
    names.ifPresent(n -> {
      String name = PasskeyRegistration.name(n.userName(), "", "userName");
      String displayName = PasskeyRegistration.name(n.displayName(), "", "displayName");
      ObjectNode details = withIds(userId.get());
      details.put("name", name);
      details.put("displayName", displayName);
      signals.add(new ClientSignal(ClientSignal.CURRENT_USER_DETAILS, Json.write(details)));
    });
    return List.copyOf(signals);
  }

  /** {@code signalUnknownCredential} for the credential of an assertion; empty if malformed. */
  Optional<ClientSignal> unknownCredential(String response) {
    String credentialId;
    try {
      credentialId = Json.assertion(response).getId().getBase64Url();
    } catch (Json.MalformedException e) {
      return Optional.empty();
    }
    ObjectNode unknown = Json.MAPPER.createObjectNode();
    unknown.put("rpId", parties.rpId());
    unknown.put("credentialId", credentialId);
    return Optional.of(new ClientSignal(ClientSignal.UNKNOWN_CREDENTIAL, Json.write(unknown)));
  }

  private ObjectNode withIds(String userId) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rpId", parties.rpId());
    o.put("userId", userId);
    return o;
  }

  private static boolean registeredPasskey(FactorRecord r) {
    return r.kind().equals(FactorKind.PASSKEY) && Attributes.isRegistered(r)
        && Attributes.userHandle(r).isPresent();
  }
}
