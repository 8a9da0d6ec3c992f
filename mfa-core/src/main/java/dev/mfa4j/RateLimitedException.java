package dev.mfa4j;

import java.time.Instant;
import java.util.Objects;

/**
 * A throttle refused the call (too many codes sent to a user, a number or a practice). Nothing was
 * sent. The message never says whether a number is registered.
 */
public class RateLimitedException extends MfaException {
  private static final long serialVersionUID = 1L;
  private final Instant retryAfter;

  /** With the earliest time a retry may succeed. */
  public RateLimitedException(String message, Instant retryAfter) {
    super(message);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** The earliest time a retry may succeed. */
  public Instant retryAfter() {
    return retryAfter;
  }
}
