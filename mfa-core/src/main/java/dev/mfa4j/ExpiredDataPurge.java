package dev.mfa4j;

/**
 * What one {@link MfaEngine#purgeExpired()} deleted.
 *
 * @param challenges ceremonies (with their state) that had expired
 * @param counters throttle counters whose window had ended
 * @param devices remembered devices that had expired
 */
public record ExpiredDataPurge(long challenges, long counters, long devices) {
  /** Checks that no count is negative. */
  public ExpiredDataPurge {
    if (challenges < 0 || counters < 0 || devices < 0) {
      throw new IllegalArgumentException("a purge count is negative");
    }
  }

  /** All rows deleted. */
  public long total() {
    return challenges + counters + devices;
  }
}
