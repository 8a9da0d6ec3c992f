package dev.mfa4j.store.jdbc;

import dev.mfa4j.spi.ChallengeStore;
import dev.mfa4j.spi.CounterStore;
import java.time.Instant;
import java.util.Objects;

/** {@link CounterStore} over table {@code <prefix>counter}: fixed windows, one row per key. */
final class JdbcCounterStore implements CounterStore {
  /** Longest key. */
  static final int MAX_KEY = 255;

  private final Jdbc db;
  private final String table;

  JdbcCounterStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "counter";
  }

  @Override
  public long increment(String key, Instant now, Instant windowEnd) {
    checkKey(key);
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(windowEnd, "windowEnd");
    // hits is assigned before window_end: MySQL/MariaDB evaluate SET left to right.
    return db.updateAndRead("increment counter", table, "hits", "counter_key = ?",
        "hits = CASE WHEN window_end <= ? THEN 1 ELSE hits + 1 END,"
            + " window_end = CASE WHEN window_end <= ? THEN ? ELSE window_end END",
        Jdbc.args(now, now, windowEnd), Jdbc.args(key),
        "INSERT INTO " + table + " (counter_key, hits, window_end) VALUES (?,?,?)",
        Jdbc.args(key, 1L, windowEnd), 1, 0);
  }

  @Override
  public long get(String key, Instant now) {
    checkKey(key);
    Objects.requireNonNull(now, "now");
    return db.auto("read counter", c -> Jdbc.queryOne(c, "SELECT hits FROM " + table
        + " WHERE counter_key = ? AND window_end > ?", rs -> rs.getLong(1), key, now)).orElse(0L);
  }

  /** By index {@code counter_window}. */
  @Override
  public int purgeExpired(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    ChallengeStore.checkPurgeLimit(limit);
    return db.purgeBefore("purge ended counters", table, "counter_key", "window_end", before,
        limit);
  }

  private static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty() || key.length() > MAX_KEY) {
      throw new IllegalArgumentException("counter key must be 1 to " + MAX_KEY + " characters");
    }
  }
}
