package dev.mfa4j.store.sharded;

import dev.mfa4j.tck.DataSourceDefaults;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/** A data source that can be switched off: a primary that no longer accepts connections. */
final class Switch implements DataSourceDefaults {
  private final DataSource target;
  volatile boolean down;

  Switch(DataSource target) {
    this.target = target;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (down) {
      throw new SQLTransientConnectionException("connection refused (test: shard down)");
    }
    return target.getConnection();
  }
}
