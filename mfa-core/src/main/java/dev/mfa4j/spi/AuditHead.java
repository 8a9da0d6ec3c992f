package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import java.util.Objects;

/**
 * Where a practice's audit chain stands: its last entry ({@code seq}, {@code digest}) and its
 * base, the last entry removed by retention ({@code baseSeq}, {@code baseDigest}; 0 and {@link
 * AuditEntry#GENESIS} while nothing was removed). The entries kept are {@code baseSeq + 1} to
 * {@code seq}; the first of them follows {@code baseDigest}.
 *
 * @param practice the practice
 * @param seq the last entry's place, 0 for an empty chain
 * @param digest the last entry's digest ({@code baseDigest} when nothing is kept)
 * @param baseSeq the last removed entry's place, 0 if none
 * @param baseDigest the last removed entry's digest, {@link AuditEntry#GENESIS} if none
 */
public record AuditHead(PracticeId practice, long seq, String digest, long baseSeq,
    String baseDigest) {
  /** Checks for nulls and order. */
  public AuditHead {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(baseDigest, "baseDigest");
    if (baseSeq < 0 || seq < baseSeq) {
      throw new IllegalArgumentException("need 0 <= baseSeq <= seq");
    }
  }

  /** The head of a practice with no audit entries yet. */
  public static AuditHead empty(PracticeId practice) {
    return new AuditHead(practice, 0, AuditEntry.GENESIS, 0, AuditEntry.GENESIS);
  }
}
