package dev.mfa4j.store.sharded;

import dev.mfa4j.PracticeId;
import dev.mfa4j.tck.SimplePool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Three embedded PostgreSQL servers ("a", "b", "c"), each its own process on a random free port of
 * 127.0.0.1, started once per test JVM and stopped by a shutdown hook. A server that cannot start
 * fails the tests loudly.
 */
final class Shards {
  static final List<String> NAMES = List.of("a", "b", "c");
  private static List<EmbeddedPostgres> servers;
  private static List<DataSource> raw;

  private Shards() {}

  /** The three servers' plain data sources (a connection each time), in {@link #NAMES} order. */
  static synchronized List<DataSource> raw() {
    if (servers == null) {
      List<EmbeddedPostgres> started = new ArrayList<>();
      List<DataSource> sources = new ArrayList<>();
      for (int i = 0; i < NAMES.size(); i++) {
        EmbeddedPostgres pg = start(freePort());
        started.add(pg);
        sources.add(pg.getPostgresDatabase());
      }
      servers = started;
      raw = sources;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (EmbeddedPostgres pg : started) {
          try {
            pg.close();
          } catch (IOException ignored) {
            // the JVM is going down
          }
        }
      }));
    }
    return raw;
  }

  /** A new pool over each server ({@code max} connections each). */
  static List<SimplePool> pools(int max) {
    List<SimplePool> pools = new ArrayList<>();
    for (DataSource ds : raw()) {
      pools.add(new SimplePool(ds, max));
    }
    return pools;
  }

  /** A builder with the three shards over {@code pools}. */
  static ShardedMfaStore.Builder builder(ShardDirectory directory, List<? extends DataSource> pools) {
    ShardedMfaStore.Builder b = ShardedMfaStore.builder(directory);
    for (int i = 0; i < NAMES.size(); i++) {
      b.shard(NAMES.get(i), pools.get(i));
    }
    return b;
  }

  /** Unassigned practices spread over the three shards by a hash of the id. */
  static ShardDirectory spreading() {
    return ShardDirectory.withFallback(Shards::byHash);
  }

  static String byHash(PracticeId p) {
    return NAMES.get(Math.floorMod(p.value().hashCode(), NAMES.size()));
  }

  static EmbeddedPostgres start(int port) {
    try {
      return EmbeddedPostgres.builder()
          .setPort(port)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
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
