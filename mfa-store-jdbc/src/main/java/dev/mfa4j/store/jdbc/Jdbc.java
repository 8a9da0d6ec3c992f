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

  final DataSource dataSource;
  final Dialect dialect;
  final String prefix;

  Jdbc(DataSource dataSource, Dialect dialect, String prefix) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.prefix = prefix;
  }

  /** Replaces {@code ${prefix}} (and nothing else) in SQL text. */
  String sql(String text) {
    return text.replace("${prefix}", prefix);
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  <T> T auto(String op, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw failure(op, e);
    }
  }

  /** Runs {@code work} in one transaction; rolls back on any failure. */
  <T> T tx(String op, Work<T> work) {
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

  private static void rollbackQuietly(Connection c, Exception cause) {
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
        if (update(c, updateSql, updateParams) > 0) {
          return true;
        }
        try {
          update(c, insertSql, insertParams);
          return true;
        } catch (SQLException e) {
          if (isDuplicateKey(e)) {
            return false;
          }
          throw e;
        }
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
      boolean inserted = auto(op, c -> {
        try {
          update(c, insertSql, insertParams);
          return true;
        } catch (SQLException e) {
          if (isDuplicateKey(e)) {
            return false;
          }
          throw e;
        }
      });
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

  static Object[] args(Object... values) {
    return values;
  }
}
