package dev.mfa4j.store.jdbc;

import static dev.mfa4j.store.jdbc.Jdbc.args;
import static dev.mfa4j.store.jdbc.Jdbc.guarded;
import static dev.mfa4j.store.jdbc.Jdbc.optInstant;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.FactorStore;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link FactorStore} over table {@code <prefix>factor}. */
final class JdbcFactorStore implements FactorStore {
  private static final String COLUMNS = "id, practice, user_id, kind, label, state, created,"
      + " last_used, counter, failures, lookup_key, lookup_hash, sealed_secret, attributes";
  private static final String BY_ID = "practice = ? AND user_id = ? AND id = ?";
  private static final String ADD_FAILURE = "failures = failures + 1";

  private final Jdbc db;
  private final String table;
  private final Jdbc.RowMapper<FactorRecord> mapper;

  JdbcFactorStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "factor";
    this.mapper = guarded(table, rs -> new FactorRecord(
        FactorId.of(rs.getString("id")),
        PracticeId.of(rs.getString("practice")),
        UserId.of(rs.getString("user_id")),
        FactorKind.of(rs.getString("kind")),
        rs.getString("label"),
        FactorState.valueOf(rs.getString("state")),
        Jdbc.instant(rs, "created"),
        optInstant(rs, "last_used"),
        rs.getLong("counter"),
        rs.getInt("failures"),
        Optional.ofNullable(rs.getString("lookup_key")),
        Objects.requireNonNull(rs.getBytes("sealed_secret"), "sealed_secret"),
        Codec.decodeMap(rs.getString("attributes"))));
  }

  @Override
  public void insert(FactorRecord f) {
    Objects.requireNonNull(f, "factor");
    byte[] lookupHash = f.lookupKey().map(Tokens::sha256).orElse(null);
    db.auto("insert factor", c -> Jdbc.update(c,
        "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        f.id().value(), f.practice().value(), f.user().value(), f.kind().id(), f.label(),
        f.state().name(), f.created(), f.lastUsed().orElse(null), f.counter(), f.failures(),
        f.lookupKey().orElse(null), lookupHash, f.sealedSecret(),
        Codec.encodeMap(f.attributes())));
  }

  @Override
  public Optional<FactorRecord> find(PracticeId practice, UserId user, FactorId id) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    return db.auto("find factor", c -> Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM " + table
        + " WHERE practice = ? AND user_id = ? AND id = ?", mapper,
        practice.value(), user.value(), id.value()));
  }

  @Override
  public List<FactorRecord> list(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("list factors", c -> Jdbc.query(c, "SELECT " + COLUMNS + " FROM " + table
        + " WHERE practice = ? AND user_id = ? ORDER BY created, id", mapper,
        practice.value(), user.value()));
  }

  @Override
  public Optional<FactorRecord> findByLookupKey(FactorKind kind, String lookupKey) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lookupKey, "lookupKey");
    return db.auto("find factor by lookup key", c -> Jdbc.queryOne(c, "SELECT " + COLUMNS
        + " FROM " + table + " WHERE kind = ? AND lookup_hash = ?", mapper,
        kind.id(), Tokens.sha256(lookupKey)))
        .filter(f -> f.lookupKey().isPresent() && MessageDigest.isEqual(
            Tokens.sha256(f.lookupKey().get()), Tokens.sha256(lookupKey)));
  }

  /** The factor's columns as {@code alias.column AS alias_column}, for joins. */
  static String columnsAs(String alias) {
    return Jdbc.columnsAs(COLUMNS, alias);
  }

  Jdbc.RowMapper<FactorRecord> mapper() {
    return mapper;
  }

  String table() {
    return table;
  }

  @Override
  public boolean transition(PracticeId practice, UserId user, FactorId id, FactorState from,
      FactorState to) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return db.auto("transition factor", c -> Jdbc.update(c,
        transitionSql(practice, user, id, from, to))) == 1;
  }

  Jdbc.Sql transitionSql(PracticeId practice, UserId user, FactorId id, FactorState from,
      FactorState to) {
    return new Jdbc.Sql("UPDATE " + table + " SET state = ? WHERE " + BY_ID + " AND state = ?",
        to.name(), practice.value(), user.value(), id.value(), from.name());
  }

  @Override
  public boolean recordUse(PracticeId practice, UserId user, FactorId id, long newCounter,
      Instant at) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    return db.auto("record factor use", c -> Jdbc.update(c,
        recordUseSql(practice, user, id, newCounter, at))) == 1;
  }

  /** A successful use; a non-negative counter must be above the stored one (else 0 rows). */
  Jdbc.Sql recordUseSql(PracticeId practice, UserId user, FactorId id, long newCounter,
      Instant at) {
    if (newCounter < 0) {
      return new Jdbc.Sql("UPDATE " + table + " SET last_used = ?, failures = 0 WHERE " + BY_ID,
          at, practice.value(), user.value(), id.value());
    }
    return new Jdbc.Sql("UPDATE " + table + " SET counter = ?, last_used = ?, failures = 0"
        + " WHERE " + BY_ID + " AND counter < ?",
        newCounter, at, practice.value(), user.value(), id.value(), newCounter);
  }

  /** One more failure of the factor. */
  Jdbc.Sql addFailureSql(PracticeId practice, UserId user, FactorId id) {
    return new Jdbc.Sql("UPDATE " + table + " SET " + ADD_FAILURE + " WHERE " + BY_ID,
        practice.value(), user.value(), id.value());
  }

  @Override
  public int recordFailure(PracticeId practice, UserId user, FactorId id) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    return (int) db.updateAndRead("record factor failure", table, "failures",
        BY_ID, ADD_FAILURE, args(),
        args(practice.value(), user.value(), id.value()), null, null, 0, 0);
  }

  @Override
  public boolean update(PracticeId practice, UserId user, FactorId id, String label,
      Map<String, String> attributes) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    String attrs = Codec.encodeMap(Map.copyOf(attributes));
    return db.auto("update factor", c -> Jdbc.update(c,
        updateSql(practice, user, id, label, attrs))) == 1;
  }

  /** New label and (encoded) attributes. */
  Jdbc.Sql updateSql(PracticeId practice, UserId user, FactorId id, String label,
      String encodedAttributes) {
    return new Jdbc.Sql("UPDATE " + table + " SET label = ?, attributes = ? WHERE " + BY_ID,
        label, encodedAttributes, practice.value(), user.value(), id.value());
  }

  @Override
  public boolean delete(PracticeId practice, UserId user, FactorId id) {
    owner(practice, user);
    Objects.requireNonNull(id, "id");
    return db.auto("delete factor", c -> Jdbc.update(c, "DELETE FROM " + table
        + " WHERE practice = ? AND user_id = ? AND id = ?",
        practice.value(), user.value(), id.value())) == 1;
  }

  @Override
  public int deleteAll(PracticeId practice, UserId user) {
    owner(practice, user);
    return db.auto("delete factors", c -> Jdbc.update(c, "DELETE FROM " + table
        + " WHERE practice = ? AND user_id = ?", practice.value(), user.value()));
  }

  static void owner(PracticeId practice, UserId user) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
  }
}
