package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link TotpFactor#parameters()} reports what the builder set (PIT showed it unpinned). */
class TotpFactorMutationTest {
  @Test
  void parameters_reportTheBuildersChoiceAndDefaultToSha1SixDigitsThirtySeconds() {
    assertThat(TotpFactor.builder().issuer("Sunrise").build().parameters())
        .isEqualTo(TotpParameters.DEFAULTS);
    TotpFactor strong = TotpFactor.builder().issuer("Sunrise").algorithm(OtpAlgorithm.SHA256)
        .digits(8).period(Duration.ofSeconds(60)).build();
    assertThat(strong.parameters()).isEqualTo(TotpParameters.of(OtpAlgorithm.SHA256, 8, 60));
  }
}
