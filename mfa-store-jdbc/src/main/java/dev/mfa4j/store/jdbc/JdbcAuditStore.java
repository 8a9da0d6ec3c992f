package dev.mfa4j.store.jdbc;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditStore;
import dev.mfa4j.spi.AuditType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link AuditStore} over table {@code <prefix>audit}. Pages are served by the indexes {@code
 * (practice, occurred, id)} and {@code (practice, subject, occurred, id)}.
 */
final class JdbcAuditStore implements AuditStore {
  private static final String COLUMNS = "id, occurred, practice, subject, actor, type, outcome,"
      + " ip, user_agent, details";

  private final Jdbc db;
  private final String table;
  private final Jdbc.RowMapper<AuditEvent> mapper;

  JdbcAuditStore(Jdbc db) {
    this.db = db;
    this.table = db.prefix + "audit";
    this.mapper = Jdbc.guarded(table, rs -> {
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
    });
  }

  @Override
  public void append(AuditEvent e) {
    Objects.requireNonNull(e, "event");
    db.auto("append audit event", c -> Jdbc.update(c, insertSql(e)));
  }

  Jdbc.Sql insertSql(AuditEvent e) {
    return new Jdbc.Sql("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)",
        e.id(), e.at(), e.practice().value(), e.subject().map(UserId::value).orElse(null),
        e.actor().map(UserId::value).orElse(null), e.type().name(), e.outcome().name(), e.ip(),
        e.userAgent(), Codec.encodeMap(e.details()));
  }

  @Override
  public List<AuditEvent> find(AuditQuery q) {
    Objects.requireNonNull(q, "query");
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ")
        .append(table).append(" WHERE practice = ?");
    List<Object> params = new ArrayList<>();
    params.add(q.practice().value());
    if (q.subject().isPresent()) {
      sql.append(" AND subject = ?");
      params.add(q.subject().get().value());
    }
    if (q.before().isPresent()) {
      sql.append(" AND occurred < ?");
      params.add(q.before().get());
    }
    sql.append(" ORDER BY occurred DESC, id DESC LIMIT ").append(q.limit());
    return db.auto("find audit events",
        c -> Jdbc.query(c, sql.toString(), mapper, params.toArray()));
  }
}
