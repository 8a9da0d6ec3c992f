package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of a practice's audit log, newest first.
 *
 * @param practice the practice (always required: no query spans practices)
 * @param subject only events about this user, if present
 * @param before only events strictly before this instant (the previous page's last {@code at})
 * @param limit at most this many events, 1 to 500
 */
public record AuditQuery(
    PracticeId practice, Optional<UserId> subject, Optional<Instant> before, int limit) {
  /** Validates. */
  public AuditQuery {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(before, "before");
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit must be 1 to 500");
    }
  }
}
