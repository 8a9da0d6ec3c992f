package dev.mfa4j;

import dev.mfa4j.spi.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * AES-256-GCM secret protection with a keyring for rotation.
 *
 * <p>Ciphertext format (version 1): {@code 0x01 | keyIdLength (1 byte) | keyId (ASCII) | nonce (12
 * bytes, random per seal) | ciphertext + 16-byte tag}. The caller's associated data (the factor's
 * identity) is authenticated but not stored, so a ciphertext opens only for the factor it was made
 * for. The header (version and key id) is authenticated too.
 *
 * <p>Rotation: the {@linkplain Builder#current current} key seals; every key in the ring opens.
 * Add the new key, make it current, re-seal at leisure, and remove the old key only when nothing
 * sealed under it remains.
 *
 * <p>{@link #mac} is HMAC-SHA-256 under a key derived per purpose with HKDF-SHA-256 from the
 * {@linkplain Builder#macKey MAC key} (by default the current key). Stored MACs (phone-number
 * lookups, code hashes) depend on that key: when rotating encryption keys, keep naming the old MAC
 * key with {@link Builder#macKey} until the stored MACs have been replaced.
 *
 * <p>Keys are 32 bytes from a secure random source or a KMS; this class copies them and never
 * prints them.
 */
public final class AesGcmSecretProtector implements SecretProtector {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;

  private final Map<String, byte[]> keys;
  private final String current;
  private final String macKey;
  private final SecureRandom random;
  private final Map<String, byte[]> macKeys = new ConcurrentHashMap<>();

  private AesGcmSecretProtector(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.current = b.current;
    this.macKey = b.macKey == null ? b.current : b.macKey;
    this.random = b.random == null ? new SecureRandom() : b.random;
  }

  /**
   * A protector with a single key.
   *
   * @param keyId 1 to 64 characters of {@code [A-Za-z0-9._-]}, stored in every ciphertext
   * @param key 32 bytes
   * @throws IllegalArgumentException if the id or the key length is wrong
   */
  public static AesGcmSecretProtector fromKey(String keyId, byte[] key) {
    return builder().key(keyId, key).current(keyId).build();
  }

  /** A builder for a keyring. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    byte[] id = current.getBytes(StandardCharsets.US_ASCII);
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    int headerLength = 2 + id.length;
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(current), nonce);
      byte[] header = header(id);
      cipher.updateAAD(header);
      cipher.updateAAD(associatedData);
      byte[] ct = cipher.doFinal(plaintext);
      byte[] out = new byte[headerLength + NONCE_BYTES + ct.length];
      System.arraycopy(header, 0, out, 0, headerLength);
      System.arraycopy(nonce, 0, out, headerLength, NONCE_BYTES);
      System.arraycopy(ct, 0, out, headerLength + NONCE_BYTES, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new SecretProtectionException("sealing failed", e);
    }
  }

  @Override
  public byte[] open(byte[] ciphertext, byte[] associatedData) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(associatedData, "associatedData");
    if (ciphertext.length < 2 || ciphertext[0] != VERSION) {
      throw new SecretProtectionException("sealed secret has an unknown format");
    }
    int idLength = ciphertext[1] & 0xff;
    int headerLength = 2 + idLength;
    if (idLength == 0 || ciphertext.length < headerLength + NONCE_BYTES + TAG_BITS / 8) {
      throw new SecretProtectionException("sealed secret is truncated");
    }
    String id = new String(ciphertext, 2, idLength, StandardCharsets.US_ASCII);
    byte[] key = keys.get(id);
    if (key == null) {
      throw new SecretProtectionException("sealed secret was made with an unknown key");
    }
    byte[] nonce = Arrays.copyOfRange(ciphertext, headerLength, headerLength + NONCE_BYTES);
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce);
      cipher.updateAAD(ciphertext, 0, headerLength);
      cipher.updateAAD(associatedData);
      return cipher.doFinal(ciphertext, headerLength + NONCE_BYTES,
          ciphertext.length - headerLength - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new SecretProtectionException(
          "sealed secret could not be opened: altered or bound to another factor", e);
    }
  }

  @Override
  public byte[] mac(String purpose, byte[] data) {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(data, "data");
    byte[] k = macKeys.computeIfAbsent(purpose, this::deriveMacKey);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new SecretProtectionException("MAC failed", e);
    }
  }

  /** The id of the key that seals. */
  public String currentKeyId() {
    return current;
  }

  @Override
  public String toString() {
    return "AesGcmSecretProtector[current=" + current + ", keys=" + keys.keySet() + "]";
  }

  private byte[] deriveMacKey(String purpose) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    byte[] info = ("mfa4j mac v1|" + purpose).getBytes(StandardCharsets.UTF_8);
    hkdf.init(new HKDFParameters(keys.get(macKey), null, info));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  private static byte[] header(byte[] id) {
    byte[] h = new byte[2 + id.length];
    h[0] = VERSION;
    h[1] = (byte) id.length;
    System.arraycopy(id, 0, h, 2, id.length);
    return h;
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  /** Builds an {@link AesGcmSecretProtector} keyring. */
  public static final class Builder {
    private final Map<String, byte[]> keys = new LinkedHashMap<>();
    private String current;
    private String macKey;
    private SecureRandom random;

    private Builder() {}

    /**
     * Adds a key to the ring.
     *
     * @param id 1 to 64 characters of {@code [A-Za-z0-9._-]}
     * @param key exactly 32 bytes (copied)
     * @throws IllegalArgumentException if the id is malformed or taken, or the key is not 32 bytes
     */
    public Builder key(String id, byte[] key) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(key, "key");
      if (id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("key id must be 1 to 64 characters of [A-Za-z0-9._-]");
      }
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException("AES-256 keys are 32 bytes");
      }
      if (keys.putIfAbsent(id, key.clone()) != null) {
        throw new IllegalArgumentException("two keys with id " + id);
      }
      return this;
    }

    /** The key that seals new secrets (must be in the ring). */
    public Builder current(String id) {
      this.current = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The key MACs are derived from (default: the current key). */
    public Builder macKey(String id) {
      this.macKey = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The nonce source (default: a new {@link SecureRandom}). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the protector.
     *
     * @throws IllegalStateException if no key is current or a named key is missing
     */
    public AesGcmSecretProtector build() {
      if (current == null) {
        if (keys.size() != 1) {
          throw new IllegalStateException("name the current key");
        }
        current = keys.keySet().iterator().next();
      }
      if (!keys.containsKey(current)) {
        throw new IllegalStateException("the current key is not in the ring");
      }
      if (macKey != null && !keys.containsKey(macKey)) {
        throw new IllegalStateException("the MAC key is not in the ring");
      }
      return new AesGcmSecretProtector(this);
    }
  }
}
