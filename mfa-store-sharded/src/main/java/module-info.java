/**
 * A store that spreads users over several JDBC databases.
 */
module dev.mfa4j.store.sharded {
  requires transitive dev.mfa4j.core;
  requires transitive dev.mfa4j.store.jdbc;
  requires transitive java.sql;
  requires java.logging;

  exports dev.mfa4j.store.sharded;
}
