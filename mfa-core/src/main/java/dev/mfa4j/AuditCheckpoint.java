package dev.mfa4j;

import dev.mfa4j.spi.AuditEntry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed statement that a practice's audit chain had digest {@code digest} at entry {@code
 * seq}. Keep checkpoints outside the database (a log system, object storage with retention, a
 * ticket): someone who can write the database can rewrite the whole chain consistently, but not
 * the checkpoints, so {@link AuditTrail#verify(PracticeId, java.util.List)} with them finds the
 * rewrite.
 *
 * <p>The signature is Ed25519 over the ASCII bytes {@code mfa4j-audit-checkpoint-v1}, one zero
 * byte, then practice, seq (decimal), digest, at (microseconds since the epoch, decimal) and key
 * id, each as a 4-byte big-endian length and its UTF-8 bytes.
 *
 * @param practice the practice
 * @param seq the entry the checkpoint covers (with every entry before it)
 * @param digest that entry's digest
 * @param at when the checkpoint was made
 * @param keyId which signing key ({@link AuditSigner#keyId()})
 * @param signature the Ed25519 signature, base64
 */
public record AuditCheckpoint(PracticeId practice, long seq, String digest, Instant at,
    String keyId, String signature) {
  /** A checkpoint; every text component is required and {@code seq} must not be negative. */
  public AuditCheckpoint {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(signature, "signature");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative");
    }
  }

  /** Whether the signature is valid under {@code key} (an Ed25519 public key). */
  public boolean signedBy(PublicKey key) {
    Objects.requireNonNull(key, "key");
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(signedBytes(practice, seq, digest, at, keyId));
      return s.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  static byte[] signedBytes(PracticeId practice, long seq, String digest, Instant at,
      String keyId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    out.writeBytes("mfa4j-audit-checkpoint-v1".getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    for (String f : new String[] {practice.value(), Long.toString(seq), digest,
        Long.toString(AuditEntry.micros(at)), keyId}) {
      byte[] b = f.getBytes(StandardCharsets.UTF_8);
      out.write(b.length >>> 24);
      out.write(b.length >>> 16);
      out.write(b.length >>> 8);
      out.write(b.length);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }
}
