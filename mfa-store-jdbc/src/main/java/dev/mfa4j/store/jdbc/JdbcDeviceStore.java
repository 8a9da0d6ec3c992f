package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.JdbcFactorStore.owner;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.ChallengeStore;
import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.DeviceStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link DeviceStore} over table {@code <prefix>device}. */
final class JdbcDeviceStore implements DeviceStore {
  private static final String COLUMNS = "id, practice, user_id, token_hash, label, ip, created,"
      + " expires, last_seen";

  private final Jdbc db;
  private final String table;
  private final Jdbc.RowMapper<DeviceRecord> mapper;

  JdbcDeviceStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "device";
    this.mapper = Jdbc.guarded(table, rs -> new DeviceRecord(
        Objects.requireNonNull(rs.getString("id"), "id"),
        PracticeId.of(rs.getString("practice")),
        UserId.of(rs.getString("user_id")),
        rs.getBytes("token_hash"),
        Objects.requireNonNull(rs.getString("label"), "label"),
        Objects.requireNonNull(rs.getString("ip"), "ip"),
        Jdbc.instant(rs, "created"),
        Jdbc.instant(rs, "expires"),
        Jdbc.instant(rs, "last_seen")));
  }

  @Override
  public void insert(DeviceRecord d) {
    Objects.requireNonNull(d, "device");
    db.auto("insert device", c -> Jdbc.update(c, insertSql(d)));
  }

  Jdbc.Sql insertSql(DeviceRecord d) {
    return new Jdbc.Sql("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)",
        d.id(), d.practice().value(), d.user().value(), d.tokenHash(), d.label(), d.ip(),
        d.created(), d.expires(), d.lastSeen());
  }

  @Override
  public Optional<DeviceRecord> findByTokenHash(byte[] tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    return db.auto("find device", c -> Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM " + table
        + " WHERE token_hash = ?", mapper, (Object) tokenHash));
  }

  @Override
  public boolean touch(String id, Instant lastSeen) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(lastSeen, "lastSeen");
    return db.auto("touch device", c -> Jdbc.update(c, "UPDATE " + table
        + " SET last_seen = ? WHERE id = ?", lastSeen, id)) == 1;
  }

  @Override
  public List<DeviceRecord> list(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("list devices", c -> Jdbc.query(c, "SELECT " + COLUMNS + " FROM " + table
        + " WHERE practice = ? AND user_id = ? ORDER BY created DESC, id DESC", mapper,
        practice.value(), user.value()));
  }

  @Override
  public boolean delete(PracticeId practice, UserId user, String id) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    return db.auto("delete device", c -> Jdbc.update(c, "DELETE FROM " + table
        + " WHERE practice = ? AND user_id = ? AND id = ?",
        practice.value(), user.value(), id)) == 1;
  }

  @Override
  public int deleteAll(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("delete devices", c -> Jdbc.update(c, "DELETE FROM " + table
        + " WHERE practice = ? AND user_id = ?", practice.value(), user.value()));
  }

  /** By index {@code device_expires} (schema version 4). */
  @Override
  public int purgeExpired(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    ChallengeStore.checkPurgeLimit(limit);
    return db.purgeBefore("purge expired devices", table, "id", "expires", before, limit);
  }
}
