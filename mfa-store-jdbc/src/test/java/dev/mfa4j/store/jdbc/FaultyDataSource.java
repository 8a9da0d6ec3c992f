package dev.mfa4j.store.jdbc;

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
 * when armed, fails the n-th one with SQLState 08006 as if the database had just gone away.
 */
final class FaultyDataSource implements DataSourceDefaults {
  private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
      "executeBatch", "executeLargeUpdate", "executeLargeBatch");

  private final DataSource target;
  private final AtomicLong roundTrips = new AtomicLong();
  private volatile long failAt = Long.MAX_VALUE;
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

  /** Stops failing. */
  void heal() {
    failAt = Long.MAX_VALUE;
  }

  private void tick() throws SQLException {
    long n = roundTrips.incrementAndGet();
    if (n >= failAt) {
      throw new SQLException("injected failure: database unreachable", "08006");
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
