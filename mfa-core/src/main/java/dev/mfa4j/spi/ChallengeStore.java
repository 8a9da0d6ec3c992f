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

  /**
   * Deletes at most {@code limit} challenges (and their state) that expired before {@code
   * before}, oldest first, in one short transaction; returns how many. Fewer than {@code limit}
   * means none is left. Bounded so that a large backlog is removed in many small steps (see
   * {@link dev.mfa4j.MfaEngine#purgeExpired()}), none of which holds locks for long.
   *
   * @param limit 1 to {@value #MAX_PURGE}
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  int purgeExpired(Instant before, int limit);

  /** The largest {@code limit} of one {@link #purgeExpired} call (shared by every store). */
  int MAX_PURGE = 10_000;

  /** Checks a purge's {@code limit} (1 to {@link #MAX_PURGE}); returns it. */
  static int checkPurgeLimit(int limit) {
    if (limit < 1 || limit > MAX_PURGE) {
      throw new IllegalArgumentException("purge limit must be 1 to " + MAX_PURGE);
    }
    return limit;
  }
}
