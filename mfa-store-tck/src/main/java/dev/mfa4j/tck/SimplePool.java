package dev.mfa4j.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A tiny connection pool for tests: at most {@code max} connections from {@code target}, reused
 * after close(); a connection the driver reports closed (after an I/O failure) is dropped. Once
 * {@link #close()}d, every getConnection() fails with an SQLException, as a shut-down pool would.
 */
public final class SimplePool implements DataSourceDefaults, AutoCloseable {
  private final DataSource target;
  private final Semaphore permits;
  private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
  private volatile boolean closed;

  /** A pool of at most {@code max} connections from {@code target}. */
  public SimplePool(DataSource target, int max) {
    this.target = target;
    this.permits = new Semaphore(max, true);
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (closed) {
      throw new SQLException("pool is closed", "08003");
    }
    try {
      if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new SQLException("no connection within 30 s", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", "08001", e);
    }
    try {
      Connection physical = idle.pollFirst();
      while (physical != null && physical.isClosed()) {
        physical = idle.pollFirst();
      }
      if (physical == null) {
        physical = target.getConnection();
      }
      return wrap(physical);
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
            case "close":
              synchronized (released) {
                if (!released[0]) {
                  released[0] = true;
                  release(physical);
                }
              }
              return null;
            case "isClosed":
              return released[0] || physical.isClosed();
            case "unwrap":
              return physical.unwrap((Class<?>) args[0]);
            default:
              try {
                return method.invoke(physical, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
          }
        });
  }

  private void release(Connection physical) {
    try {
      if (closed || physical.isClosed()) {
        physical.close();
      } else {
        if (!physical.getAutoCommit()) {
          physical.rollback();
          physical.setAutoCommit(true);
        }
        idle.offerFirst(physical);
      }
    } catch (SQLException e) {
      try {
        physical.close();
      } catch (SQLException ignored) {
        // already broken
      }
    } finally {
      permits.release();
    }
  }

  /** Drops every idle connection (e.g. after the database restarted). */
  public void evictIdle() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // broken anyway
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    evictIdle();
  }
}
