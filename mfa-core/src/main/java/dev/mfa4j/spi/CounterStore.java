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
}
