package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.Jdbc.guarded;

import dev.mfa4j.FactorId;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.ChallengeStore;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** {@link ChallengeStore} over tables {@code <prefix>challenge} and {@code <prefix>challenge_state}. */
final class JdbcChallengeStore implements ChallengeStore {
  private static final String COLUMNS = "id_hash, practice, user_id, purpose, factor_id, created,"
      + " expires, attempts, max_attempts, consumed";
  /** Longest provider state value read or written (the SPI allows 16 KiB). */
  static final int MAX_STATE = 16 * 1024;

  private final Jdbc db;
  private final String table;
  private final String stateTable;
  private final Jdbc.RowMapper<ChallengeRecord> mapper;

  JdbcChallengeStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "challenge";
    this.stateTable = db.prefix + "challenge_state";
    this.mapper = guarded(table, rs -> {
      String factor = rs.getString("factor_id");
      return new ChallengeRecord(
          rs.getBytes("id_hash"),
          PracticeId.of(rs.getString("practice")),
          UserId.of(rs.getString("user_id")),
          ChallengePurpose.valueOf(rs.getString("purpose")),
          factor == null ? Optional.empty() : Optional.of(FactorId.of(factor)),
          Jdbc.instant(rs, "created"),
          Jdbc.instant(rs, "expires"),
          rs.getInt("attempts"),
          rs.getInt("max_attempts"),
          Jdbc.optInstant(rs, "consumed"));
    });
  }

  @Override
  public void insert(ChallengeRecord ch) {
    Objects.requireNonNull(ch, "challenge");
    db.auto("insert challenge", c -> Jdbc.update(c,
        "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)",
        ch.idHash(), ch.practice().value(), ch.user().value(), ch.purpose().name(),
        ch.factor().map(FactorId::value).orElse(null), ch.created(), ch.expires(), ch.attempts(),
        ch.maxAttempts(), ch.consumed().orElse(null)));
  }

  @Override
  public Optional<ChallengeRecord> find(byte[] idHash) {
    Objects.requireNonNull(idHash, "idHash");
    return db.auto("find challenge", c -> Jdbc.queryOne(c,
        "SELECT " + COLUMNS + " FROM " + table + " WHERE id_hash = ?", mapper, (Object) idHash));
  }

  @Override
  public boolean takeAttempt(byte[] idHash, Instant now) {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(now, "now");
    return db.auto("take challenge attempt", c -> Jdbc.update(c, takeAttemptSql(idHash, now, false)))
        == 1;
  }

  /**
   * Takes one attempt of an open ceremony and, when {@code complete}, completes it in the same
   * statement; 1 row if the ceremony was open (attempt left, not consumed, not expired).
   */
  Jdbc.Sql takeAttemptSql(byte[] idHash, Instant now, boolean complete) {
    String where = " WHERE id_hash = ? AND attempts < max_attempts AND consumed IS NULL"
        + " AND expires > ?";
    return complete
        ? new Jdbc.Sql("UPDATE " + table + " SET attempts = attempts + 1, consumed = ?" + where,
            now, idHash, now)
        : new Jdbc.Sql("UPDATE " + table + " SET attempts = attempts + 1" + where, idHash, now);
  }

  /** The ceremony's columns as {@code alias.column AS alias_column}, for joins. */
  static String columnsAs(String alias) {
    return Jdbc.columnsAs(COLUMNS, alias);
  }

  Jdbc.RowMapper<ChallengeRecord> mapper() {
    return mapper;
  }

  String table() {
    return table;
  }

  @Override
  public boolean consume(byte[] idHash, Instant now) {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(now, "now");
    return db.auto("consume challenge", c -> Jdbc.update(c, "UPDATE " + table
        + " SET consumed = ? WHERE id_hash = ? AND consumed IS NULL AND expires > ?",
        now, idHash, now)) == 1;
  }

  @Override
  public void putState(byte[] idHash, String key, String value) {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (value.length() > MAX_STATE) {
      throw new IllegalArgumentException("challenge state value longer than 16 KiB");
    }
    db.upsert("put challenge state",
        "UPDATE " + stateTable + " SET state_value = ? WHERE id_hash = ? AND state_key = ?",
        Jdbc.args(value, idHash, key),
        "INSERT INTO " + stateTable + " (id_hash, state_key, state_value) VALUES (?,?,?)",
        Jdbc.args(idHash, key, value));
  }

  @Override
  public Optional<String> state(byte[] idHash, String key) {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(key, "key");
    return db.auto("read challenge state", c -> Jdbc.queryOne(c, "SELECT state_value FROM "
        + stateTable + " WHERE id_hash = ? AND state_key = ?", guarded(stateTable, rs -> {
          String v = rs.getString(1);
          if (v.length() > MAX_STATE) {
            throw new IllegalStateException("state value is oversized");
          }
          return v;
        }), idHash, key));
  }

  /** By index {@code challenge_expires}; the state rows go first. */
  @Override
  public int purgeExpired(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    ChallengeStore.checkPurgeLimit(limit);
    return db.purgeBefore("purge expired challenges", table, "id_hash", "expires", before, limit,
        stateTable);
  }
}
