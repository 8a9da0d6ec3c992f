package dev.mfa4j.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/** The host's user and practice tables (plain JDBC; mfa4j's own tables live beside them). */
final class UserDirectory {
  private final DataSource db;

  UserDirectory(DataSource db) {
    this.db = db;
  }

  /** Creates the host's tables if missing. */
  void createTables() {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS demo_practice ("
          + " id VARCHAR(64) PRIMARY KEY, name VARCHAR(200) NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS demo_user ("
          + " practice_id VARCHAR(64) NOT NULL, user_id VARCHAR(64) NOT NULL,"
          + " email VARCHAR(254) NOT NULL UNIQUE, display_name VARCHAR(200) NOT NULL,"
          + " role VARCHAR(16) NOT NULL, PRIMARY KEY (practice_id, user_id))");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the demo's tables", e);
    }
  }

  void addPractice(String id, String name) {
    update("INSERT INTO demo_practice (id, name) VALUES (?, ?)", id, name);
  }

  Optional<String> practiceName(String id) {
    return query("SELECT name FROM demo_practice WHERE id = ?", rs -> rs.getString(1), id)
        .stream().findFirst();
  }

  void add(DemoUser u) {
    update("INSERT INTO demo_user (practice_id, user_id, email, display_name, role)"
        + " VALUES (?, ?, ?, ?, ?)", u.practice(), u.id(), u.email().toLowerCase(Locale.ROOT),
        u.name(), u.role().name());
  }

  /** Changes a user's display name. */
  void rename(String practice, String id, String name) {
    update("UPDATE demo_user SET display_name = ? WHERE practice_id = ? AND user_id = ?", name,
        practice, id);
  }

  /** The user signing in with this e-mail address (case-insensitive). */
  Optional<DemoUser> byEmail(String email) {
    return query("SELECT practice_id, user_id, email, display_name, role FROM demo_user"
        + " WHERE email = ?", UserDirectory::row, email.trim().toLowerCase(Locale.ROOT))
        .stream().findFirst();
  }

  Optional<DemoUser> find(String practice, String id) {
    return query("SELECT practice_id, user_id, email, display_name, role FROM demo_user"
        + " WHERE practice_id = ? AND user_id = ?", UserDirectory::row, practice, id)
        .stream().findFirst();
  }

  /** The practice's users, by name. */
  List<DemoUser> inPractice(String practice) {
    return query("SELECT practice_id, user_id, email, display_name, role FROM demo_user"
        + " WHERE practice_id = ? ORDER BY role, display_name", UserDirectory::row, practice);
  }

  boolean isEmpty() {
    return query("SELECT COUNT(*) FROM demo_user", rs -> rs.getInt(1)).get(0) == 0;
  }

  private static DemoUser row(ResultSet rs) throws SQLException {
    return new DemoUser(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        DemoUser.Role.valueOf(rs.getString(5)));
  }

  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("user table query failed", e);
    }
  }

  private void update(String sql, Object... args) {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("user table update failed", e);
    }
  }
}
