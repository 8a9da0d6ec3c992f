package dev.mfa4j.store.sharded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.tck.DataSourceDefaults;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import dev.mfa4j.totp.Otp;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Database round trips of one sign-in (the first step, a TOTP answer, a backup-code answer) on one
 * JDBC store and on a sharded store of three PostgreSQL servers whose practice is on shard "b"
 * (not the counter home), counted as mfa-store-jdbc's {@code RoundTripTest} counts them (statement
 * executions, commits and rollbacks), summed over all shards. Sharding adds no round trip to a
 * step: a unit runs on one shard with the same statements. Also prints a rough sequential
 * throughput of whole sign-ins on both (no assertion on it). Run alone with {@code mvn -B -pl
 * mfa-store-sharded -am verify -Dtest=ShardedRoundTripTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ShardedRoundTripTest {
  /** Counts what the connections of one data source do. */
  static final class Counting implements DataSourceDefaults {
    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery",
        "executeUpdate", "executeBatch", "executeLargeUpdate", "executeLargeBatch");
    final AtomicInteger trips = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger autoCommitSwitches = new AtomicInteger();
    private final DataSource target;

    Counting(DataSource target) {
      this.target = target;
    }

    void reset() {
      trips.set(0);
      connections.set(0);
      autoCommitSwitches.set(0);
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection physical = target.getConnection();
      connections.incrementAndGet();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            switch (method.getName()) {
              case "commit", "rollback" -> trips.incrementAndGet();
              case "setAutoCommit" -> {
                if (physical.getAutoCommit() != (Boolean) args[0]) {
                  autoCommitSwitches.incrementAndGet();
                }
              }
              default -> { }
            }
            Object result = invoke(method, physical, args);
            if (result instanceof PreparedStatement ps) {
              return counting(ps, PreparedStatement.class);
            }
            if (result instanceof Statement s) {
              return counting(s, Statement.class);
            }
            return result;
          });
    }

    private <T extends Statement> T counting(T statement, Class<T> type) {
      return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
          (proxy, method, args) -> {
            if (EXECUTES.contains(method.getName())) {
              trips.incrementAndGet();
            }
            return invoke(method, statement, args);
          }));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }


  /** Round trips of: first step, TOTP answer, backup-code answer. */
  private record Trips(int first, int totp, int backup, String text) {}

  private static Trips measure(String name, MfaStore store, List<Counting> counters) {
    MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    MfaEngine engine = new Nodes().engineWithTotp(store, clock, Nodes.permissive());
    UserRef user = UserRef.staff("trips-" + Shards.freshPrefix(), "u");
    Nodes.TotpEnrolled totp = Nodes.enrollTotp(engine, user, clock);
    clock.advance(Duration.ofSeconds(30));
    assertThat(answerTotp(engine, user, totp, clock, Nodes.challenge(engine, user).challenge()))
        .isInstanceOf(LoginStep.Authenticated.class);

    clock.advance(Duration.ofSeconds(30));
    counters.forEach(Counting::reset);
    ChallengeId c = Nodes.challenge(engine, user).challenge();
    int first = sum(counters);
    counters.forEach(Counting::reset);
    assertThat(answerTotp(engine, user, totp, clock, c)).isInstanceOf(LoginStep.Authenticated.class);
    int totpTrips = sum(counters);
    String perShard = perShard(counters);

    clock.advance(Duration.ofSeconds(30));
    c = Nodes.challenge(engine, user).challenge();
    counters.forEach(Counting::reset);
    assertThat(engine.login().verify(user, c,
        Answer.backupCode(totp.backupCodes().reveal().get(0)), RememberDevice.NO, Nodes.REQUEST))
        .isInstanceOf(LoginStep.Authenticated.class);
    int backup = sum(counters);

    // rough throughput: whole sign-ins (first step + TOTP answer), one thread
    int n = 200;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      clock.advance(Duration.ofSeconds(30));
      assertThat(answerTotp(engine, user, totp, clock, Nodes.challenge(engine, user).challenge()))
          .isInstanceOf(LoginStep.Authenticated.class);
    }
    double perSecond = n / ((System.nanoTime() - start) / 1e9);
    String text = String.format(java.util.Locale.ROOT,
        "%s: first step %d, TOTP answer %d (per shard %s), backup-code answer %d round trips;"
            + " %.0f sign-ins/s on one thread", name, first, totpTrips, perShard, backup,
        perSecond);
    return new Trips(first, totpTrips, backup, text);
  }

  private static int sum(List<Counting> counters) {
    return counters.stream().mapToInt(k -> k.trips.get()).sum();
  }

  private static String perShard(List<Counting> counters) {
    List<Integer> l = new ArrayList<>();
    counters.forEach(k -> l.add(k.trips.get()));
    return l.toString();
  }

  private static LoginStep answerTotp(MfaEngine engine, UserRef user, Nodes.TotpEnrolled totp,
      MutableClock clock, ChallengeId c) {
    String code = Otp.totp(totp.uri().secret().reveal(), clock.instant(),
        totp.uri().parameters());
    return engine.login().verify(user, c, Answer.code(totp.id(), code), RememberDevice.NO,
        Nodes.REQUEST);
  }

  @Test
  void aShardedStep_takesAsManyRoundTripsAsASingleStore() {
    List<SimplePool> pools = Shards.pools(4);
    try {
      String prefix = Shards.freshPrefix();
      Counting single = new Counting(pools.get(1));
      JdbcMfaStore one = JdbcMfaStore.builder(single).tablePrefix(prefix).build();
      one.migrate();
      Trips alone = measure("single JdbcMfaStore", one, List.of(single));

      List<Counting> counters = new ArrayList<>();
      pools.forEach(p -> counters.add(new Counting(p)));
      String shardedPrefix = Shards.freshPrefix();
      ShardedMfaStore sharded = Shards.builder(ShardDirectory.withDefault("b"), counters)
          .tablePrefix(shardedPrefix).build();
      sharded.migrate();
      Trips shards = measure("ShardedMfaStore, 3 shards", sharded, counters);

      System.out.println(alone.text());
      System.out.println(shards.text());
      assertThat(shards.totp()).as(shards.text()).isEqualTo(alone.totp());
      assertThat(shards.backup()).as(shards.text()).isEqualTo(alone.backup());
      assertThat(shards.first()).as(shards.text()).isEqualTo(alone.first());
    } finally {
      pools.forEach(SimplePool::close);
    }
  }
}
