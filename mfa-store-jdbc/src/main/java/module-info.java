/**
 * The JDBC store (PostgreSQL, MariaDB, H2) and its migrations.
 */
module dev.mfa4j.store.jdbc {
  requires transitive dev.mfa4j.core;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.mfa4j.store.jdbc;
}
