package dev.mfa4j.store.jdbc;

import dev.mfa4j.tck.DataSourceDefaults;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Wraps a data source, counts the round trips it makes (statement executions and commits) and,
 * when armed, fails the n-th one with SQLState 08006 as if the database had just gone away; or
 * (as a distributed SQL database may at any statement or at {@code COMMIT}) makes the n-th one
 * report a serialization failure, once or repeatedly. An injected failure is thrown instead of
 * running the statement or commit, so the database never sees it; the JDBC store then rolls the
 * transaction back, as the database would have.
 */
final class FaultyDataSource implements DataSourceDefaults {
  private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
      "executeBatch", "executeLargeUpdate", "executeLargeBatch");

  private final DataSource target;
  private final AtomicLong roundTrips = new AtomicLong();
  private volatile long failAt = Long.MAX_VALUE;
  /** Round trips counted when the conflict was armed; conflicts count from there. */
  private volatile long conflictBase;
  /** The round trip (from {@code conflictBase}) that conflicts; 0 = none. */
  private volatile long conflictAt;
  /** Whether every {@code conflictAt}-th round trip conflicts, not only the first. */
  private volatile boolean conflictRepeats;
  private volatile String conflictState = "40001";
  private volatile int conflictVendorCode;
  private final AtomicLong conflicts = new AtomicLong();
  /** The SQL of every prepared statement, in order (for diagnosing which step failed). */
  final java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

  FaultyDataSource(DataSource target) {
    this.target = target;
  }

  /** Round trips so far. */
  long roundTrips() {
    return roundTrips.get();
  }

  /** Fails the {@code n}-th round trip from now (1 = the next one) and every one after it. */
  void failFrom(long n) {
    failAt = roundTrips.get() + n;
  }

  /**
   * Makes the {@code n}-th round trip from now (1 = the next one) report a serialization failure
   * (SQLState 40001), once.
   */
  void conflictOnce(long n) {
    conflict(n, false, "40001", 0);
  }

  /** Makes every {@code n}-th round trip from now report a serialization failure (40001). */
  void conflictEvery(long n) {
    conflict(n, true, "40001", 0);
  }

  /** Conflicts at the {@code n}-th round trip from now with the given SQLState and error code. */
  void conflict(long n, boolean repeats, String sqlState, int vendorCode) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1");
    }
    conflictAt = 0;
    conflictState = sqlState;
    conflictVendorCode = vendorCode;
    conflictRepeats = repeats;
    conflictBase = roundTrips.get();
    conflictAt = n;
  }

  /** The conflicts injected so far. */
  long conflicts() {
    return conflicts.get();
  }

  /** Stops failing and conflicting. */
  void heal() {
    failAt = Long.MAX_VALUE;
    conflictAt = 0;
  }

  private void tick() throws SQLException {
    long n = roundTrips.incrementAndGet();
    if (n >= failAt) {
      throw new SQLException("injected failure: database unreachable", "08006");
    }
    long at = conflictAt;
    long k = n - conflictBase;
    if (at > 0 && k > 0 && (conflictRepeats ? k % at == 0 : k == at)) {
      conflicts.incrementAndGet();
      throw new java.sql.SQLTransactionRollbackException(
          "injected failure: could not serialize access", conflictState, conflictVendorCode);
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (roundTrips.get() + 1 >= failAt) {
      throw new SQLException("injected failure: cannot connect", "08001");
    }
    Connection c = target.getConnection();
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("commit")) {
            log.add("COMMIT");
            tick();
          }
          if (method.getName().equals("prepareStatement")) {
            log.add(String.valueOf(args[0]));
          }
          Object result = invoke(method, c, args);
          if (result instanceof PreparedStatement ps) {
            return statement(ps, PreparedStatement.class);
          }
          if (result instanceof Statement s) {
            return statement(s, Statement.class);
          }
          return result;
        });
  }

  private <T extends Statement> T statement(T target, Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (EXECUTES.contains(method.getName())) {
            tick();
          }
          return invoke(method, target, args);
        }));
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
