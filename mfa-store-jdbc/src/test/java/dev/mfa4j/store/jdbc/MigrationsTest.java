package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.tck.SimplePool;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MigrationsTest {

  private static List<Integer> versions(DataSource ds, String prefix) throws Exception {
    try (Connection c = ds.getConnection()) {
      return Jdbc.query(c, "SELECT version FROM " + prefix + "schema_version ORDER BY version",
          rs -> rs.getInt(1));
    }
  }

  private static void assertWorks(JdbcMfaStore store) {
    PracticeId p = PracticeId.of("p");
    UserId u = UserId.of("u");
    FactorRecord f = new FactorRecord(FactorId.of("f" + System.nanoTime()), p, u, FactorKind.TOTP,
        "x", FactorState.ACTIVE, Instant.parse("2026-01-01T00:00:00Z"), Optional.empty(), 0, 0,
        Optional.empty(), new byte[] {1}, Map.of());
    store.factors().insert(f);
    assertThat(store.factors().find(p, u, f.id())).isPresent();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void migrate_twice_isIdempotent(Dialect dialect) throws Exception {
    String prefix = Databases.freshPrefix();
    JdbcMfaStore store = JdbcMfaStore.builder(Databases.of(dialect)).tablePrefix(prefix).build();

    store.migrate();
    store.migrate();

    assertThat(store.dialect()).isEqualTo(dialect);
    assertThat(versions(Databases.of(dialect), prefix)).containsExactly(0, 1, 2, 3, 4);
    assertWorks(store);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void migrate_fromTwoNodesAtOnce_appliesEachVersionOnce(Dialect dialect) throws Exception {
    for (int round = 0; round < 3; round++) {
      String prefix = Databases.freshPrefix();
      try (SimplePool a = Databases.secondPool(dialect, 4);
          SimplePool b = Databases.secondPool(dialect, 4)) {
        JdbcMfaStore nodeA = JdbcMfaStore.builder(a).tablePrefix(prefix).build();
        JdbcMfaStore nodeB = JdbcMfaStore.builder(b).tablePrefix(prefix).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> futures = new ArrayList<>();
          for (JdbcMfaStore node : List.of(nodeA, nodeB)) {
            futures.add(pool.submit(() -> {
              go.await();
              node.migrate();
              return null;
            }));
          }
          go.countDown();
          for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
        assertThat(versions(a, prefix)).containsExactly(0, 1, 2, 3, 4);
        assertWorks(nodeA);
        assertWorks(nodeB);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void migrate_afterAnInterruptedRun_completesTheSchema(Dialect dialect) throws Exception {
    String prefix = Databases.freshPrefix();
    DataSource ds = Databases.of(dialect);
    List<String> statements = Migrations.statements(script(dialect));
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements.subList(0, 3)) {
        s.execute(sql.replace("${prefix}", prefix));
      }
    }
    JdbcMfaStore store = JdbcMfaStore.builder(ds).tablePrefix(prefix).build();

    store.migrate();

    assertThat(versions(ds, prefix)).containsExactly(0, 1, 2, 3, 4);
    assertWorks(store);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void migrationScript_isShippedAtTheDocumentedPath_andUsesOnlyThePrefixPlaceholder(
      Dialect dialect) throws Exception {
    String text = script(dialect);
    List<String> statements = Migrations.statements(text);

    assertThat(dialect.migrationsLocation()).isEqualTo("db/mfa4j/" + switch (dialect) {
      case POSTGRESQL -> "postgresql";
      case MARIADB -> "mariadb";
      case H2 -> "h2";
    });
    assertThat(statements).hasSizeGreaterThanOrEqualTo(10);
    for (String sql : statements) {
      String upper = sql.toUpperCase();
      assertThat(upper).containsAnyOf("CREATE TABLE IF NOT EXISTS ${PREFIX}",
          "CREATE INDEX IF NOT EXISTS ${PREFIX}", "CREATE UNIQUE INDEX IF NOT EXISTS ${PREFIX}");
      assertThat(sql.replace("${prefix}", "")).doesNotContain("${");
    }
  }

  @Test
  void tablePrefix_outsideTheAllowedAlphabet_isRejected() {
    DataSource ds = Databases.h2();
    for (String bad : List.of("Mfa_", "mfa-", "mfa;drop", "a".repeat(17), "mfa_ ", "ü")) {
      assertThatThrownBy(() -> JdbcMfaStore.builder(ds).tablePrefix(bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(JdbcMfaStore.builder(ds).tablePrefix("").dialect(Dialect.H2).build().tablePrefix())
        .isEmpty();
    assertThat(JdbcMfaStore.builder(ds).tablePrefix("a".repeat(16)).build().tablePrefix())
        .hasSize(16);
  }

  @Test
  void create_detectsTheDialectAndUsesTheDefaultPrefix() {
    JdbcMfaStore store = JdbcMfaStore.create(Databases.h2());

    assertThat(store.dialect()).isEqualTo(Dialect.H2);
    assertThat(store.tablePrefix()).isEqualTo("mfa_");
    assertThat(Dialect.fromProductName("MySQL")).contains(Dialect.MARIADB);
    assertThat(Dialect.fromProductName("Oracle")).isEmpty();
  }

  private static String script(Dialect dialect) throws Exception {
    String path = dialect.migrationsLocation() + "/V1__mfa4j_schema.sql";
    try (InputStream in = MigrationsTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
