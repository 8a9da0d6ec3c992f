package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpSecretTest {
  static final byte[] SEED20 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  // RFC 4648 Base32 of "12345678901234567890"
  static final String SEED20_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  @ParameterizedTest(name = "{0} -> {1} bytes")
  @CsvSource({"SHA1, 20", "SHA256, 32", "SHA512, 64"})
  void generate_perAlgorithm_defaultLength(OtpAlgorithm algorithm, int bytes) {
    TotpSecret s = TotpSecret.generate(new SecureRandom(), algorithm);
    assertThat(s.length()).isEqualTo(bytes);
    assertThat(TotpSecret.fromBase32(s.base32()).reveal()).isEqualTo(s.reveal());
  }

  @Test
  void generate_twice_differs() {
    SecureRandom r = new SecureRandom();
    assertThat(TotpSecret.generate(r, 20).reveal()).isNotEqualTo(TotpSecret.generate(r, 20).reveal());
  }

  @Test
  void generate_belowRfc4226Minimum_throws() {
    assertThatThrownBy(() -> TotpSecret.generate(new SecureRandom(), 15))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void base32_knownSeed_isRfc4648WithoutPadding() {
    TotpSecret s = TotpSecret.of(SEED20);
    assertThat(s.base32()).isEqualTo(SEED20_BASE32);
    assertThat(s.grouped()).isEqualTo("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  }

  @Test
  void base32_thirtyTwoBytes_hasNoPadding() {
    TotpSecret s = TotpSecret.generate(new SecureRandom(), 32);
    assertThat(s.base32()).hasSize(52).doesNotContain("=");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
      "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
      "gezd-gnbv-gy3t-qojq-gezd-gnbv-gy3t-qojq",
      "  GeZd GNbv gy3t QOJQ GEZDGNBVGY3TQOJQ  "})
  void fromBase32_lenientForms_decodeSeed(String typed) {
    assertThat(TotpSecret.fromBase32(typed).reveal()).isEqualTo(SEED20);
  }

  @Test
  void fromBase32_missingOrPresentPadding_decode() {
    byte[] bytes = new byte[17];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 37);
    }
    String unpadded = TotpSecret.of(bytes).base32();
    assertThat(unpadded.length() % 8).isNotZero();
    String padded = unpadded + "=".repeat(8 - unpadded.length() % 8);
    assertThat(TotpSecret.fromBase32(unpadded).reveal()).isEqualTo(bytes);
    assertThat(TotpSecret.fromBase32(padded).reveal()).isEqualTo(bytes);
    assertThat(TotpSecret.fromBase32(padded.toLowerCase()).reveal()).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
      "",
      "   ",
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1",   // 1 is not Base32
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ0",   // neither is 0
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ=",  // padding where none belongs
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQG",  // impossible length (33 = 1 mod 8)
      "GEZDGNBVGY3TQOJQGEZDGNBV",           // 15 bytes: below the minimum
      "GEZDGNBVGY3TQOJQ+EZDGNBVGY3TQOJQ",
      "ÄEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"})
  void fromBase32_invalid_throwsTyped(String typed) {
    assertThatThrownBy(() -> TotpSecret.fromBase32(typed))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("GEZDGNBV"));
  }

  @Test
  void fromBase32_nonZeroTrailingBits_rejected() {
    // 17 bytes -> 28 chars; the last char carries 3 unused bits. Flip one of them.
    String ok = TotpSecret.of(new byte[17]).base32();
    assertThat(ok).endsWith("A");
    String bad = ok.substring(0, ok.length() - 1) + "B";
    assertThatThrownBy(() -> TotpSecret.fromBase32(bad)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void toString_isRedacted() {
    TotpSecret s = TotpSecret.of(SEED20);
    assertThat(s.toString()).doesNotContain(SEED20_BASE32).doesNotContain("GEZD")
        .doesNotContain("1234").contains("redacted");
  }

  @Test
  void reveal_returnsCopy() {
    TotpSecret s = TotpSecret.of(SEED20);
    s.reveal()[0] = 0;
    assertThat(s.reveal()).isEqualTo(SEED20);
  }
}
