package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.Jdbc.args;
import static dev.mfa4j.store.jdbc.JdbcFactorStore.owner;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.UserStateStore;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link UserStateStore} over table {@code <prefix>user_state}: one row per user, so the last
 * sign-in (time, IP, browser) is one primary-key read.
 */
final class JdbcUserStateStore implements UserStateStore {
  private static final String COLUMNS = "practice, user_id, failures, locked_until, last_sign_in,"
      + " last_sign_in_ip, last_sign_in_ua, grace_sign_ins, grace_started";
  private static final String INSERT_VALUES = " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)";
  private static final String BY_USER = "practice = ? AND user_id = ?";
  private static final String ADD_FAILURE = "failures = failures + 1";

  private final Jdbc db;
  private final String table;
  private final Jdbc.RowMapper<UserSecurityState> mapper;

  JdbcUserStateStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "user_state";
    this.mapper = Jdbc.guarded(table, rs -> {
      Optional<Instant> at = Jdbc.optInstant(rs, "last_sign_in");
      Optional<SignIn> signIn = at.isEmpty() ? Optional.empty() : Optional.of(new SignIn(at.get(),
          Objects.requireNonNull(rs.getString("last_sign_in_ip"), "last_sign_in_ip"),
          Objects.requireNonNull(rs.getString("last_sign_in_ua"), "last_sign_in_ua")));
      return new UserSecurityState(
          PracticeId.of(rs.getString("practice")),
          UserId.of(rs.getString("user_id")),
          rs.getInt("failures"),
          Jdbc.optInstant(rs, "locked_until"),
          signIn,
          rs.getInt("grace_sign_ins"),
          Jdbc.optInstant(rs, "grace_started"));
    });
  }

  @Override
  public Optional<UserSecurityState> find(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("find user state", c -> Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM "
        + table + " WHERE " + BY_USER, mapper, practice.value(), user.value()));
  }

  @Override
  public int recordFailure(PracticeId practice, UserId user) {
    owner(practice, user);
    return (int) db.updateAndRead("record user failure", table, "failures", BY_USER,
        ADD_FAILURE, args(), args(practice.value(), user.value()),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 1, null, null, null, null, 0, null), 1, 0);
  }

  @Override
  public void lockUntil(PracticeId practice, UserId user, Instant until) {
    owner(practice, user);
    Objects.requireNonNull(until, "until");
    Jdbc.Sql extend = extendLockSql(practice, user, until);
    db.upsert("lock user", extend.text(), extend.params(),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 0, until, null, null, null, 0, null));
  }

  /** Extends the user's lock to {@code until} (never shortens it); 0 rows if there is no row. */
  Jdbc.Sql extendLockSql(PracticeId practice, UserId user, Instant until) {
    return new Jdbc.Sql("UPDATE " + table + " SET locked_until = CASE WHEN locked_until IS NULL"
        + " OR locked_until < ? THEN ? ELSE locked_until END WHERE " + BY_USER,
        until, until, practice.value(), user.value());
  }

  /** One more consecutive failure; 0 rows if there is no row. */
  Jdbc.Sql addFailureSql(PracticeId practice, UserId user) {
    return new Jdbc.Sql("UPDATE " + table + " SET " + ADD_FAILURE + " WHERE " + BY_USER,
        practice.value(), user.value());
  }

  /** A completed sign-in (failures and lock cleared); 0 rows if there is no row. */
  Jdbc.Sql signInSql(PracticeId practice, UserId user, SignIn s) {
    return new Jdbc.Sql("UPDATE " + table + " SET last_sign_in = ?, last_sign_in_ip = ?,"
        + " last_sign_in_ua = ?, failures = 0, locked_until = NULL WHERE " + BY_USER,
        s.at(), s.ip(), s.userAgent(), practice.value(), user.value());
  }

  /**
   * Locks the row ({@code SELECT … FOR UPDATE}) until the unit ends, creating it first if absent.
   * PostgreSQL and H2 try the lock first and insert only for a new user. MariaDB always starts
   * with an insert that, on a duplicate, takes the row's exclusive lock ({@code ON DUPLICATE KEY
   * UPDATE} with no change): a locking read of an absent row would take a gap lock there (InnoDB,
   * REPEATABLE READ), and two units inserting into the same gap would deadlock.
   */
  @Override
  public UserSecurityState lock(PracticeId practice, UserId user) {
    owner(practice, user);
    String select = "SELECT " + COLUMNS + " FROM " + table + " WHERE " + BY_USER
        + " FOR UPDATE";
    Object[] key = args(practice.value(), user.value());
    Object[] row = args(practice.value(), user.value(), 0, null, null, null, null, 0, null);
    return db.tx("lock user state", c -> {
      if (db.dialect != Dialect.MARIADB) {
        Optional<UserSecurityState> found = Jdbc.queryOne(c, select, mapper, key);
        if (found.isPresent()) {
          return found.get();
        }
      }
      if (db.dialect == Dialect.MARIADB) {
        Jdbc.update(c, "INSERT INTO " + table + INSERT_VALUES
            + " ON DUPLICATE KEY UPDATE failures = failures", row);
      } else {
        db.insertIfAbsent(c, "INSERT INTO " + table + INSERT_VALUES, row);
      }
      return Jdbc.queryOne(c, select, mapper, key).orElseThrow(
          () -> new SQLException("user state row vanished while locked", "40001"));
    });
  }

  /** The user's state columns as {@code alias.column AS alias_column}, for joins. */
  static String columnsAs(String alias) {
    return Jdbc.columnsAs(COLUMNS, alias);
  }

  /** Maps the user's state from a row whose columns are aliased by {@link #columnsAs}. */
  Jdbc.RowMapper<UserSecurityState> mapper() {
    return mapper;
  }

  String table() {
    return table;
  }

  @Override
  public void recordSignIn(PracticeId practice, UserId user, SignIn s) {
    owner(practice, user);
    Objects.requireNonNull(s, "signIn");
    Jdbc.Sql update = signInSql(practice, user, s);
    db.upsert("record sign-in", update.text(), update.params(),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 0, null, s.at(), s.ip(), s.userAgent(), 0, null));
  }

  @Override
  public int recordGraceSignIn(PracticeId practice, UserId user, Instant at) {
    owner(practice, user);
    Objects.requireNonNull(at, "at");
    return (int) db.updateAndRead("record grace sign-in", table, "grace_sign_ins", BY_USER,
        "grace_sign_ins = grace_sign_ins + 1, grace_started = COALESCE(grace_started, ?)",
        args(at), args(practice.value(), user.value()),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 0, null, null, null, null, 1, at), 1, 0);
  }

  @Override
  public void endGrace(PracticeId practice, UserId user, Instant at) {
    owner(practice, user);
    Objects.requireNonNull(at, "at");
    db.upsert("end grace", "UPDATE " + table + " SET grace_sign_ins = CASE WHEN grace_sign_ins"
        + " < ? THEN ? ELSE grace_sign_ins END, grace_started = COALESCE(grace_started, ?) WHERE "
        + BY_USER, args(GRACE_ENDED, GRACE_ENDED, at, practice.value(), user.value()),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 0, null, null, null, null, GRACE_ENDED, at));
  }
}
