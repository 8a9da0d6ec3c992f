package dev.mfa4j.store.jdbc;

import dev.mfa4j.StoreConflictException;
import dev.mfa4j.StoreException;
import dev.mfa4j.StoreOutcomeUnknownException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Connection handling, parameter binding and error translation shared by the repositories. Every
 * {@link SQLException} becomes a {@link StoreException} whose message names the operation and the
 * SQLState, never a value: a {@link StoreConflictException} for a serialization failure or
 * deadlock (SQLState 40001 or 40P01, MariaDB error 1213, H2's 90131 concurrent update), after
 * which the engine runs the whole unit again; a {@link StoreOutcomeUnknownException} for a commit
 * whose result could not be learned (never retried). See {@code docs/distributed-sql.md}.
 */
final class Jdbc {
  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** One SQL statement with its parameters. */
  record Sql(String text, Object... params) {}

  final DataSource dataSource;
  final Dialect dialect;
  final String prefix;
  /** The unit of work the current thread runs on this store, if any. */
  private final ThreadLocal<Unit> unit = new ThreadLocal<>();

  /**
   * A unit of work: its connection, and the first failure of a statement in it. A unit in which a
   * statement failed never commits, even if the failure was caught inside it: PostgreSQL has
   * aborted its transaction, and MariaDB has rolled all of it back on a deadlock (later
   * statements would run in a new transaction).
   */
  private static final class Unit {
    final Connection connection;
    StoreException failed;

    Unit(Connection connection) {
      this.connection = connection;
    }
  }

  Jdbc(DataSource dataSource, Dialect dialect, String prefix) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.prefix = prefix;
  }

  /** Replaces {@code ${prefix}} (and nothing else) in SQL text. */
  String sql(String text) {
    return text.replace("${prefix}", prefix);
  }

  /**
   * Runs {@code work} as one unit of work (see {@link dev.mfa4j.spi.MfaStore#atomically}): one
   * pooled connection, auto-commit off, is bound to the current thread while it runs, so that
   * {@link #auto} and {@link #tx} use it; commits when {@code work} returns, rolls back when it
   * throws (rethrown unchanged). Inside another unit of this store, joins it.
   *
   * <p>If a statement of the unit failed, the unit rolls back even when {@code work} caught the
   * failure and returned, and the first failure is thrown (a {@link StoreConflictException} if it
   * was a conflict); it also replaces what {@code work} threw after such a failure. A commit that
   * fails with a conflict throws {@link StoreConflictException} (nothing was committed); one whose
   * outcome is unknown throws {@link StoreOutcomeUnknownException}.
   */
  <T> T atomically(java.util.function.Supplier<T> work) {
    if (unit.get() != null) {
      return work.get();
    }
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw failure("begin unit of work", e);
    }
    boolean auto = true;
    try {
      try {
        auto = c.getAutoCommit();
        if (auto) {
          c.setAutoCommit(false);
        }
      } catch (SQLException e) {
        throw failure("begin unit of work", e);
      }
      T result;
      Unit u = new Unit(c);
      unit.set(u);
      try {
        result = work.get();
      } catch (Throwable t) {
        rollbackQuietly(c, t);
        if (u.failed != null && t != u.failed) {
          StoreException first = again(u.failed);
          first.addSuppressed(t);
          throw first;
        }
        throw t;
      } finally {
        unit.remove();
      }
      if (u.failed != null) {
        rollbackQuietly(c, u.failed);
        throw again(u.failed);
      }
      try {
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c, e);
        throw commitFailure(e);
      }
      return result;
    } finally {
      restoreAutoCommit(c, auto);
      closeQuietly(c);
    }
  }

  /** Whether the current thread runs a unit of work on this store. */
  boolean inUnit() {
    return unit.get() != null;
  }

  /**
   * The failure a unit throws, again, for a statement after its first failure (without running
   * it) or at its end.
   */
  private static StoreException again(StoreException first) {
    String message = "JDBC store: unit of work not committed: an earlier statement failed ("
        + first.getMessage() + ")";
    return first.retryable() ? new StoreConflictException(message, first)
        : new StoreException(message, first);
  }

  /** Runs {@code work} on a connection in auto-commit mode (inside a unit: on its connection). */
  <T> T auto(String op, Work<T> work) {
    Unit bound = unit.get();
    if (bound != null) {
      return joined(op, bound, work);
    }
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw failure(op, e);
    }
  }

  /** Runs {@code work} in one transaction; rolls back on any failure. Inside a unit, joins it. */
  <T> T tx(String op, Work<T> work) {
    Unit bound = unit.get();
    if (bound != null) {
      return joined(op, bound, work);
    }
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        restoreAutoCommit(c, auto);
      }
    } catch (SQLException e) {
      throw failure(op, e);
    }
  }

  /**
   * Deletes, in one short transaction, at most {@code limit} rows of {@code table} whose {@code
   * column} is before {@code before}, earliest first: reads their keys through the column's index
   * ({@code SELECT key … ORDER BY column LIMIT n}), then deletes those rows, re-checking the
   * condition (and first the rows of each {@code dependents} table with those keys). The same SQL
   * in every dialect: MariaDB refuses {@code LIMIT} inside {@code IN (…)}.
   *
   * @return the rows of {@code table} deleted
   */
  int purgeBefore(String op, String table, String key, String column, Instant before, int limit,
      String... dependents) {
    return tx(op, c -> {
      List<Object> keys = query(c, "SELECT " + key + " FROM " + table + " WHERE " + column
          + " < ? ORDER BY " + column + " LIMIT " + limit, rs -> rs.getObject(1), before);
      int n = 0;
      for (int from = 0; from < keys.size(); from += PURGE_CHUNK) {
        List<Object> chunk = keys.subList(from, Math.min(keys.size(), from + PURGE_CHUNK));
        String in = " IN (" + String.join(",", java.util.Collections.nCopies(chunk.size(), "?"))
            + ")";
        for (String d : dependents) {
          update(c, "DELETE FROM " + d + " WHERE " + key + in, chunk.toArray());
        }
        List<Object> params = new ArrayList<>(chunk);
        params.add(before);
        n += update(c, "DELETE FROM " + table + " WHERE " + key + in + " AND " + column + " < ?",
            params.toArray());
      }
      return n;
    });
  }

  /** Keys per {@code DELETE … IN (…)} of {@link #purgeBefore}. */
  private static final int PURGE_CHUNK = 1_000;

  private static <T> T joined(String op, Unit u, Work<T> work) {
    if (u.failed != null) {
      throw again(u.failed);
    }
    try {
      return work.run(u.connection);
    } catch (SQLException e) {
      StoreException f = failure(op, e);
      u.failed = f;
      throw f;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the unit has ended; the pool discards a broken connection
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  private static void restoreAutoCommit(Connection c, boolean auto) {
    try {
      c.setAutoCommit(auto);
    } catch (SQLException ignored) {
      // the connection is broken; the pool will discard it
    }
  }

  static StoreException failure(String op, SQLException e) {
    String message = "JDBC store: " + op + " failed (SQLState " + e.getSQLState() + ")";
    return isConflict(e) ? new StoreConflictException(message, e)
        : new StoreException(message, e);
  }

  /**
   * A failed commit: a conflict (the database refused it and rolled back: CockroachDB reports its
   * retry errors here, PostgreSQL's SERIALIZABLE some of its serialization failures) may be
   * retried; a commit whose result is unknown ({@link #outcomeUnknown}) must not be; anything
   * else (a deferred constraint) is a plain failure.
   */
  static StoreException commitFailure(SQLException e) {
    if (isConflict(e)) {
      return failure("commit unit of work", e);
    }
    if (outcomeUnknown(e)) {
      return new StoreOutcomeUnknownException("JDBC store: commit unit of work failed with an"
          + " unknown outcome (SQLState " + e.getSQLState() + ")", e);
    }
    return failure("commit unit of work", e);
  }

  /**
   * Whether the exception (or one it wraps or chains) reports a transient conflict after which
   * the database has rolled the transaction back: SQLState 40001 (serialization failure;
   * CockroachDB's and YugabyteDB's retry errors; MariaDB's and H2's deadlock), 40P01
   * (PostgreSQL's deadlock), MariaDB error 1213 (deadlock) or H2's 90131 (concurrent update).
   */
  static boolean isConflict(SQLException e) {
    for (SQLException s : chain(e)) {
      String state = s.getSQLState();
      if ("40001".equals(state) || "40P01".equals(state) || "90131".equals(state)
          || (s.getErrorCode() == 1213 && (state == null || state.startsWith("40")
              || state.equals("HY000")))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a failed commit may have committed after all: the connection broke (SQLState class
   * 08), the server said so (40003 statement completion unknown, CockroachDB's ambiguous result),
   * it was shut down (57P01 to 57P03), or the driver gave no SQLState.
   */
  static boolean outcomeUnknown(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.equals("40003")
        || state.startsWith("57P");
  }

  /** The exception, its causes and the exceptions chained to it, each once. */
  private static List<SQLException> chain(SQLException e) {
    List<SQLException> out = new ArrayList<>();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    while (!todo.isEmpty() && out.size() < 16) {
      Throwable t = todo.poll();
      if (t == null || !seen.add(t)) {
        continue;
      }
      if (t instanceof SQLException s) {
        out.add(s);
        if (s.getNextException() != null) {
          todo.add(s.getNextException());
        }
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
    }
    return out;
  }

  static StoreException unreadable(String table, RuntimeException e) {
    return new StoreException("JDBC store: unreadable row in table " + table
        + " (" + e.getClass().getSimpleName() + ")", e);
  }

  /** Whether the exception reports a duplicate primary or unique key. */
  static boolean isDuplicateKey(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("23505".equals(state) || s.getErrorCode() == 1062
            || (state != null && state.equals("23000") && s.getErrorCode() == 1062)) {
          return true;
        }
      }
    }
    return false;
  }

  static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      bind(ps, params);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      int idx = i + 1;
      if (p == null) {
        ps.setNull(idx, Types.NULL);
      } else if (p instanceof Instant t) {
        ps.setObject(idx, toDb(t));
      } else if (p instanceof Optional<?> o) {
        throw new IllegalArgumentException("unwrap Optional parameter " + idx + " (" + o.isPresent()
            + ")");
      } else if (p instanceof byte[] b) {
        ps.setBytes(idx, b);
      } else if (p instanceof String s) {
        ps.setString(idx, s);
      } else if (p instanceof Integer n) {
        ps.setInt(idx, n);
      } else if (p instanceof Long n) {
        ps.setLong(idx, n);
      } else if (p instanceof Boolean b) {
        ps.setBoolean(idx, b);
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + p.getClass());
      }
    }
  }

  static int update(Connection c, Sql sql) throws SQLException {
    return update(c, sql.text(), sql.params());
  }

  /**
   * Inserts a row unless one with the same key exists; whether it inserted. Never fails on a
   * duplicate key, and never aborts the surrounding transaction: PostgreSQL uses {@code ON
   * CONFLICT DO NOTHING} (a failed statement would abort the transaction), MariaDB and H2 roll
   * back only the failed statement.
   */
  boolean insertIfAbsent(Connection c, String insertSql, Object... params) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      return update(c, insertSql + " ON CONFLICT DO NOTHING", params) > 0;
    }
    try {
      update(c, insertSql, params);
      return true;
    } catch (SQLException e) {
      if (isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
      return out;
    }
  }

  static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... params)
      throws SQLException {
    List<T> rows = query(c, sql, mapper, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** An instant as the stores keep it: UTC, truncated to microseconds. */
  static LocalDateTime toDb(Instant t) {
    return LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    LocalDateTime v = rs.getObject(column, LocalDateTime.class);
    if (v == null) {
      throw new IllegalStateException("column " + column + " is null");
    }
    return v.toInstant(ZoneOffset.UTC);
  }

  static Optional<Instant> optInstant(ResultSet rs, String column) throws SQLException {
    LocalDateTime v = rs.getObject(column, LocalDateTime.class);
    return v == null ? Optional.empty() : Optional.of(v.toInstant(ZoneOffset.UTC));
  }

  /** UPDATE; if it found no row, INSERT; if a racing INSERT won, UPDATE again. */
  void upsert(String op, String updateSql, Object[] updateParams, String insertSql,
      Object[] insertParams) {
    for (int i = 0; i < 3; i++) {
      boolean done = auto(op, c -> {
        return update(c, updateSql, updateParams) > 0
            || insertIfAbsent(c, insertSql, insertParams);
      });
      if (done) {
        return;
      }
    }
    throw new StoreException("JDBC store: " + op + " failed (concurrent upsert did not settle)");
  }

  /**
   * One atomic read-modify-write of a numeric column: {@code updateSql} changes the row (one
   * conditional UPDATE), then the new value of {@code column} is read inside the same transaction,
   * or through {@code RETURNING} on PostgreSQL. If no row matched and {@code insertSql} is given,
   * inserts the row holding {@code insertedValue}; a racing insert makes it try the update again.
   *
   * @return the column's new value, or {@code missing} if no row matched and none is inserted
   */
  long updateAndRead(String op, String table, String column, String where, String set,
      Object[] setParams, Object[] whereParams, String insertSql, Object[] insertParams,
      long insertedValue, long missing) {
    Object[] all = concat(setParams, whereParams);
    String update = "UPDATE " + table + " SET " + set + " WHERE " + where;
    for (int i = 0; i < 3; i++) {
      Optional<Long> value;
      if (dialect == Dialect.POSTGRESQL) {
        value = auto(op, c -> queryOne(c, update + " RETURNING " + column, rs -> rs.getLong(1),
            all));
      } else {
        value = tx(op, c -> update(c, update, all) == 0 ? Optional.<Long>empty()
            : queryOne(c, "SELECT " + column + " FROM " + table + " WHERE " + where,
                rs -> rs.getLong(1), whereParams));
      }
      if (value.isPresent()) {
        return value.get();
      }
      if (insertSql == null) {
        return missing;
      }
      boolean inserted = auto(op, c -> insertIfAbsent(c, insertSql, insertParams));
      if (inserted) {
        return insertedValue;
      }
    }
    throw new StoreException("JDBC store: " + op + " failed (concurrent insert did not settle)");
  }

  static Object[] concat(Object[] a, Object[] b) {
    Object[] out = new Object[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Wraps a row mapper so that any bad value in a row is a {@link StoreException}. */
  static <T> RowMapper<T> guarded(String table, RowMapper<T> mapper) {
    return rs -> {
      try {
        return mapper.map(rs);
      } catch (RuntimeException e) {
        if (e instanceof StoreException s) {
          throw s;
        }
        throw unreadable(table, e);
      }
    };
  }

  /** {@code a.x AS a_x, a.y AS a_y, …} for a comma-separated column list. */
  static String columnsAs(String columns, String alias) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns.split(",")) {
      String name = col.trim();
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(alias).append('.').append(name).append(" AS ").append(alias).append('_')
          .append(name);
    }
    return sb.toString();
  }

  /**
   * {@code mapper} reading a row whose columns carry the prefix {@code alias_} (see {@link
   * #columnsAs}), so that one table's mapper serves plain reads and joins alike.
   */
  static <T> RowMapper<T> aliased(String alias, RowMapper<T> mapper) {
    String prefix = alias + "_";
    return rs -> mapper.map((ResultSet) java.lang.reflect.Proxy.newProxyInstance(
        ResultSet.class.getClassLoader(), new Class<?>[] {ResultSet.class}, (p, m, a) -> {
          if (a != null && a.length > 0 && a[0] instanceof String label) {
            a[0] = prefix + label;
          }
          try {
            return m.invoke(rs, a);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }

  static Object[] args(Object... values) {
    return values;
  }
}
