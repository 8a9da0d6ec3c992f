package dev.mfa4j.store.jdbc;

import dev.mfa4j.AuditCheckpoint;
import dev.mfa4j.PracticeId;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditStore;
import dev.mfa4j.spi.AuditType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link AuditStore} over tables {@code <prefix>audit} (the entries), {@code <prefix>audit_head}
 * (one row per practice: where its chain stands, locked by {@code SELECT … FOR UPDATE} while a
 * unit appends) and {@code <prefix>audit_checkpoint}. Pages are served by the indexes {@code
 * (practice, occurred, id)}, {@code (practice, subject, occurred, id)} and the unique {@code
 * (practice, seq)}.
 */
final class JdbcAuditStore implements AuditStore {
  private static final String COLUMNS = "id, occurred, practice, subject, actor, type, outcome,"
      + " ip, user_agent, details";
  private static final String CHAIN_COLUMNS = COLUMNS + ", seq, prev_digest, digest";
  /** A digest no entry has: what an unreadable row is given, so that it fails verification. */
  private static final String UNREADABLE = "f".repeat(64);

  private final Jdbc db;
  private final String table;
  private final String heads;
  private final String checkpoints;
  private final Jdbc.RowMapper<AuditEvent> mapper;
  private final Jdbc.RowMapper<AuditEntry> entryMapper;
  private final Jdbc.RowMapper<AuditEntry> pageMapper;

  JdbcAuditStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "audit";
    this.heads = db.prefix + "audit_head";
    this.checkpoints = db.prefix + "audit_checkpoint";
    this.mapper = Jdbc.guarded(table, JdbcAuditStore::event);
    this.pageMapper = Jdbc.guarded(table, rs -> new AuditEntry(rs.getLong("seq"), event(rs),
        rs.getString("prev_digest"), rs.getString("digest")));
    this.entryMapper = rs -> {
      long seq = rs.getLong("seq");
      try {
        return new AuditEntry(seq, event(rs), rs.getString("prev_digest"),
            rs.getString("digest"));
      } catch (RuntimeException e) {
        // a row changed past reading is still a place in the chain: it must fail verification
        // there, not stop it
        String id = rs.getString("id");
        return new AuditEntry(Math.max(seq, 1), new AuditEvent(id == null ? "(none)" : id,
            Instant.EPOCH, PracticeId.of(rs.getString("practice")), Optional.empty(),
            Optional.empty(), AuditType.ACCESS_DENIED, AuditOutcome.FAILURE, "", "(unreadable)",
            Map.of()), AuditEntry.GENESIS, UNREADABLE);
      }
    };
  }

  private static AuditEvent event(java.sql.ResultSet rs) throws SQLException {
    String subject = rs.getString("subject");
    String actor = rs.getString("actor");
    return new AuditEvent(
        Objects.requireNonNull(rs.getString("id"), "id"),
        Jdbc.instant(rs, "occurred"),
        PracticeId.of(rs.getString("practice")),
        subject == null ? Optional.empty() : Optional.of(UserId.of(subject)),
        actor == null ? Optional.empty() : Optional.of(UserId.of(actor)),
        AuditType.valueOf(rs.getString("type")),
        AuditOutcome.valueOf(rs.getString("outcome")),
        Objects.requireNonNull(rs.getString("ip"), "ip"),
        Objects.requireNonNull(rs.getString("user_agent"), "user_agent"),
        Codec.decodeMap(rs.getString("details")));
  }

  @Override
  public AuditHead head(PracticeId practice) {
    Objects.requireNonNull(practice, "practice");
    return db.tx("lock audit head", c -> lockHead(c, practice));
  }

  private AuditHead lockHead(Connection c, PracticeId practice) throws SQLException {
    String select = "SELECT seq, digest, base_seq, base_digest FROM " + heads
        + " WHERE practice = ? FOR UPDATE";
    Jdbc.RowMapper<AuditHead> m = rs -> new AuditHead(practice, rs.getLong("seq"),
        rs.getString("digest"), rs.getLong("base_seq"), rs.getString("base_digest"));
    Optional<AuditHead> h = Jdbc.queryOne(c, select, m, practice.value());
    if (h.isPresent()) {
      return h.get();
    }
    db.insertIfAbsent(c, "INSERT INTO " + heads
        + " (practice, seq, digest, base_seq, base_digest) VALUES (?,?,?,?,?)",
        practice.value(), 0L, AuditEntry.GENESIS, 0L, AuditEntry.GENESIS);
    return Jdbc.queryOne(c, select, m, practice.value()).orElseThrow(
        () -> new SQLException("audit head row missing after insert", "XX000"));
  }

  @Override
  public void append(List<AuditEntry> entries) {
    Objects.requireNonNull(entries, "entries");
    if (entries.isEmpty()) {
      return;
    }
    List<Jdbc.Sql> sql = appendSql(entries);
    int heads = headUpdates(entries);
    db.tx("append audit entries", c -> {
      for (int i = 0; i < sql.size(); i++) {
        int n = Jdbc.update(c, sql.get(i));
        if (i >= sql.size() - heads && n != 1) {
          headMoved();
        }
      }
      return null;
    });
  }

  /**
   * The statements that append {@code entries}: their rows, then one conditional head update per
   * practice ({@code … WHERE seq = <before> AND digest = <before>}, which must change one row).
   *
   * @throws IllegalArgumentException if the entries of one practice do not follow each other
   */
  List<Jdbc.Sql> appendSql(List<AuditEntry> entries) {
    Map<PracticeId, AuditEntry[]> ends = new LinkedHashMap<>();
    List<Jdbc.Sql> out = new ArrayList<>();
    for (AuditEntry e : entries) {
      PracticeId p = e.event().practice();
      AuditEntry[] fl = ends.get(p);
      if (fl == null) {
        ends.put(p, new AuditEntry[] {e, e});
      } else {
        if (e.seq() != fl[1].seq() + 1 || !e.prev().equals(fl[1].digest())) {
          throw new IllegalArgumentException("audit entries of one practice must follow each other");
        }
        fl[1] = e;
      }
      AuditEvent ev = e.event();
      out.add(new Jdbc.Sql("INSERT INTO " + table + " (" + CHAIN_COLUMNS
          + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
          ev.id(), ev.at(), ev.practice().value(), ev.subject().map(UserId::value).orElse(null),
          ev.actor().map(UserId::value).orElse(null), ev.type().name(), ev.outcome().name(),
          ev.ip(), ev.userAgent(), Codec.encodeMap(ev.details()), e.seq(), e.prev(),
          e.digest()));
    }
    ends.forEach((p, fl) -> out.add(new Jdbc.Sql("UPDATE " + heads
        + " SET seq = ?, digest = ? WHERE practice = ? AND seq = ? AND digest = ?",
        fl[1].seq(), fl[1].digest(), p.value(), fl[0].seq() - 1, fl[0].prev())));
    return out;
  }

  /**
   * A practice's chain head was not where the entries follow: another unit appended since it was
   * read (its lock did not hold, as on a database that moved the lock's lease). Nothing of this
   * unit may commit; it is run again.
   */
  static void headMoved() {
    throw new dev.mfa4j.StoreConflictException(
        "JDBC store: the audit chain head moved; the unit of work must run again");
  }

  /** How many of {@link #appendSql}'s statements, at its end, are head updates. */
  static int headUpdates(List<AuditEntry> entries) {
    return (int) entries.stream().map(e -> e.event().practice()).distinct().count();
  }

  @Override
  public List<AuditEvent> find(AuditQuery q) {
    Objects.requireNonNull(q, "query");
    if (q.beforeSeq().isPresent()) {
      return findEntries(q).stream().map(AuditEntry::event).toList();
    }
    List<Object> params = new ArrayList<>();
    String sql = "SELECT " + COLUMNS + " FROM " + table + where(q, params)
        + " ORDER BY occurred DESC, id DESC LIMIT " + q.limit();
    return db.auto("find audit events", c -> Jdbc.query(c, sql, mapper, params.toArray()));
  }

  /**
   * By the unique index {@code (practice, seq)} for a practice's page, {@code (practice, subject,
   * seq)} (schema version 4) for a user's.
   */
  @Override
  public List<AuditEntry> findEntries(AuditQuery q) {
    Objects.requireNonNull(q, "query");
    List<Object> params = new ArrayList<>();
    String sql = "SELECT " + CHAIN_COLUMNS + " FROM " + table + where(q, params)
        + " AND seq < ? ORDER BY seq DESC LIMIT " + q.limit();
    params.add(q.beforeSeq().orElse(Long.MAX_VALUE));
    return db.auto("find audit entries", c -> Jdbc.query(c, sql, pageMapper, params.toArray()));
  }

  /** {@code WHERE} for the query's practice, subject and time; adds the parameters. */
  private static String where(AuditQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder(" WHERE practice = ?");
    params.add(q.practice().value());
    if (q.subject().isPresent()) {
      sql.append(" AND subject = ?");
      params.add(q.subject().get().value());
    }
    if (q.before().isPresent()) {
      sql.append(" AND occurred < ?");
      params.add(q.before().get());
    }
    return sql.toString();
  }

  @Override
  public List<AuditEntry> chain(PracticeId practice, long afterSeq, long throughSeq) {
    Objects.requireNonNull(practice, "practice");
    return db.auto("read audit chain", c -> Jdbc.query(c, "SELECT " + CHAIN_COLUMNS + " FROM "
        + table + " WHERE practice = ? AND seq > ? AND seq <= ? ORDER BY seq, id", entryMapper,
        practice.value(), afterSeq, throughSeq));
  }

  @Override
  public List<AuditEntry> after(PracticeId practice, long seq, int limit) {
    Objects.requireNonNull(practice, "practice");
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1 to 10000");
    }
    return db.auto("read audit chain", c -> Jdbc.query(c, "SELECT " + CHAIN_COLUMNS + " FROM "
        + table + " WHERE practice = ? AND seq > ? ORDER BY seq, id LIMIT " + limit, entryMapper,
        practice.value(), seq));
  }

  @Override
  public AuditHead purge(PracticeId practice, Instant before) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(before, "before");
    return db.tx("purge audit entries", c -> {
      AuditHead h = lockHead(c, practice);
      long firstKept = Jdbc.queryOne(c, "SELECT MIN(seq) FROM " + table
          + " WHERE practice = ? AND seq > ? AND occurred >= ?", rs -> {
            long v = rs.getLong(1);
            return rs.wasNull() ? -1L : v;
          }, practice.value(), h.baseSeq(), before).orElse(-1L);
      long cut = firstKept > 0 ? firstKept - 1 : h.seq();
      // rows from before the chain existed go by their time alone
      Jdbc.update(c, "DELETE FROM " + table + " WHERE practice = ? AND seq IS NULL"
          + " AND occurred < ?", practice.value(), before);
      if (cut <= h.baseSeq()) {
        return h;
      }
      String digest = Jdbc.queryOne(c, "SELECT digest FROM " + table
          + " WHERE practice = ? AND seq = ?", rs -> rs.getString(1), practice.value(), cut)
          .orElseThrow(() -> new StoreException("JDBC store: the audit entry at the retention"
              + " cut is missing; verify the chain before purging"));
      Jdbc.update(c, "DELETE FROM " + table + " WHERE practice = ? AND seq <= ?",
          practice.value(), cut);
      Jdbc.update(c, "UPDATE " + heads + " SET base_seq = ?, base_digest = ? WHERE practice = ?",
          cut, digest, practice.value());
      return new AuditHead(practice, h.seq(), h.digest(), cut, digest);
    });
  }

  @Override
  public void saveCheckpoint(AuditCheckpoint cp) {
    Objects.requireNonNull(cp, "checkpoint");
    db.tx("save audit checkpoint", c -> db.insertIfAbsent(c, "INSERT INTO " + checkpoints
        + " (practice, seq, key_id, digest, made, signature) VALUES (?,?,?,?,?,?)",
        cp.practice().value(), cp.seq(), cp.keyId(), cp.digest(), cp.at(), cp.signature()));
  }

  @Override
  public List<AuditCheckpoint> checkpoints(PracticeId practice) {
    Objects.requireNonNull(practice, "practice");
    return db.auto("read audit checkpoints", c -> Jdbc.query(c, "SELECT seq, key_id, digest,"
        + " made, signature FROM " + checkpoints + " WHERE practice = ? ORDER BY seq, key_id",
        Jdbc.guarded(checkpoints, rs -> new AuditCheckpoint(practice, rs.getLong("seq"),
            rs.getString("digest"), Jdbc.instant(rs, "made"), rs.getString("key_id"),
            rs.getString("signature"))), practice.value()));
  }

  @Override
  public List<PracticeId> practices() {
    return db.auto("list audited practices", c -> Jdbc.query(c, "SELECT practice FROM " + heads
        + " ORDER BY practice", Jdbc.guarded(heads, rs -> PracticeId.of(rs.getString(1)))));
  }
}
