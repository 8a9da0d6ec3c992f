package dev.mfa4j.spi;

import java.time.Instant;

/**
 * Fixed-window counters for throttles (sends per user, per number, per practice per day). Keys are
 * chosen by the caller and must not contain personal data: hash a phone number before using it.
 */
public interface CounterStore {
  /**
   * Adds one to the counter under {@code key} atomically and returns the new count. If the stored
   * window ended at or before {@code now}, the counter restarts at 1 with a window ending at {@code
   * windowEnd}.
   */
  long increment(String key, Instant now, Instant windowEnd);

  /** The current count under {@code key} at {@code now} (0 if none or the window ended). */
  long get(String key, Instant now);

  /**
   * Deletes at most {@code limit} counters whose window ended before {@code before} (their count
   * is 0 already), oldest window first, in one short transaction; returns how many. Fewer than
   * {@code limit} means none is left.
   *
   * @param limit 1 to {@value ChallengeStore#MAX_PURGE}
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  int purgeExpired(Instant before, int limit);
}
