package dev.mfa4j.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import dev.mfa4j.tck.FakeFactorContext;
import java.util.Map;
import java.util.Set;

/** Small steps the provider tests share: a factor, and a passkey registered as the engine would. */
final class PasskeyFixtures {
  static final String ORIGIN = "https://app.example.com";
  static final String RP_ID = "app.example.com";

  private PasskeyFixtures() {}

  static PasskeyFactor.Builder factor() {
    return PasskeyFactor.builder().relyingParty(RP_ID, "Sunrise Therapy").origins(Set.of(ORIGIN));
  }

  static String creationOptions(Enrollment e) {
    return ((PasskeyEnrollment) e.details()).creationOptionsJson();
  }

  /** Registers {@code auth} for the context's user (modal) and stores the active record. */
  static FactorRecord register(PasskeyFactor factor, FakeFactorContext user,
      SoftwareAuthenticator auth) {
    FakeFactorContext ceremony = user.newCeremony();
    Enrollment e = factor.begin(ceremony, ceremony.pending("Laptop"), Map.of());
    Verification v = factor.confirm(ceremony, e.pending(),
        Answer.response(e.pending().id(), auth.register(creationOptions(e), ORIGIN)));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    FactorRecord active = v.updated().orElseThrow().withState(FactorState.ACTIVE);
    user.store(active);
    return active;
  }
}
