package dev.mfa4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/**
 * The exact bounds of the PHC strings and parameters {@link Argon2id} accepts (found by mutation
 * testing: these boundaries were not pinned). A stored hash outside them must never verify, and
 * parameters outside them must be refused, so a tampered row cannot ask for a weaker or a
 * memory-exhausting hash.
 */
class Argon2idMutationTest {
  private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  /** A PHC string made with Bouncy Castle directly, with any salt and hash length. */
  private static String phc(int m, int t, int p, int saltBytes, int hashBytes) {
    byte[] salt = new byte[saltBytes];
    for (int i = 0; i < salt.length; i++) {
      salt[i] = (byte) i;
    }
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(m)
        .withIterations(t).withParallelism(p).build());
    byte[] out = new byte[hashBytes];
    g.generateBytes(SECRET, out);
    return "$argon2id$v=19$m=" + m + ",t=" + t + ",p=" + p + "$" + B64.encodeToString(salt) + "$"
        + B64.encodeToString(out);
  }

  @Test
  void verify_saltOfEightBytesAccepted_sevenRefused() {
    assertThat(Argon2id.verify(SECRET, phc(64, 1, 1, 8, 32))).isTrue();
    assertThat(Argon2id.verify(SECRET, phc(64, 1, 1, 7, 32))).isFalse();
  }

  @Test
  void verify_hashOfSixteenToSixtyFourBytesAccepted_outsideRefused() {
    assertThat(Argon2id.verify(SECRET, phc(64, 1, 1, 16, 16))).isTrue();
    assertThat(Argon2id.verify(SECRET, phc(64, 1, 1, 16, 64))).isTrue();
    assertThat(Argon2id.verify(SECRET, phc(64, 1, 1, 16, 15))).isFalse();
    assertThat(Argon2id.verify(SECRET, phc(64, 1, 1, 16, 65))).isFalse();
  }

  @Test
  void verify_phcOf512CharactersAccepted_513Refused() {
    String at512 = phc(640, 1, 1, 345, 16);
    assertThat(at512).hasSize(512);
    assertThat(Argon2id.verify(SECRET, at512)).isTrue();
    String at513 = phc(640, 1, 1, 345, 17);
    assertThat(at513).hasSize(513);
    assertThat(Argon2id.verify(SECRET, at513)).isFalse();
  }

  @Test
  void params_bounds_inclusive() {
    assertThat(new Argon2id.Params(8, 1, 1).iterations()).isEqualTo(1);
    assertThat(new Argon2id.Params(8 * 16, 64, 16).parallelism()).isEqualTo(16);
    assertThat(new Argon2id.Params(4 * 1024 * 1024, 1, 1).memoryKiB()).isEqualTo(4 * 1024 * 1024);
    assertThatThrownBy(() -> new Argon2id.Params(7, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(8 * 2 - 1, 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(64, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(64, 65, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(8 * 17, 1, 17))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(8 * 16, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Argon2id.Params(4 * 1024 * 1024 + 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void paramsOf_outOfRangeInStoredString_null() {
    assertThat(Argon2id.paramsOf(phc(64, 1, 1, 16, 32))).isEqualTo(new Argon2id.Params(64, 1, 1));
    String tooManyPasses = phc(64, 1, 1, 16, 32).replace("t=1,", "t=65,");
    assertThat(Argon2id.paramsOf(tooManyPasses)).isNull();
  }

  @Test
  void atLeast_equalInEveryDimension_true_oneWeaker_false() {
    Argon2id.Params p = new Argon2id.Params(64, 2, 2);
    assertThat(p.atLeast(new Argon2id.Params(64, 2, 2))).isTrue();
    assertThat(new Argon2id.Params(63, 2, 2).atLeast(p)).isFalse();
    assertThat(new Argon2id.Params(64, 1, 2).atLeast(p)).isFalse();
    assertThat(new Argon2id.Params(64, 2, 1).atLeast(p)).isFalse();
    assertThat(new Argon2id.Params(65, 3, 3).atLeast(p)).isTrue();
  }
}
