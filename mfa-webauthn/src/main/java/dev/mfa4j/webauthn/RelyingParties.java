package dev.mfa4j.webauthn;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.PublicKeyCredentialParameters;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;


/**
 * The relying party set-up: Yubico's {@link RelyingParty} for one call over one {@link
 * CredentialView}, with this factor's identity and origins, no attestation, ES256, EdDSA and
 * RS256, and the counter left to {@link SignatureCounter}; and, when the factor opted in, the
 * JVM-wide {@link BouncyCastleP256Provider} installed once and made active around each check.
 */
final class RelyingParties {
  private final RelyingPartyIdentity identity;
  private final Set<String> origins;
  private final boolean fastEs256;

  RelyingParties(String rpId, String rpName, Set<String> origins, boolean fastEs256) {
    this.identity = RelyingPartyIdentity.builder().id(rpId).name(rpName).build();
    this.origins = Set.copyOf(origins);
    this.fastEs256 = fastEs256;
    if (fastEs256) {
      BouncyCastleP256Provider.installJvmWide();
    }
  }

  String rpId() {
    return identity.getId();
  }

  Set<String> origins() {
    return origins;
  }

  RelyingParty forView(CredentialRepository view, Clock clock) {
    return RelyingParty.builder()
        .identity(identity)
        .credentialRepository(view)
        .origins(origins)
        .attestationConveyancePreference(AttestationConveyancePreference.NONE)
        .preferredPubkeyParams(List.of(PublicKeyCredentialParameters.ES256,
            PublicKeyCredentialParameters.EdDSA, PublicKeyCredentialParameters.RS256))
        .allowUntrustedAttestation(true)
        .validateSignatureCounter(false)
        .clock(clock)
        .build();
  }

  /** Runs a signature check, on the opted-in fast P-256 path if the factor chose it. */
  <T> T verifying(Supplier<T> action) {
    return fastEs256 ? BouncyCastleP256Provider.scoped(action) : action.get();
  }

  /** A checked Yubico failure carried through a supplier. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(Exception cause) {
      super(cause.getClass().getSimpleName(), cause, false, false);
    }
  }
}
