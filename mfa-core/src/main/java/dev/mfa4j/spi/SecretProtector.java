package dev.mfa4j.spi;

/**
 * Authenticated encryption of factor secrets at rest, and a keyed hash for short codes. The
 * built-in implementation is {@link dev.mfa4j.AesGcmSecretProtector}; a host may plug in a KMS or
 * HSM.
 */
public interface SecretProtector {
  /**
   * Encrypts {@code plaintext} bound to {@code associatedData} (the factor's identity), so that the
   * ciphertext cannot be moved to another user or factor. The result names the key it was made
   * with.
   */
  byte[] seal(byte[] plaintext, byte[] associatedData);

  /**
   * Decrypts what {@link #seal} made with the same associated data.
   *
   * @throws dev.mfa4j.SecretProtectionException if the ciphertext was altered, made for other
   *     associated data, or its key is unknown
   */
  byte[] open(byte[] ciphertext, byte[] associatedData);

  /**
   * A keyed hash (e.g. HMAC-SHA-256 under a key derived for {@code purpose}) of {@code data}, for
   * storing short codes and phone numbers so that a stolen database does not reveal them.
   *
   * <p>Its key must be separate from the sealing key and must not change when the sealing key
   * rotates: stored keyed hashes (SMS send throttle counters, phone-number lookup keys, codes in
   * flight) are compared with fresh ones, and a silent change would reset every throttle and break
   * every lookup.
   */
  byte[] mac(String purpose, byte[] data);
}
