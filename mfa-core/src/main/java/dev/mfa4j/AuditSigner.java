package dev.mfa4j;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

/**
 * The Ed25519 key that signs audit checkpoints ({@link AuditCheckpoint}). Use a key of its own,
 * never one of the secret-protection keys, and keep its public half where the auditors can get it:
 * verifying a checkpoint needs only {@link #publicKey()}.
 */
public final class AuditSigner {
  private final String keyId;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private AuditSigner(String keyId, PrivateKey privateKey, PublicKey publicKey) {
    this.keyId = keyId;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * A signer for an existing Ed25519 key pair.
   *
   * @param keyId a name for the key, recorded in each checkpoint (1 to 64 printable characters)
   * @throws InvalidInputException if the id is unusable or the keys are not an Ed25519 pair
   */
  public static AuditSigner ed25519(String keyId, PrivateKey privateKey, PublicKey publicKey) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(publicKey, "publicKey");
    if (keyId.isEmpty() || keyId.length() > 64
        || !keyId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidInputException("an audit key id is 1 to 64 printable ASCII characters");
    }
    AuditSigner s = new AuditSigner(keyId, privateKey, publicKey);
    try {
      byte[] probe = {1, 2, 3};
      Signature sig = Signature.getInstance("Ed25519");
      sig.initSign(privateKey);
      sig.update(probe);
      byte[] signed = sig.sign();
      sig.initVerify(publicKey);
      sig.update(probe);
      if (!sig.verify(signed)) {
        throw new InvalidInputException("the audit signing keys are not one pair");
      }
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException("the audit signing keys must be an Ed25519 pair");
    }
    return s;
  }

  /** A signer with a new random Ed25519 key pair (for tests and first set-up). */
  public static AuditSigner generate(String keyId) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return ed25519(keyId, pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is missing from this JVM", e);
    }
  }

  /** The key's name. */
  public String keyId() {
    return keyId;
  }

  /** The public half, which verifies checkpoints. */
  public PublicKey publicKey() {
    return publicKey;
  }

  AuditCheckpoint sign(PracticeId practice, long seq, String digest, Instant at) {
    Instant t = at.truncatedTo(ChronoUnit.MICROS);
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(AuditCheckpoint.signedBytes(practice, seq, digest, t, keyId));
      return new AuditCheckpoint(practice, seq, digest, t, keyId,
          Base64.getEncoder().encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing an audit checkpoint failed", e);
    }
  }

  @Override
  public String toString() {
    return "AuditSigner[" + keyId + "]";
  }
}
