package dev.mfa4j.store.sharded;

import dev.mfa4j.PracticeId;
import dev.mfa4j.StoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One unit of work of a {@link ShardedMfaStore} on one thread. It is pinned to a shard by its first
 * routed call; its connection to that shard is opened then, and handed to the shard's {@code
 * JdbcMfaStore} by {@link UnitDataSource} (with commit, close and auto-commit switches made no-ops,
 * so that the shard store's own transactions join this unit). The unit commits or rolls back that
 * one connection when the work ends; it never writes to a second shard.
 */
final class Unit {
  Shard pinned;
  private Connection connection;
  private boolean autoCommitBefore;
  /** Set when something rolled back the connection midway: the unit can then only fail. */
  private boolean poisoned;
  /** Practices this unit counted as in flight (see {@link ShardDirectory#enter}). */
  final Set<PracticeId> practices = new LinkedHashSet<>();
  /** Undo actions for writes made outside the connection (counters on the home shard). */
  final List<Runnable> onRollback = new ArrayList<>();

  /** The unit's connection to {@code shard}, opened on first use. */
  Connection connection(Shard shard) throws SQLException {
    if (pinned != shard) {
      throw new SQLException("a unit of work may not span two shards");
    }
    if (connection == null) {
      Connection c = shard.raw.getConnection();
      try {
        autoCommitBefore = c.getAutoCommit();
        if (autoCommitBefore) {
          c.setAutoCommit(false);
        }
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      connection = c;
    }
    Connection real = connection;
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "close", "setAutoCommit":
              return null;
            case "getAutoCommit":
              return false;
            case "isClosed":
              return false;
            case "commit":
              if (poisoned) {
                throw new SQLException("the unit of work was rolled back");
              }
              return null;
            case "rollback":
              if (args == null || args.length == 0) {
                poisoned = true;
              }
              break;
            default:
              break;
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** Commits the connection, if one was opened. */
  void commit() {
    if (connection == null) {
      return;
    }
    if (poisoned) {
      throw new StoreException("the unit of work was rolled back midway and cannot commit");
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException("cannot commit unit of work on shard " + pinned.name, e);
    }
  }

  /** Rolls back the connection and runs the undo actions; failures are added to {@code cause}. */
  void rollback(Throwable cause) {
    if (connection != null) {
      try {
        connection.rollback();
      } catch (SQLException e) {
        cause.addSuppressed(e);
      }
    }
    for (int i = onRollback.size() - 1; i >= 0; i--) {
      try {
        onRollback.get(i).run();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
  }

  /** Gives the connection back and counts the unit's practices as ended. */
  void close(ShardDirectory directory) {
    if (connection != null) {
      try {
        if (autoCommitBefore) {
          connection.setAutoCommit(true);
        }
      } catch (SQLException ignored) {
        // the pool discards a broken connection
      }
      try {
        connection.close();
      } catch (SQLException ignored) {
        // as above
      }
      connection = null;
    }
    for (PracticeId p : practices) {
      directory.exit(p);
    }
    practices.clear();
  }
}
