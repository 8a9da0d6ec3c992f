package dev.mfa4j.store.sharded;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The data source a shard's {@code JdbcMfaStore} is built over: outside a unit of work of the
 * sharded store it is the shard's own data source; inside one it hands out the unit's connection
 * (see {@link Unit#connection}), and refuses if the unit is pinned to another shard.
 */
final class UnitDataSource implements DataSource {
  private final Supplier<Unit> current;
  private Shard shard;

  UnitDataSource(Supplier<Unit> current) {
    this.current = current;
  }

  void bind(Shard s) {
    this.shard = s;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Unit u = current.get();
    return u == null ? shard.raw.getConnection() : u.connection(shard);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials belong to the shard's data source");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return shard.raw.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    shard.raw.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    shard.raw.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return shard.raw.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
