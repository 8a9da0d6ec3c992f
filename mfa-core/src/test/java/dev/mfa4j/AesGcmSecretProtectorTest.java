package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AesGcmSecretProtectorTest {
  private static final byte[] AAD = "p1|alice|f1|totp".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SECRET = "JBSWY3DPEHPK3PXP-secret".getBytes(StandardCharsets.UTF_8);

  private static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  @Test
  void seal_open_roundTripAndFreshNoncePerSeal() {
    AesGcmSecretProtector p = AesGcmSecretProtector.fromKey("k1", key());
    byte[] a = p.seal(SECRET, AAD);
    byte[] b = p.seal(SECRET, AAD);

    assertThat(p.open(a, AAD)).isEqualTo(SECRET);
    assertThat(a).isNotEqualTo(b);
    // version, key id length, "k1", 12-byte nonce, ciphertext, 16-byte tag
    assertThat(a[0]).isEqualTo((byte) 1);
    assertThat(a[1]).isEqualTo((byte) 2);
    assertThat(new String(a, 2, 2, StandardCharsets.US_ASCII)).isEqualTo("k1");
    assertThat(a).hasSize(4 + 12 + SECRET.length + 16);
    assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("JBSWY3DP");
  }

  @Test
  void open_anyFlippedByte_fails() {
    AesGcmSecretProtector p = AesGcmSecretProtector.fromKey("k1", key());
    byte[] sealed = p.seal(SECRET, AAD);
    for (int i = 0; i < sealed.length; i++) {
      byte[] t = sealed.clone();
      t[i] ^= 0x01;
      assertThatThrownBy(() -> p.open(t, AAD)).isInstanceOf(SecretProtectionException.class);
    }
    assertThatThrownBy(() -> p.open(new byte[0], AAD))
        .isInstanceOf(SecretProtectionException.class);
    assertThatThrownBy(() -> p.open(java.util.Arrays.copyOf(sealed, 20), AAD))
        .isInstanceOf(SecretProtectionException.class);
  }

  @Test
  void open_otherAssociatedData_fails() {
    AesGcmSecretProtector p = AesGcmSecretProtector.fromKey("k1", key());
    byte[] sealed = p.seal(SECRET, AAD);
    assertThatThrownBy(() -> p.open(sealed, "p1|bob|f1|totp".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SecretProtectionException.class);
  }

  @Test
  void associatedData_lengthPrefixedSoFieldsCannotShift() {
    UserId u1 = UserId.of("ab");
    dev.mfa4j.spi.FactorRecord a = record(PracticeId.of("p"), u1);
    dev.mfa4j.spi.FactorRecord b = record(PracticeId.of("pa"), UserId.of("b"));
    assertThat(Engine.associatedData(a)).isNotEqualTo(Engine.associatedData(b));
  }

  private static dev.mfa4j.spi.FactorRecord record(PracticeId p, UserId u) {
    return new dev.mfa4j.spi.FactorRecord(FactorId.of("f"), p, u, FactorKind.TOTP, "l",
        dev.mfa4j.spi.FactorState.ACTIVE, java.time.Instant.EPOCH, java.util.Optional.empty(), 0,
        0, java.util.Optional.empty(), new byte[0], java.util.Map.of());
  }

  @Test
  void open_unknownKey_fails() {
    byte[] sealed = AesGcmSecretProtector.fromKey("k1", key()).seal(SECRET, AAD);
    AesGcmSecretProtector other = AesGcmSecretProtector.fromKey("k2", key());
    AesGcmSecretProtector sameIdOtherKey = AesGcmSecretProtector.fromKey("k1", key());

    assertThatThrownBy(() -> other.open(sealed, AAD))
        .isInstanceOf(SecretProtectionException.class).hasMessageContaining("unknown key");
    assertThatThrownBy(() -> sameIdOtherKey.open(sealed, AAD))
        .isInstanceOf(SecretProtectionException.class);
  }

  @Test
  void rotation_oldCiphertextOpensNewOnesUseCurrentKey() {
    byte[] k1 = key();
    byte[] k2 = key();
    byte[] old = AesGcmSecretProtector.fromKey("k1", k1).seal(SECRET, AAD);
    AesGcmSecretProtector ring = AesGcmSecretProtector.builder().key("k1", k1).key("k2", k2)
        .current("k2").macKey("k1").build();

    byte[] fresh = ring.seal(SECRET, AAD);

    assertThat(ring.open(old, AAD)).isEqualTo(SECRET);
    assertThat(new String(fresh, 2, 2, StandardCharsets.US_ASCII)).isEqualTo("k2");
    assertThat(AesGcmSecretProtector.fromKey("k2", k2).open(fresh, AAD)).isEqualTo(SECRET);
    assertThat(ring.currentKeyId()).isEqualTo("k2");
  }

  @Test
  void keys_wrongLengthOrBadId_rejected() {
    assertThatThrownBy(() -> AesGcmSecretProtector.fromKey("k1", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesGcmSecretProtector.fromKey("", key()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesGcmSecretProtector.fromKey("k 1", key()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesGcmSecretProtector.builder().key("a", key()).key("b", key())
        .build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AesGcmSecretProtector.builder().key("a", key()).current("b")
        .build()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void key_copiedOnBuild() {
    byte[] k = key();
    AesGcmSecretProtector p = AesGcmSecretProtector.fromKey("k1", k);
    byte[] sealed = p.seal(SECRET, AAD);
    java.util.Arrays.fill(k, (byte) 0);
    assertThat(p.open(sealed, AAD)).isEqualTo(SECRET);
  }

  @Test
  void mac_deterministicPerPurposeAndStableAcrossRotationWithMacKey() {
    byte[] k1 = key();
    AesGcmSecretProtector p = AesGcmSecretProtector.fromKey("k1", k1);
    byte[] data = "+15555550123".getBytes(StandardCharsets.UTF_8);

    assertThat(p.mac("phone", data)).hasSize(32).isEqualTo(p.mac("phone", data));
    assertThat(p.mac("phone", data)).isNotEqualTo(p.mac("sms-code", data));
    assertThat(p.mac("phone", data)).isNotEqualTo(
        AesGcmSecretProtector.fromKey("k2", key()).mac("phone", data));
    AesGcmSecretProtector rotated = AesGcmSecretProtector.builder().key("k1", k1)
        .key("k2", key()).current("k2").macKey("k1").build();
    assertThat(rotated.mac("phone", data)).isEqualTo(p.mac("phone", data));
  }

  @Test
  void rotation_withoutNamingTheMacRoot_refused() {
    assertThatThrownBy(() -> AesGcmSecretProtector.builder().key("k1", key()).key("k2", key())
        .current("k2").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("MAC root");
  }

  @Test
  void macRootKey_separateFromSealingKeysAndStableAcrossRotation() {
    byte[] k1 = key();
    byte[] m1 = key();
    byte[] data = "+15555550123".getBytes(StandardCharsets.UTF_8);
    AesGcmSecretProtector before = AesGcmSecretProtector.fromKeys("k1", k1, "m1", m1);
    AesGcmSecretProtector after = AesGcmSecretProtector.builder().key("k1", k1).key("k2", key())
        .current("k2").macRootKey("m1", m1).build();

    assertThat(before.macKeyId()).isEqualTo("m1");
    assertThat(after.macKeyId()).isEqualTo("m1");
    assertThat(after.toString()).contains("mac=m1");
    assertThat(after.mac("phone", data)).isEqualTo(before.mac("phone", data));
    // the MAC root is not the sealing key: not the legacy derivation from k1
    assertThat(before.mac("phone", data))
        .isNotEqualTo(AesGcmSecretProtector.fromKey("k1", k1).mac("phone", data))
        .isEqualTo(AesGcmSecretProtector.fromKeys("x", key(), "m1", m1).mac("phone", data));
    assertThat(after.open(before.seal(SECRET, AAD), AAD)).isEqualTo(SECRET);
    assertThat(after.currentKeyId()).isEqualTo("k2");
  }

  @Test
  void macRootKey_misuseRefused() {
    byte[] k1 = key();
    assertThatThrownBy(() -> AesGcmSecretProtector.fromKeys("k1", k1, "m1", k1.clone()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("one key for each job");
    assertThatThrownBy(() -> AesGcmSecretProtector.fromKeys("k1", k1, "k1", key()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AesGcmSecretProtector.builder().key("k1", k1).macKey("k1")
        .macRootKey("m1", key()).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AesGcmSecretProtector.fromKeys("k1", k1, "m1", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromKey_macKeyIdIsTheOnlyKey() {
    assertThat(AesGcmSecretProtector.fromKey("k1", key()).macKeyId()).isEqualTo("k1");
  }

  @Test
  void toStringAndMessages_holdNoKeyMaterial() {
    byte[] k = key();
    AesGcmSecretProtector p = AesGcmSecretProtector.fromKey("k1", k);
    String hex = HexFormat.of().formatHex(k);
    String b64 = java.util.Base64.getEncoder().encodeToString(k);
    assertThat(p.toString()).doesNotContain(hex).doesNotContain(b64).contains("k1");
    byte[] sealed = p.seal(SECRET, AAD);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> p.open(sealed, AAD)).satisfies(e ->
        assertThat(e.getMessage()).doesNotContain("JBSWY3DP").doesNotContain(hex));
  }

  private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
    javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
    m.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    for (byte[] p : parts) {
      m.update(p);
    }
    return m.doFinal();
  }

  @Test
  void mac_isHmacSha256UnderHkdfSha256KeyDerivedPerPurpose() throws Exception {
    byte[] k = key();
    byte[] data = "123456".getBytes(StandardCharsets.UTF_8);
    // RFC 5869 with an empty salt (HashLen zeros) and info "mfa4j mac v1|<purpose>", L = 32
    byte[] prk = hmac(new byte[32], k);
    byte[] okm = hmac(prk, "mfa4j mac v1|sms-code".getBytes(StandardCharsets.UTF_8),
        new byte[] {1});

    assertThat(AesGcmSecretProtector.fromKey("k1", k).mac("sms-code", data))
        .isEqualTo(hmac(okm, data));
  }
}
