package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.JdbcFactorStore.owner;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.BackupCodeStore;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link BackupCodeStore} over table {@code <prefix>backup_code}. */
final class JdbcBackupCodeStore implements BackupCodeStore {
  private static final String COLUMNS = "practice, user_id, lookup_id, hash, created, used";

  private final Jdbc db;
  private final String table;
  private final Jdbc.RowMapper<BackupCodeRecord> mapper;

  JdbcBackupCodeStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "backup_code";
    this.mapper = Jdbc.guarded(table, rs -> new BackupCodeRecord(
        PracticeId.of(rs.getString("practice")),
        UserId.of(rs.getString("user_id")),
        Objects.requireNonNull(rs.getString("lookup_id"), "lookup_id"),
        Objects.requireNonNull(rs.getString("hash"), "hash"),
        Jdbc.instant(rs, "created"),
        Jdbc.optInstant(rs, "used")));
  }

  @Override
  public void replaceAll(PracticeId practice, UserId user, List<BackupCodeRecord> codes) {
    owner(practice, user);
    List<BackupCodeRecord> copy = List.copyOf(codes);
    for (BackupCodeRecord code : copy) {
      if (!code.practice().equals(practice) || !code.user().equals(user)) {
        throw new IllegalArgumentException("a backup code belongs to another user");
      }
    }
    db.tx("replace backup codes", c -> {
      Jdbc.update(c, "DELETE FROM " + table + " WHERE practice = ? AND user_id = ?",
          practice.value(), user.value());
      if (!copy.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?)")) {
          for (BackupCodeRecord code : copy) {
            Jdbc.bind(ps, code.practice().value(), code.user().value(), code.lookupId(),
                code.hash(), code.created(), code.used().orElse(null));
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return null;
    });
  }

  @Override
  public Optional<BackupCodeRecord> find(PracticeId practice, UserId user, String lookupId) {
    owner(practice, user);
    Objects.requireNonNull(lookupId, "lookupId");
    return db.auto("find backup code", c -> Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM "
        + table + " WHERE practice = ? AND user_id = ? AND lookup_id = ?", mapper,
        practice.value(), user.value(), lookupId));
  }

  @Override
  public boolean consume(PracticeId practice, UserId user, String lookupId, Instant at) {
    owner(practice, user);
    Objects.requireNonNull(lookupId, "lookupId");
    Objects.requireNonNull(at, "at");
    return db.auto("consume backup code", c -> Jdbc.update(c,
        consumeSql(practice, user, lookupId, at))) == 1;
  }

  /** Spends an unspent backup code; 0 rows if it is unknown or spent. */
  Jdbc.Sql consumeSql(PracticeId practice, UserId user, String lookupId, Instant at) {
    return new Jdbc.Sql("UPDATE " + table
        + " SET used = ? WHERE practice = ? AND user_id = ? AND lookup_id = ? AND used IS NULL",
        at, practice.value(), user.value(), lookupId);
  }

  @Override
  public int countUnused(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("count backup codes", c -> Jdbc.queryOne(c, "SELECT COUNT(*) FROM " + table
        + " WHERE practice = ? AND user_id = ? AND used IS NULL", rs -> rs.getInt(1),
        practice.value(), user.value())).orElse(0);
  }

  @Override
  public int deleteAll(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("delete backup codes", c -> Jdbc.update(c, "DELETE FROM " + table
        + " WHERE practice = ? AND user_id = ?", practice.value(), user.value()));
  }
}
