package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A page of a practice's audit log, newest first: the whole practice's events, or one user's.
 *
 * <p><b>Two cursors.</b> With {@code beforeSeq} present, the page holds the chain's entries with
 * {@code seq < beforeSeq}, highest seq first: a stable cursor, since every entry of a practice has
 * its own seq, however many share a time. Pass {@link Long#MAX_VALUE} for the first page and the
 * last entry's seq for the next ({@link AuditStore#findEntries} returns the seqs). Rows written
 * before the chain existed (schema version 3 of the JDBC store) have no seq: a seq cursor never
 * returns them. Without {@code beforeSeq}, the page is ordered by time, then id, descending, and
 * {@code before} pages by time; it includes the rows without seq but cannot page past events that
 * share one instant. Both may be given: then both apply.
 *
 * @param practice the practice (always required: no query spans practices)
 * @param subject only events about this user, if present; the whole practice's if empty
 * @param before only events strictly before this instant
 * @param beforeSeq only chain entries with a seq strictly below this one, highest first
 * @param limit at most this many events, 1 to 500
 */
public record AuditQuery(PracticeId practice, Optional<UserId> subject, Optional<Instant> before,
    OptionalLong beforeSeq, int limit) {
  /** Validates. */
  public AuditQuery {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(beforeSeq, "beforeSeq");
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit must be 1 to 500");
    }
    if (beforeSeq.isPresent() && beforeSeq.getAsLong() < 1) {
      throw new IllegalArgumentException("beforeSeq must be at least 1");
    }
  }

  /** A page ordered by time ({@code before} as the cursor), without a seq cursor. */
  public AuditQuery(PracticeId practice, Optional<UserId> subject, Optional<Instant> before,
      int limit) {
    this(practice, subject, before, OptionalLong.empty(), limit);
  }

  /**
   * A page of chain entries by seq, newest first.
   *
   * @param subject only this user's events, or the whole practice's if empty
   * @param beforeSeq the previous page's last seq, or empty for the first page
   */
  public static AuditQuery bySeq(PracticeId practice, Optional<UserId> subject,
      OptionalLong beforeSeq, int limit) {
    Objects.requireNonNull(beforeSeq, "beforeSeq");
    return new AuditQuery(practice, subject, Optional.empty(),
        OptionalLong.of(beforeSeq.orElse(Long.MAX_VALUE)), limit);
  }
}
