package dev.mfa4j.webauthn;

import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.exception.Base64UrlException;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How a passkey lives in a {@link FactorRecord}. The credential id (base64url) is the lookup key,
 * the signature count the counter; everything else is in attributes, none of it secret:
 *
 * <ul>
 *   <li>{@code publicKey}: the COSE public key, base64url. Public by nature, and kept in attributes
 *       rather than sealed so that a sign-in needs no decryption and passwordless sign-in (which runs
 *       outside the engine) can read it. Tampering with it needs write access to the store, which
 *       could equally delete factors.
 *   <li>{@code userHandle}: the random 32-byte WebAuthn user handle of this user, base64url, shared
 *       by all the user's passkeys; never the host's user id.
 *   <li>{@code transports}, {@code backupEligible}, {@code backedUp}, {@code aaguid}, {@code
 *       discoverable}, {@code uvInitialized}, {@code attachment}.
 *   <li>{@code createdVia}: {@code modal} or {@code conditional} (created without a dialog right
 *       after a password sign-in, see {@link PasskeyFactor#PARAM_MEDIATION}); absent on passkeys
 *       registered before it was recorded.
 * </ul>
 */
final class Attributes {
  static final String PUBLIC_KEY = "publicKey";
  static final String USER_HANDLE = "userHandle";
  static final String TRANSPORTS = "transports";
  static final String BACKUP_ELIGIBLE = "backupEligible";
  static final String BACKED_UP = "backedUp";
  static final String AAGUID = "aaguid";
  static final String DISCOVERABLE = "discoverable";
  static final String UV_INITIALIZED = "uvInitialized";
  static final String ATTACHMENT = "attachment";
  static final String CREATED_VIA = "createdVia";

  private Attributes() {}

  /** Whether the record holds a registered credential (active or disabled, not pending). */
  static boolean isRegistered(FactorRecord r) {
    return r.state() != FactorState.PENDING && r.lookupKey().isPresent()
        && r.attributes().containsKey(PUBLIC_KEY) && r.attributes().containsKey(USER_HANDLE);
  }

  static Optional<ByteArray> userHandle(FactorRecord r) {
    return bytes(r, USER_HANDLE);
  }

  static Optional<ByteArray> credentialId(FactorRecord r) {
    return r.lookupKey().flatMap(Attributes::decode);
  }

  static Optional<ByteArray> publicKey(FactorRecord r) {
    return bytes(r, PUBLIC_KEY);
  }

  static boolean flag(FactorRecord r, String key) {
    return "true".equals(r.attributes().get(key));
  }

  static Set<AuthenticatorTransport> transports(FactorRecord r) {
    String v = r.attributes().getOrDefault(TRANSPORTS, "");
    if (v.isEmpty()) {
      return Set.of();
    }
    return Arrays.stream(v.split(",")).map(AuthenticatorTransport::of)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static String transportsValue(Set<AuthenticatorTransport> transports) {
    return transports.stream().map(AuthenticatorTransport::getId).sorted()
        .collect(Collectors.joining(","));
  }

  static PublicKeyCredentialDescriptor descriptor(FactorRecord r) {
    PublicKeyCredentialDescriptor.PublicKeyCredentialDescriptorBuilder b =
        PublicKeyCredentialDescriptor.builder().id(credentialId(r).orElseThrow());
    Set<AuthenticatorTransport> t = transports(r);
    if (!t.isEmpty()) {
      b.transports(t);
    }
    return b.build();
  }

  private static Optional<ByteArray> bytes(FactorRecord r, String key) {
    return Optional.ofNullable(r.attributes().get(key)).flatMap(Attributes::decode);
  }

  static Optional<ByteArray> decode(String base64Url) {
    try {
      return Optional.of(ByteArray.fromBase64Url(base64Url));
    } catch (Base64UrlException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
