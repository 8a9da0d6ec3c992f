package dev.mfa4j.store.jdbc;

import dev.mfa4j.StoreException;
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
 * SQLState, never a value.
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
  /** The connection of the unit of work the current thread runs on this store, if any. */
  private final ThreadLocal<Connection> unit = new ThreadLocal<>();

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
      unit.set(c);
      try {
        result = work.get();
      } catch (Throwable t) {
        rollbackQuietly(c, t);
        throw t;
      } finally {
        unit.remove();
      }
      try {
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c, e);
        throw failure("commit unit of work", e);
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

  /** Runs {@code work} on a connection in auto-commit mode (inside a unit: on its connection). */
  <T> T auto(String op, Work<T> work) {
    Connection bound = unit.get();
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
    Connection bound = unit.get();
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

  private static <T> T joined(String op, Connection c, Work<T> work) {
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(op, e);
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
    return new StoreException("JDBC store: " + op + " failed (SQLState " + e.getSQLState() + ")", e);
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

  static Object orNull(Optional<?> o) {
    return o.orElse(null);
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
