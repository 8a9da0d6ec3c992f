package dev.mfa4j;

import dev.mfa4j.spi.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
 * <p>{@link #mac} is HMAC-SHA-256 under a key derived per purpose with HKDF-SHA-256 from the
 * <em>MAC root</em>, which has its own id ({@link #macKeyId()}) and is chosen apart from the
 * sealing key: either a separate 32-byte key ({@link Builder#macRootKey}, {@link #fromKeys}; the
 * recommended setup, one key for each job) or, for keyrings started with {@link #fromKey}, the key
 * that made the stored MACs, pinned by id ({@link Builder#macKey}). Stored MACs — SMS send
 * throttle counters, phone-number lookup keys, the hashes of codes in flight — depend on the MAC
 * root only, so they survive any rotation of the sealing key.
 *
 * <p>Rotation: the {@linkplain Builder#current current} key seals; every key in the ring opens.
 * Add the new key, make it current, keep the MAC root as it was, re-seal at leisure, and remove the
 * old key only when nothing sealed under it remains (a MAC root pinned to a ring key stays in the
 * ring). A ring of two or more keys must name its MAC root, so a rotation can never move it
 * silently:
 *
 * <pre>{@code
 * // before: AesGcmSecretProtector.fromKey("k1", k1)
 * AesGcmSecretProtector.builder().key("k1", k1).key("k2", k2).current("k2").macKey("k1").build();
 * // before: AesGcmSecretProtector.fromKeys("k1", k1, "m1", m1)
 * AesGcmSecretProtector.builder().key("k1", k1).key("k2", k2).current("k2")
 *     .macRootKey("m1", m1).build();
 * }</pre>
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
  private final String macKeyId;
  private final byte[] macRoot;
  private final SecureRandom random;
  private final Map<String, byte[]> macKeys = new ConcurrentHashMap<>();

  private AesGcmSecretProtector(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.current = b.current;
    if (b.macRoot != null) {
      this.macKeyId = b.macRootId;
      this.macRoot = b.macRoot.clone();
    } else {
      this.macKeyId = b.macKey == null ? b.current : b.macKey;
      this.macRoot = keys.get(macKeyId);
    }
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

  /**
   * A protector with one key for each job: {@code key} seals, {@code macKey} is the root of the
   * keyed hashes. Rotate the sealing key later with {@link Builder#macRootKey} naming the same MAC
   * root.
   *
   * @param keyId id of the sealing key, stored in every ciphertext
   * @param key 32 bytes
   * @param macKeyId id of the MAC root (1 to 64 characters of {@code [A-Za-z0-9._-]})
   * @param macKey 32 bytes, not equal to {@code key}
   * @throws IllegalArgumentException if an id or a key length is wrong, or the keys are equal
   */
  public static AesGcmSecretProtector fromKeys(String keyId, byte[] key, String macKeyId,
      byte[] macKey) {
    return builder().key(keyId, key).current(keyId).macRootKey(macKeyId, macKey).build();
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

  /**
   * The id of the MAC root: a {@link Builder#macRootKey} id, or the id of the ring key pinned with
   * {@link Builder#macKey} (of the only key for {@link #fromKey}).
   */
  public String macKeyId() {
    return macKeyId;
  }

  @Override
  public String toString() {
    return "AesGcmSecretProtector[current=" + current + ", keys=" + keys.keySet() + ", mac="
        + macKeyId + "]";
  }

  private byte[] deriveMacKey(String purpose) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    byte[] info = ("mfa4j mac v1|" + purpose).getBytes(StandardCharsets.UTF_8);
    hkdf.init(new HKDFParameters(macRoot, null, info));
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
    private String macRootId;
    private byte[] macRoot;
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
      checkKey(id, key);
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

    /**
     * Pins the MAC root to the ring key {@code id}: for keyrings that started with {@link
     * #fromKey}, whose stored MACs were derived from that key. Required (or {@link #macRootKey})
     * once the ring holds two or more keys.
     */
    public Builder macKey(String id) {
      this.macKey = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * A separate MAC root: 32 bytes used only for keyed hashes, never to seal, with its own id.
     * Give the same root across every rotation of the sealing keys.
     *
     * @param id 1 to 64 characters of {@code [A-Za-z0-9._-]}
     * @param key exactly 32 bytes (copied), not equal to a sealing key
     * @throws IllegalArgumentException if the id is malformed or the key is not 32 bytes
     */
    public Builder macRootKey(String id, byte[] key) {
      checkKey(id, key);
      this.macRootId = id;
      this.macRoot = key.clone();
      return this;
    }

    private static void checkKey(String id, byte[] key) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(key, "key");
      if (id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("key id must be 1 to 64 characters of [A-Za-z0-9._-]");
      }
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException("AES-256 keys are 32 bytes");
      }
    }

    /** The nonce source (default: a new {@link SecureRandom}). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the protector.
     *
     * @throws IllegalStateException if no key is current or a named key is missing, if a ring of
     *     two or more keys does not name its MAC root, if both {@link #macKey} and {@link
     *     #macRootKey} are given, or if the MAC root equals a sealing key
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
      if (macKey != null && macRoot != null) {
        throw new IllegalStateException("name the MAC root once: macKey or macRootKey");
      }
      if (macKey == null && macRoot == null && keys.size() > 1) {
        throw new IllegalStateException("a keyring of several keys must name its MAC root"
            + " (macKey with the id of the key the stored MACs came from, or macRootKey):"
            + " otherwise rotating the current key would change every stored keyed hash"
            + " (SMS send throttles, phone lookups)");
      }
      if (macRoot != null) {
        for (Map.Entry<String, byte[]> k : keys.entrySet()) {
          if (MessageDigest.isEqual(k.getValue(), macRoot)) {
            throw new IllegalStateException("the MAC root must not be a sealing key (key "
                + k.getKey() + "): one key for each job");
          }
        }
        if (keys.containsKey(macRootId)) {
          throw new IllegalStateException("the MAC root's id " + macRootId
              + " is also a sealing key's id");
        }
      }
      return new AesGcmSecretProtector(this);
    }
  }
}
