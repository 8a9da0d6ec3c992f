package dev.mfa4j.store.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/** The SQL dialects {@link JdbcMfaStore} speaks; each has its own migrations folder. */
public enum Dialect {
  /** PostgreSQL 12 or later. */
  POSTGRESQL("postgresql"),
  /** MariaDB 10.5 or later, and MySQL 8 (InnoDB). */
  MARIADB("mariadb"),
  /** H2 2.x, for tests and demos. */
  H2("h2");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /**
   * The classpath folder holding this dialect's migrations, e.g. {@code db/mfa4j/postgresql}.
   * Scripts inside are named like Flyway's versioned migrations ({@code V1__mfa4j_schema.sql}).
   */
  public String migrationsLocation() {
    return "db/mfa4j/" + folder;
  }

  /** Guesses the dialect from the database product name, if it is one mfa4j knows. */
  static Optional<Dialect> fromProductName(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (name.contains("postgres")) {
      return Optional.of(POSTGRESQL);
    }
    if (name.contains("mariadb") || name.contains("mysql")) {
      return Optional.of(MARIADB);
    }
    if (name.equals("h2")) {
      return Optional.of(H2);
    }
    return Optional.empty();
  }

  static Optional<Dialect> detect(DatabaseMetaData meta) throws SQLException {
    return fromProductName(meta.getDatabaseProductName());
  }
}
