package dev.mfa4j.store.jdbc;

import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.PolicyStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/** {@link PolicyStore} over table {@code <prefix>policy}; each policy is one encoded text. */
final class JdbcPolicyStore implements PolicyStore {
  private final Jdbc db;
  private final String table;
  private final Clock clock;

  JdbcPolicyStore(Jdbc db, Clock clock) {
    this.db = db;
    this.table = db.prefix + "policy";
    this.clock = clock;
  }

  @Override
  public Optional<PracticePolicy> find(PracticeId practice) {
    Objects.requireNonNull(practice, "practice");
    return db.auto("find policy", c -> Jdbc.queryOne(c, "SELECT policy FROM " + table
        + " WHERE practice = ?", Jdbc.guarded(table, rs -> Codec.decodePolicy(rs.getString(1))),
        practice.value()));
  }

  @Override
  public void put(PracticeId practice, PracticePolicy policy) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(policy, "policy");
    String text = Codec.encodePolicy(policy);
    var now = clock.instant();
    db.upsert("put policy", "UPDATE " + table + " SET policy = ?, updated = ? WHERE practice = ?",
        Jdbc.args(text, now, practice.value()),
        "INSERT INTO " + table + " (practice, policy, updated) VALUES (?,?,?)",
        Jdbc.args(practice.value(), text, now));
  }
}
