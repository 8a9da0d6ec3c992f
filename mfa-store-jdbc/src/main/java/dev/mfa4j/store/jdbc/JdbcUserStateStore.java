package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.Jdbc.args;
import static dev.mfa4j.store.jdbc.JdbcFactorStore.owner;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.UserStateStore;
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
        "failures = failures + 1", args(), args(practice.value(), user.value()),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 1, null, null, null, null, 0, null), 1, 0);
  }

  @Override
  public void lockUntil(PracticeId practice, UserId user, Instant until) {
    owner(practice, user);
    Objects.requireNonNull(until, "until");
    db.upsert("lock user", "UPDATE " + table + " SET locked_until = ? WHERE " + BY_USER,
        args(until, practice.value(), user.value()),
        "INSERT INTO " + table + INSERT_VALUES,
        args(practice.value(), user.value(), 0, until, null, null, null, 0, null));
  }

  @Override
  public void recordSignIn(PracticeId practice, UserId user, SignIn s) {
    owner(practice, user);
    Objects.requireNonNull(s, "signIn");
    db.upsert("record sign-in", "UPDATE " + table + " SET last_sign_in = ?, last_sign_in_ip = ?,"
        + " last_sign_in_ua = ?, failures = 0, locked_until = NULL WHERE " + BY_USER,
        args(s.at(), s.ip(), s.userAgent(), practice.value(), user.value()),
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
