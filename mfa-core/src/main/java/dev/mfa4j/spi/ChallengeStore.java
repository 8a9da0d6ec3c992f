package dev.mfa4j.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * Pending ceremonies, shared by every app node. Taking an attempt and consuming a challenge are
 * each one conditional write, so that parallel answers on several nodes are counted together and
 * exactly one of them completes the ceremony.
 */
public interface ChallengeStore {
  /** Inserts a new challenge. */
  void insert(ChallengeRecord challenge);

  /** The challenge with this id hash, in any state. */
  Optional<ChallengeRecord> find(byte[] idHash);

  /**
   * Takes one attempt: {@code UPDATE … SET attempts = attempts + 1 WHERE id = ? AND attempts <
   * max_attempts AND consumed IS NULL AND expires > ?}.
   *
   * @return whether an attempt was available and taken
   */
  boolean takeAttempt(byte[] idHash, Instant now);

  /**
   * Completes the challenge: {@code UPDATE … SET consumed = ? WHERE id = ? AND consumed IS NULL AND
   * expires > ?}.
   *
   * @return whether this caller completed it (false: someone else did, or it expired)
   */
  boolean consume(byte[] idHash, Instant now);

  /**
   * Sets a provider's state for this challenge under {@code key}, replacing any earlier value (a
   * resent code replaces the old one). Values are hashes or non-secret data, at most 16 KiB.
   */
  void putState(byte[] idHash, String key, String value);

  /** The provider state under {@code key}. */
  Optional<String> state(byte[] idHash, String key);

  /** Deletes challenges (and their state) that expired before {@code before}; returns how many. */
  int purgeExpired(Instant before);
}
