package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.StoreConflictException;
import dev.mfa4j.UserRef;
import dev.mfa4j.tck.DataSourceDefaults;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Real serialization failures, not injected ones: two app nodes on embedded PostgreSQL with every
 * transaction at SERIALIZABLE (as CockroachDB runs by default), where a unit that waited for the
 * user's row lock gets SQLState 40001 ("could not serialize access due to concurrent update")
 * once the holder committed. In each trial {@value #RACERS} requests answer with the same TOTP
 * code on their own challenges at once; exactly one signs in, the others are refused (their
 * retry reads the spent step) or, having conflicted at every attempt, get {@link
 * StoreConflictException}; never a second sign-in. The number of real 40001s seen is printed.
 */
class SerializableRaceTest {
  private static final int RACERS = 4;
  private static final int TRIALS = 20;

  /** Runs every transaction at SERIALIZABLE and counts the conflicts the database reports. */
  static final class Serializable implements DataSourceDefaults {
    final AtomicInteger conflicts = new AtomicInteger();
    private final DataSource target;

    Serializable(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = target.getConnection();
      c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (p, m, a) -> {
            Object r = call(m, c, a);
            if (r instanceof java.sql.PreparedStatement ps) {
              return wrap(ps, java.sql.PreparedStatement.class);
            }
            if (r instanceof Statement s) {
              return wrap(s, Statement.class);
            }
            return r;
          });
    }

    private <T> T wrap(T s, Class<T> type) {
      return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
          (p, m, a) -> call(m, s, a)));
    }

    private Object call(Method m, Object target, Object[] args) throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof SQLException s && Jdbc.isConflict(s)) {
          conflicts.incrementAndGet();
        }
        throw e.getCause();
      }
    }
  }

  @Test
  void sameTotpCode_atSerializable_oneSignInPerTrial_conflictsAreRetried() throws Exception {
    String prefix = Databases.freshPrefix();
    SimplePool poolA = Databases.secondPool(Dialect.POSTGRESQL, RACERS);
    SimplePool poolB = Databases.secondPool(Dialect.POSTGRESQL, RACERS);
    Serializable a = new Serializable(poolA);
    Serializable b = new Serializable(poolB);
    ExecutorService threads = Executors.newFixedThreadPool(RACERS);
    try {
      JdbcMfaStore storeA = JdbcMfaStore.builder(a).tablePrefix(prefix).build();
      JdbcMfaStore storeB = JdbcMfaStore.builder(b).tablePrefix(prefix).build();
      storeA.migrate();
      MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
      Nodes nodes = new Nodes();
      MfaEngine nodeA = nodes.engineWithTotp(storeA, clock, Nodes.permissive());
      MfaEngine nodeB = nodes.engineWithTotp(storeB, clock, Nodes.permissive());
      UserRef user = UserRef.staff("serializable", "u-" + prefix);
      Nodes.TotpEnrolled f = Nodes.enrollTotp(nodeA, user, clock);
      int refused = 0;
      int gaveUp = 0;
      for (int trial = 1; trial <= TRIALS; trial++) {
        clock.advance(Duration.ofSeconds(30));
        String code = dev.mfa4j.totp.Otp.totp(f.uri().secret().reveal(), clock.instant(),
            f.uri().parameters());
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
          MfaEngine node = i % 2 == 0 ? nodeA : nodeB;
          ChallengeId c = Nodes.challenge(node, user).challenge();
          tasks.add(() -> {
            try {
              return node.login().verify(user, c, Answer.code(f.id(), code), RememberDevice.NO,
                  Nodes.REQUEST);
            } catch (StoreConflictException e) {
              return e;
            }
          });
        }
        List<Object> results = Races.race(threads, tasks);
        assertThat(results).as("trial %d", trial)
            .filteredOn(r -> r instanceof LoginStep.Authenticated).hasSize(1);
        for (Object r : results) {
          assertThat(r).as("trial %d", trial).isInstanceOfAny(LoginStep.class,
              StoreConflictException.class);
          if (r instanceof StoreConflictException) {
            gaveUp++;
          } else if (!(r instanceof LoginStep.Authenticated)) {
            refused++;
          }
        }
      }
      try (Connection c = poolA.getConnection()) {
        long signIns = Jdbc.queryOne(c, "SELECT COUNT(*) FROM " + prefix + "audit WHERE subject"
            + " = ? AND type = 'SIGN_IN_SUCCEEDED'", rs -> rs.getLong(1), user.user().value())
            .orElseThrow();
        assertThat(signIns).as("one sign-in row per trial").isEqualTo(TRIALS);
      }
      System.out.println("serializable race: " + TRIALS + " trials x " + RACERS
          + " racers: real 40001/40P01 reported by PostgreSQL " + (a.conflicts.get()
              + b.conflicts.get()) + ", refused " + refused + ", gave up after 3 attempts "
          + gaveUp);
    } finally {
      threads.shutdownNow();
      poolA.close();
      poolB.close();
    }
  }
}
