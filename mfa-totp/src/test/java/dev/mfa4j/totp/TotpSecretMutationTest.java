package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InvalidInputException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Boundaries of {@link TotpSecret} that PIT showed unpinned: lengths and Base32 padding. */
class TotpSecretMutationTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 0x5a);
    return b;
  }

  @Test
  void of_sixteenToOneHundredTwentyEightBytesInclusive() {
    assertThat(TotpSecret.of(bytes(16)).length()).isEqualTo(16);
    assertThat(TotpSecret.of(bytes(128)).length()).isEqualTo(128);
    assertThatThrownBy(() -> TotpSecret.of(bytes(15))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TotpSecret.of(bytes(129)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromBase32_decodedLengthBoundsInclusive() {
    assertThat(TotpSecret.fromBase32(TotpSecret.of(bytes(16)).base32()).length()).isEqualTo(16);
    assertThat(TotpSecret.fromBase32(TotpSecret.of(bytes(128)).base32()).length()).isEqualTo(128);
    // 15 and 129 bytes encode fine but are refused as secrets
    String fifteen = TotpSecret.of(bytes(16)).base32().substring(0, 24);   // 24 chars = 15 bytes
    assertThatThrownBy(() -> TotpSecret.fromBase32(fifteen))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("16 to 128 bytes");
    String big = TotpSecret.of(bytes(128)).base32() + "KRUGS4ZA";             // + 5 bytes
    assertThatThrownBy(() -> TotpSecret.fromBase32(big))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("16 to 128 bytes");
  }

  @Test
  void fromBase32_inputLengthLimitIsFourTimesTheLargestSecret() {
    assertThatThrownBy(() -> TotpSecret.fromBase32("A".repeat(513)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("too long");
    assertThatThrownBy(() -> TotpSecret.fromBase32("A".repeat(512)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("16 to 128 bytes");
  }

  @Test
  void fromBase32_paddingMustCompleteTheLastBlock() {
    String sixteen = TotpSecret.of(bytes(16)).base32();                        // 26 characters
    assertThat(sixteen).hasSize(26);
    assertThat(TotpSecret.fromBase32(sixteen + "======").reveal()).isEqualTo(bytes(16));
    assertThatThrownBy(() -> TotpSecret.fromBase32(sixteen + "====="))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("padding");
  }

  @Test
  void fromBase32_lengthsNoEncoderProduces_refusedAsSuch() {
    String sixteen = TotpSecret.of(bytes(16)).base32();
    for (int n : new int[] {25, 27, 30}) {                                    // n % 8 = 1, 3, 6
      String cut = (sixteen + sixteen).substring(0, n);
      assertThatThrownBy(() -> TotpSecret.fromBase32(cut)).as("length " + n)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("impossible");
    }
  }
}
