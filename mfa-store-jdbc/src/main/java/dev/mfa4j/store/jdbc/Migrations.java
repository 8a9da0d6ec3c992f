package dev.mfa4j.store.jdbc;

import dev.mfa4j.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the bundled migrations. Safe when several nodes start at once: every node first makes
 * sure table {@code <prefix>schema_version} and its lock row (version 0) exist, then holds a row
 * lock on that row ({@code SELECT … FOR UPDATE}) on one connection while it applies the missing
 * versions on a second one. Nodes that wait for the lock find the versions applied and do nothing.
 * The scripts themselves use {@code CREATE … IF NOT EXISTS}, so a run interrupted half-way (MariaDB
 * commits each DDL statement) completes on the next start.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The versions bundled in this jar, in order. */
  static final List<String> SCRIPTS = List.of("V1__mfa4j_schema.sql",
      "V2__password_throttle.sql", "V3__audit_chain.sql", "V4__purge_and_paging.sql");

  private final Jdbc db;
  private final Clock clock;
  private final String versionTable;

  Migrations(Jdbc db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.versionTable = db.prefix + "schema_version";
  }

  void migrate() {
    ensureVersionTable();
    ensureLockRow();
    try (Connection lock = db.dataSource.getConnection()) {
      boolean auto = lock.getAutoCommit();
      lock.setAutoCommit(false);
      try {
        Jdbc.query(lock, "SELECT version FROM " + versionTable + " WHERE version = 0 FOR UPDATE",
            rs -> rs.getInt(1));
        applyMissing();
        lock.commit();
      } catch (SQLException | RuntimeException e) {
        try {
          lock.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        lock.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw Jdbc.failure("migrate", e);
    }
  }

  private void ensureVersionTable() {
    String ts = db.dialect == Dialect.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    String ddl = "CREATE TABLE IF NOT EXISTS " + versionTable + " (version INTEGER NOT NULL"
        + " PRIMARY KEY, description VARCHAR(200) NOT NULL, installed " + ts + " NOT NULL)"
        + (db.dialect == Dialect.MARIADB ? " ENGINE=InnoDB" : "");
    for (int i = 0; ; i++) {
      try {
        db.auto("create schema version table", c -> {
          try (Statement s = c.createStatement()) {
            s.execute(ddl);
          }
          return null;
        });
        return;
      } catch (StoreException e) {
        // PostgreSQL: two concurrent CREATE TABLE IF NOT EXISTS can collide in its catalog.
        if (i >= 3) {
          throw e;
        }
      }
    }
  }

  private void ensureLockRow() {
    db.auto("create migration lock row", c -> {
      if (Jdbc.queryOne(c, "SELECT version FROM " + versionTable + " WHERE version = 0",
          rs -> rs.getInt(1)).isPresent()) {
        return null;
      }
      try {
        Jdbc.update(c, "INSERT INTO " + versionTable + " (version, description, installed)"
            + " VALUES (0, ?, ?)", "migration lock", clock.instant());
      } catch (SQLException e) {
        if (!Jdbc.isDuplicateKey(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  private void applyMissing() {
    db.auto("apply migrations", c -> {
      Set<Integer> applied = new HashSet<>(Jdbc.query(c, "SELECT version FROM " + versionTable,
          rs -> rs.getInt(1)));
      for (String script : SCRIPTS) {
        int version = version(script);
        if (applied.contains(version)) {
          continue;
        }
        LOG.info("mfa4j: applying schema migration {} ({}, prefix '{}')", script, db.dialect,
            db.prefix);
        try (Statement s = c.createStatement()) {
          for (String statement : statements(load(script))) {
            s.execute(db.sql(statement));
          }
        }
        Jdbc.update(c, "INSERT INTO " + versionTable + " (version, description, installed)"
            + " VALUES (?, ?, ?)", version, script, clock.instant());
      }
      return null;
    });
  }

  private String load(String script) {
    String path = db.dialect.migrationsLocation() + "/" + script;
    // Class.getResourceAsStream: on the module path a class loader does not hand out another
    // module's resources, but a class reads its own module's.
    try (InputStream in = Migrations.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new StoreException("JDBC store: migration " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("JDBC store: cannot read migration " + path, e);
    }
  }

  /** Splits a script at semicolons ending a line; drops {@code --} comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      if (trimmed.endsWith(";")) {
        current.append(trimmed, 0, trimmed.length() - 1);
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(trimmed).append('\n');
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString());
    }
    return out;
  }

  static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }
}
