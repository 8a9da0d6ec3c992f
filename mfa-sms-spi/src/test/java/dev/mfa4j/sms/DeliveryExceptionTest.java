package dev.mfa4j.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryExceptionTest {
  @ParameterizedTest
  @ValueSource(strings = {"+447400123456", "+44 7400 123456", "(201) 555-0123", "492039",
      "49203911", "code 492039 refused"})
  void redact_numbersAndCodes_removed(String text) {
    String r = DeliveryException.redact("said: " + text);
    assertThat(r.replaceAll("[^0-9]", "")).hasSizeLessThan(5);
  }

  @Test
  void redact_providerErrorCodes_kept() {
    assertThat(DeliveryException.redact("error 21211 (HTTP 400)"))
        .isEqualTo("error 21211 (HTTP 400)");
  }

  @Test
  void message_namesChannelKindAndRedactedReason() {
    DeliveryException e = new DeliveryException(Channel.VOICE, true,
        "The 'To' number +15005550001 is not valid", Optional.of("21211"));
    assertThat(e.getMessage()).contains("VOICE").contains("retryable").contains("21211")
        .doesNotContain("15005550001");
    assertThat(e.channel()).isEqualTo(Channel.VOICE);
  }

  @Test
  void redact_longReason_truncated() {
    assertThat(DeliveryException.redact("x".repeat(1000))).hasSizeLessThanOrEqualTo(201);
  }
}
