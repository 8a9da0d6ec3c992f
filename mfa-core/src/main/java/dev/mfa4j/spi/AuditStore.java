package dev.mfa4j.spi;

import java.util.List;

/** The stored audit log. Append-only. */
public interface AuditStore {
  /** Appends one event. */
  void append(AuditEvent event);

  /** A page of events, newest first (ties broken by id, descending). */
  List<AuditEvent> find(AuditQuery query);
}
