package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * A remembered device. The store holds the SHA-256 of the token, never the token.
 *
 * @param id a random, non-secret id to list and revoke it by
 * @param practice the owner's practice
 * @param user the owner
 * @param tokenHash SHA-256 of the token (32 bytes)
 * @param label the browser, from its User-Agent (at most 128 characters)
 * @param ip the IP address it was remembered from
 * @param created when it was remembered
 * @param expires when it stops skipping the second step
 * @param lastSeen when it last skipped the second step
 */
public record DeviceRecord(
    String id,
    PracticeId practice,
    UserId user,
    byte[] tokenHash,
    String label,
    String ip,
    Instant created,
    Instant expires,
    Instant lastSeen) {
  /** Validates and copies. */
  public DeviceRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(tokenHash, "tokenHash");
    if (tokenHash.length != 32) {
      throw new IllegalArgumentException("tokenHash must be 32 bytes");
    }
    tokenHash = tokenHash.clone();
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }

  /** A copy of the hash. */
  @Override
  public byte[] tokenHash() {
    return tokenHash.clone();
  }

  @Override
  public String toString() {
    return "DeviceRecord[id=" + id + ", user=" + user.value() + ", label=" + label + "]";
  }
}
