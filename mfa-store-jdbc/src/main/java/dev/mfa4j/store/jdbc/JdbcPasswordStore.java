package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.JdbcFactorStore.owner;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordStore;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** {@link PasswordStore} over table {@code <prefix>password}. */
final class JdbcPasswordStore implements PasswordStore {
  private static final String COLUMNS =
      "practice, user_id, hash, changed, temporary_pw, expires, pw_length, failures, next_check";

  private final Jdbc db;
  private final String table;
  private final Jdbc.RowMapper<PasswordRecord> mapper;

  JdbcPasswordStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "password";
    this.mapper = Jdbc.guarded(table, rs -> new PasswordRecord(
        PracticeId.of(rs.getString("practice")),
        UserId.of(rs.getString("user_id")),
        Objects.requireNonNull(rs.getString("hash"), "hash"),
        Jdbc.instant(rs, "changed"),
        rs.getBoolean("temporary_pw"),
        Jdbc.optInstant(rs, "expires"),
        rs.getInt("pw_length"),
        rs.getInt("failures"),
        Jdbc.optInstant(rs, "next_check")));
  }

  @Override
  public Optional<PasswordRecord> find(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("find password", c -> Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM " + table
        + " WHERE practice = ? AND user_id = ?", mapper, practice.value(), user.value()));
  }

  @Override
  public void put(PasswordRecord p) {
    Objects.requireNonNull(p, "password");
    db.upsert("put password", "UPDATE " + table + " SET hash = ?, changed = ?, temporary_pw = ?,"
        + " expires = ?, pw_length = ?, failures = ?, next_check = ?"
        + " WHERE practice = ? AND user_id = ?",
        Jdbc.args(p.hash(), p.changed(), p.temporary(), p.expires().orElse(null), p.length(),
            p.failures(), p.nextCheck().orElse(null), p.practice().value(), p.user().value()),
        "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)",
        Jdbc.args(p.practice().value(), p.user().value(), p.hash(), p.changed(), p.temporary(),
            p.expires().orElse(null), p.length(), p.failures(), p.nextCheck().orElse(null)));
  }

  @Override
  public boolean replace(PracticeId practice, UserId user, String expectedHash,
      PasswordRecord next) {
    owner(practice, user);
    Objects.requireNonNull(expectedHash, "expectedHash");
    Objects.requireNonNull(next, "next");
    if (!next.practice().equals(practice) || !next.user().equals(user)) {
      throw new IllegalArgumentException("the new password belongs to another user");
    }
    return db.auto("replace password", c -> Jdbc.update(c, "UPDATE " + table
        + " SET hash = ?, changed = ?, temporary_pw = ?, expires = ?, pw_length = ?,"
        + " failures = ?, next_check = ? WHERE practice = ? AND user_id = ? AND hash = ?",
        next.hash(), next.changed(), next.temporary(), next.expires().orElse(null),
        next.length(), next.failures(), next.nextCheck().orElse(null),
        practice.value(), user.value(), expectedHash)) == 1;
  }

  @Override
  public boolean recordFailure(PracticeId practice, UserId user, int expectedFailures,
      Optional<Instant> nextCheck) {
    owner(practice, user);
    Objects.requireNonNull(nextCheck, "nextCheck");
    return db.auto("count password failure", c -> Jdbc.update(c, "UPDATE " + table
        + " SET failures = ?, next_check = ? WHERE practice = ? AND user_id = ? AND failures = ?",
        expectedFailures + 1, nextCheck.orElse(null), practice.value(), user.value(),
        expectedFailures)) == 1;
  }

  @Override
  public void clearFailures(PracticeId practice, UserId user) {
    owner(practice, user);
    db.auto("clear password failures", c -> Jdbc.update(c, "UPDATE " + table
        + " SET failures = 0, next_check = NULL WHERE practice = ? AND user_id = ?",
        practice.value(), user.value()));
  }
}
