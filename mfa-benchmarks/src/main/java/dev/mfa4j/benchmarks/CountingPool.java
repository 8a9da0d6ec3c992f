package dev.mfa4j.benchmarks;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A tiny connection pool that also counts, per thread, SQL round trips (every statement execution,
 * commit and rollback) and pool checkouts ({@link #getConnection()} calls). Reused connections keep
 * their server-side prepared statements cold (no statement cache), as a plain pool without one
 * would.
 */
final class CountingPool implements DataSource, AutoCloseable {
  private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
      "executeBatch", "executeLargeUpdate", "executeLargeBatch");
  /** Per thread: [0] round trips, [1] checkouts. */
  private static final ThreadLocal<long[]> TRIPS = ThreadLocal.withInitial(() -> new long[2]);

  private final DataSource target;
  private final Semaphore permits;
  private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();

  CountingPool(DataSource target, int max) {
    this.target = target;
    this.permits = new Semaphore(max, true);
  }

  /** Round trips made by the calling thread since its last reset. */
  static long trips() {
    return TRIPS.get()[0];
  }

  /** Connections the calling thread took from the pool since its last reset. */
  static long checkouts() {
    return TRIPS.get()[1];
  }

  /** Resets the calling thread's round-trip and checkout counts. */
  static void resetTrips() {
    long[] t = TRIPS.get();
    t[0] = 0;
    t[1] = 0;
  }

  @Override
  public Connection getConnection() throws SQLException {
    TRIPS.get()[1]++;
    permits.acquireUninterruptibly();
    try {
      Connection c = idle.pollFirst();
      if (c == null) {
        c = target.getConnection();
      }
      return wrap(c);
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  private Connection wrap(Connection physical) {
    boolean[] released = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "close" -> {
              if (!released[0]) {
                released[0] = true;
                if (!physical.getAutoCommit()) {
                  physical.rollback();
                  physical.setAutoCommit(true);
                }
                idle.offerFirst(physical);
                permits.release();
              }
              return null;
            }
            case "isClosed" -> {
              return released[0];
            }
            case "commit", "rollback" -> TRIPS.get()[0]++;
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

  private static <T extends Statement> T counting(T target, Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (EXECUTES.contains(method.getName())) {
            TRIPS.get()[0]++;
          }
          return invoke(method, target, args);
        }));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public void close() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
