package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Database round trips of one second step through a real {@link MfaEngine} (mfa-totp's {@code
 * TotpFactor}), counted by a data source that wraps every connection: statement executions,
 * commits and rollbacks (the round trips the budget counts), and, apart, the connections taken
 * and the auto-commit switches (free on PostgreSQL, a round trip each on MariaDB). The policy is
 * cached by the engine, so one sign-in warms it first. Budgets: PostgreSQL at most 4 for a TOTP
 * answer (the locking join with pgjdbc's BEGIN, the audit chain head's lock, the settlement batch
 * with the audit rows and the head's update, COMMIT); the other bounds are the counts measured
 * when this test was written (PostgreSQL backup code 7; MariaDB and H2: TOTP 8, backup code 12, as
 * their settlements go statement by statement). The audit chain added one round trip on
 * PostgreSQL and two elsewhere (the head's lock and update). SMS answers: {@link
 * SmsRoundTripTest}. Run alone with {@code mvn -o -B verify -pl
 * mfa-store-jdbc -Dtest=RoundTripTest}; the counts are printed.
 */
class RoundTripTest {
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

  /** Round-trip bounds per database: TOTP answer, backup-code answer. */
  private static int[] budget(Dialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> new int[] {4, 7};
      case MARIADB -> new int[] {8, 12};
      case H2 -> new int[] {8, 12};
    };
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aSecondStep_takesFewRoundTrips(Dialect dialect) {
    SimplePool pool = Databases.secondPool(dialect, 4);
    try {
      Counting counting = new Counting(pool);
      JdbcMfaStore store = JdbcMfaStore.builder(counting).tablePrefix(Databases.freshPrefix())
          .build();
      store.migrate();
      MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
      MfaEngine engine = new Nodes().engineWithTotp(store, clock, Nodes.permissive());
      UserRef user = UserRef.staff("trips", "u-" + Databases.freshPrefix());
      Nodes.TotpEnrolled totp = Nodes.enrollTotp(engine, user, clock);

      // warm-up: the policy is read once and cached
      clock.advance(Duration.ofSeconds(30));
      assertThat(answerTotp(engine, user, totp, clock, Nodes.challenge(engine, user).challenge()))
          .isInstanceOf(LoginStep.Authenticated.class);

      clock.advance(Duration.ofSeconds(30));
      ChallengeId c = Nodes.challenge(engine, user).challenge();
      counting.reset();
      LoginStep step = answerTotp(engine, user, totp, clock, c);
      int totpTrips = counting.trips.get();
      String totpLine = line(dialect, "TOTP", counting);
      assertThat(step).isInstanceOf(LoginStep.Authenticated.class);

      clock.advance(Duration.ofSeconds(30));
      c = Nodes.challenge(engine, user).challenge();
      counting.reset();
      step = engine.login().verify(user, c,
          Answer.backupCode(totp.backupCodes().reveal().get(0)), RememberDevice.NO,
          Nodes.REQUEST);
      int backupTrips = counting.trips.get();
      String backupLine = line(dialect, "backup code", counting);
      assertThat(step).isInstanceOf(LoginStep.Authenticated.class);

      System.out.println(totpLine);
      System.out.println(backupLine);
      assertThat(totpTrips).as(totpLine).isLessThanOrEqualTo(budget(dialect)[0]);
      assertThat(backupTrips).as(backupLine).isLessThanOrEqualTo(budget(dialect)[1]);
    } finally {
      pool.close();
    }
  }

  private static LoginStep answerTotp(MfaEngine engine, UserRef user, Nodes.TotpEnrolled totp,
      MutableClock clock, ChallengeId c) {
    String code = Otp.totp(totp.uri().secret().reveal(), clock.instant(),
        totp.uri().parameters());
    return engine.login().verify(user, c, Answer.code(totp.id(), code), RememberDevice.NO,
        Nodes.REQUEST);
  }

  private static String line(Dialect dialect, String answer, Counting counting) {
    return "round trips " + dialect + " " + answer + ": " + counting.trips.get()
        + " (statements + commits + rollbacks); connections " + counting.connections.get()
        + ", auto-commit switches " + counting.autoCommitSwitches.get();
  }
}
