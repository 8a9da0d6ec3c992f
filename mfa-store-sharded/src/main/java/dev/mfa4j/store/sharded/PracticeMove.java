package dev.mfa4j.store.sharded;

import dev.mfa4j.PracticeId;
import dev.mfa4j.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Moves one practice from its shard to another, with every row of it: factors (with their
 * counters, so a TOTP step used before the move stays used), ceremonies and their state (consumed
 * ones stay consumed), backup codes (used ones stay used), devices, user states, audit events,
 * policy and password. Counters stay where they are (on the home shard; they are not a
 * practice's).
 *
 * <p>The procedure (see {@code docs/sharding.md}):
 *
 * <ol>
 *   <li>freeze the practice in the directory: new operations on it are refused, and the freeze
 *       waits for those already begun;
 *   <li>in one transaction on the target: delete anything of the practice left there by an
 *       earlier, failed move, then copy every row of it, read in one repeatable-read transaction
 *       on the source; check the counts;
 *   <li>flip the directory entry to the target;
 *   <li>delete the practice's rows from the source (in one transaction);
 *   <li>thaw the practice.
 * </ol>
 *
 * <p>If anything fails before the flip, the target's copy is deleted, the practice is thawed on
 * its old shard, and the failure is thrown. If the source's rows cannot be deleted after the flip,
 * the practice is thawed on its new shard (rows left on the old one are ignored by every lookup,
 * which accepts a row only from the shard the directory names) and {@link #deleteLeftovers}
 * removes them later.
 */
public final class PracticeMove {
  /** Tables copied by the {@code practice} column, in an order that respects foreign keys. */
  private static final List<String> ORDER = List.of("policy", "factor", "challenge",
      "challenge_state", "backup_code", "device", "user_state", "audit", "audit_head",
      "audit_checkpoint", "password");
  /** Tables that are not a practice's. */
  private static final List<String> GLOBAL = List.of("counter");

  private PracticeMove() {}

  /**
   * What a move did.
   *
   * @param from the old shard
   * @param to the new shard
   * @param rows rows copied, per table (without prefix)
   */
  public record Report(String from, String to, Map<String, Integer> rows) {
    /**
     * Copies.
     *
     * @param from the old shard
     * @param to the new shard
     * @param rows rows copied, per table (without prefix); copied
     */
    public Report {
      rows = Map.copyOf(rows);
    }
  }

  /**
   * Moves {@code practice} to shard {@code target} (see the class comment). Units of work and
   * operations on the practice that begin meanwhile are refused with a {@link StoreException}.
   *
   * @param store the sharded store
   * @param practice the practice to move
   * @param target the name of the shard to move it to
   * @param freezeTimeout how long to wait for operations already begun on the practice
   * @return what the move did
   * @throws StoreException if the move fails (the practice then stays where the exception says)
   * @throws IllegalArgumentException if the practice is already on {@code target}
   */
  public static Report move(ShardedMfaStore store, PracticeId practice, String target,
      Duration freezeTimeout) {
    Objects.requireNonNull(practice, "practice");
    ShardDirectory directory = store.directory();
    Shard from = store.shard(directory.shardOf(practice));
    Shard to = store.shard(Objects.requireNonNull(target, "target"));
    if (from == to) {
      throw new IllegalArgumentException("the practice is already on shard " + target);
    }
    List<String> tables = tables(store, from);
    directory.freeze(practice, freezeTimeout);
    try {
      Map<String, Integer> copied;
      try {
        copied = copy(from, to, tables, practice);
      } catch (SQLException | RuntimeException e) {
        try {
          delete(to, tables, practice);
        } catch (SQLException | RuntimeException d) {
          e.addSuppressed(d);
        }
        throw failure("the practice was not moved; it stays on shard " + from.name, e);
      }
      directory.assign(practice, to.name);
      try {
        delete(from, tables, practice);
      } catch (SQLException | RuntimeException e) {
        throw failure("the practice is on shard " + to.name + " now, but its rows on shard "
            + from.name + " were not deleted; run deleteLeftovers", e);
      }
      return new Report(from.name, to.name, copied);
    } finally {
      directory.thaw(practice);
    }
  }

  /**
   * Deletes the rows of {@code practice} from shard {@code shard}, which must not be the shard
   * the directory names for it (after a move whose last step failed).
   *
   * @param store the sharded store
   * @param practice the practice whose rows are left over
   * @param shard the shard to delete them from
   * @return rows deleted
   */
  public static int deleteLeftovers(ShardedMfaStore store, PracticeId practice, String shard) {
    Shard s = store.shard(shard);
    if (store.directory().shardOf(practice).equals(shard)) {
      throw new IllegalArgumentException("the practice is on shard " + shard);
    }
    try {
      return delete(s, tables(store, s), practice);
    } catch (SQLException e) {
      throw failure("cannot delete leftovers", e);
    }
  }

  /**
   * Rows of {@code practice} on {@code shard}, per table (without prefix).
   *
   * @param store the sharded store
   * @param practice the practice
   * @param shard the shard to count on
   * @return rows per table (without prefix)
   */
  public static Map<String, Integer> count(ShardedMfaStore store, PracticeId practice,
      String shard) {
    Shard s = store.shard(shard);
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (Connection c = s.raw.getConnection()) {
      for (String t : tables(store, s)) {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + select(s, t))) {
          ps.setString(1, practice.value());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            counts.put(t, rs.getInt(1));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("cannot count rows", e);
    }
    return counts;
  }

  /**
   * The store's tables (without prefix) that belong to practices, in copy order. A table this
   * class does not know fails the move, rather than be left behind.
   */
  private static List<String> tables(ShardedMfaStore store, Shard s) {
    String prefix = s.outside.tablePrefix();
    List<String> known = new ArrayList<>();
    for (String full : s.outside.tableNames()) {
      String t = full.substring(prefix.length());
      if (GLOBAL.contains(t)) {
        continue;
      }
      if (!ORDER.contains(t)) {
        throw new StoreException("PracticeMove does not know table " + full);
      }
      known.add(t);
    }
    known.sort((a, b) -> ORDER.indexOf(a) - ORDER.indexOf(b));
    return known;
  }

  /** {@code <table> WHERE practice = ?}, or the join that finds a ceremony's state. */
  private static String select(Shard s, String table) {
    String p = s.outside.tablePrefix();
    if (table.equals("challenge_state")) {
      return p + "challenge_state WHERE id_hash IN (SELECT id_hash FROM " + p
          + "challenge WHERE practice = ?)";
    }
    return p + table + " WHERE practice = ?";
  }

  private static Map<String, Integer> copy(Shard from, Shard to, List<String> tables,
      PracticeId practice) throws SQLException {
    Map<String, Integer> copied = new LinkedHashMap<>();
    String prefix = to.outside.tablePrefix();
    try (Connection src = from.raw.getConnection(); Connection dst = to.raw.getConnection()) {
      boolean srcAuto = src.getAutoCommit();
      boolean dstAuto = dst.getAutoCommit();
      src.setAutoCommit(false);
      src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      dst.setAutoCommit(false);
      try {
        deleteOn(dst, to, tables, practice);
        for (String t : tables) {
          copied.put(t, copyTable(src, dst, from, prefix + t, t, practice));
        }
        src.commit();
        dst.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(src, e);
        rollback(dst, e);
        throw e;
      } finally {
        src.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        src.setAutoCommit(srcAuto);
        dst.setAutoCommit(dstAuto);
      }
    }
    Map<String, Integer> there = new LinkedHashMap<>();
    try (Connection dst = to.raw.getConnection()) {
      for (String t : tables) {
        try (PreparedStatement ps = dst.prepareStatement("SELECT COUNT(*) FROM " + select(to, t))) {
          ps.setString(1, practice.value());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            there.put(t, rs.getInt(1));
          }
        }
      }
    }
    if (!there.equals(copied)) {
      throw new StoreException("the copy's row counts differ from the source's");
    }
    return copied;
  }

  private static int copyTable(Connection src, Connection dst, Shard from, String target,
      String table, PracticeId practice) throws SQLException {
    int n = 0;
    try (PreparedStatement read = src.prepareStatement("SELECT * FROM " + select(from, table))) {
      read.setString(1, practice.value());
      try (ResultSet rs = read.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        int cols = md.getColumnCount();
        StringBuilder names = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (int i = 1; i <= cols; i++) {
          names.append(i > 1 ? "," : "").append(md.getColumnName(i).toLowerCase(Locale.ROOT));
          marks.append(i > 1 ? ",?" : "?");
        }
        try (PreparedStatement write = dst.prepareStatement(
            "INSERT INTO " + target + " (" + names + ") VALUES (" + marks + ")")) {
          while (rs.next()) {
            for (int i = 1; i <= cols; i++) {
              write.setObject(i, rs.getObject(i));
            }
            write.addBatch();
            n++;
          }
          if (n > 0) {
            write.executeBatch();
          }
        }
      }
    }
    return n;
  }

  private static int delete(Shard s, List<String> tables, PracticeId practice)
      throws SQLException {
    try (Connection c = s.raw.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        int n = deleteOn(c, s, tables, practice);
        c.commit();
        return n;
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  /** Deletes the practice's rows, dependent tables first. */
  private static int deleteOn(Connection c, Shard s, List<String> tables, PracticeId practice)
      throws SQLException {
    int n = 0;
    for (int i = tables.size() - 1; i >= 0; i--) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + select(s, tables.get(i)))) {
        ps.setString(1, practice.value());
        n += ps.executeUpdate();
      }
    }
    return n;
  }

  private static void rollback(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  private static StoreException failure(String message, Exception cause) {
    return cause instanceof StoreException se && se.getMessage().equals(message) ? se
        : new StoreException(message, cause);
  }
}
