package dev.mfa4j.sms;

import java.time.Duration;
import java.util.Objects;

/**
 * A send throttle: at most {@code limit} code messages per {@code window}. Windows are fixed and
 * aligned to the epoch (a one-day window runs from 00:00 UTC), kept in the store's counters so
 * that every app node counts together.
 *
 * @param limit messages allowed per window, at least 1
 * @param window the window, 1 minute to 1 day
 */
public record SendLimit(int limit, Duration window) {
  /** Validates. */
  public SendLimit {
    Objects.requireNonNull(window, "window");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("window must be 1 minute to 1 day");
    }
  }

  /** {@code limit} per hour. */
  public static SendLimit perHour(int limit) {
    return new SendLimit(limit, Duration.ofHours(1));
  }

  /** {@code limit} per UTC day. */
  public static SendLimit perDay(int limit) {
    return new SendLimit(limit, Duration.ofDays(1));
  }
}
