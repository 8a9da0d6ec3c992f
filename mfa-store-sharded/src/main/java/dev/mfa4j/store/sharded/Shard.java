package dev.mfa4j.store.sharded;

import dev.mfa4j.store.jdbc.JdbcMfaStore;
import javax.sql.DataSource;

/**
 * One shard: its name, the host's data source, the JDBC store that joins the sharded store's
 * units of work ({@code store}), and one that never does ({@code outside}: reads of other shards
 * during a unit, and the counters).
 */
final class Shard {
  final String name;
  final DataSource raw;
  final JdbcMfaStore store;
  final JdbcMfaStore outside;

  Shard(String name, DataSource raw, JdbcMfaStore store, JdbcMfaStore outside) {
    this.name = name;
    this.raw = raw;
    this.store = store;
    this.outside = outside;
  }

  @Override
  public String toString() {
    return "shard " + name;
  }
}
