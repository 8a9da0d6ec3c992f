package dev.mfa4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditListener;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape of a real-time audit forwarder to a SIEM or log pipeline: each audit event, as it
 * happens, becomes one JSON line on a {@link Writer} (a file a log shipper tails, a socket to a
 * collector). Register it with {@code MfaEngine.Builder.auditListener(...)}; the demo does when
 * {@code -Dmfa4j.demo.audit.log=FILE} is set.
 *
 * <p>What the live feed is and is not:
 *
 * <ul>
 *   <li>mfa4j calls the listener <em>after</em> the event's unit of work commits, on the caller's
 *       thread: an event in the feed is in the database, and an undone action never appears. So
 *       the writer must be quick; a slow collector belongs behind a queue.
 *   <li>A crash between the commit and this call loses the line here but not in the database. The
 *       place of record is the audit trail itself.
 *   <li>The feed carries the event (schema {@value #SCHEMA}), not its place in the practice's
 *       tamper-evident chain: {@code seq}, the previous entry's digest and the entry's digest exist
 *       only once the entry is stored, and are in the export ({@code
 *       Administration.exportAudit}, {@code AuditTrail.export}, verified with {@code
 *       AuditTrail.verifyExport}). A SIEM that must prove completeness pulls the export
 *       periodically with its cursor and matches it to the live lines by {@code id}.
 * </ul>
 *
 * <p>Lines never hold a secret: an {@link AuditEvent} has none. They do hold IP addresses and
 * browser names, so the destination must be as protected as the audit table. The listener never
 * throws: a failed write is logged (without the event) and the next event is tried again.
 */
public final class JsonLinesAuditForwarder implements AuditListener, Closeable {
  /** The {@code schema} field of every line. */
  public static final String SCHEMA = "mfa4j.audit.event.v1";

  private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditForwarder.class);

  private final ObjectMapper json = new ObjectMapper();
  private final Writer out;

  /** Forwards to {@code out}, one line per event, flushed after each line. */
  public JsonLinesAuditForwarder(Writer out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Appends to {@code file} (UTF-8), creating it if needed. */
  public static JsonLinesAuditForwarder appendingTo(Path file) throws IOException {
    return new JsonLinesAuditForwarder(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
  }

  @Override
  public void onEvent(AuditEvent event) {
    String line;
    try {
      line = json.writeValueAsString(toJson(event));
    } catch (IOException | RuntimeException e) {
      log.warn("audit event {} could not be written as JSON", event.id(), e);
      return;
    }
    // one writer, many request threads: whole lines only
    synchronized (out) {
      try {
        out.write(line);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        log.warn("forwarding audit event {} failed: {}", event.id(), e.toString());
      }
    }
  }

  /** The line for one event: its fields, times in ISO-8601 UTC, details ordered by key. */
  ObjectNode toJson(AuditEvent e) {
    ObjectNode n = json.createObjectNode();
    n.put("schema", SCHEMA);
    n.put("id", e.id());
    n.put("at", e.at().toString());
    n.put("practice", e.practice().value());
    n.put("subject", e.subject().map(UserId::value).orElse(null));
    n.put("actor", e.actor().map(UserId::value).orElse(null));
    n.put("type", e.type().name());
    n.put("outcome", e.outcome().name());
    n.put("ip", e.ip());
    n.put("userAgent", e.userAgent());
    ObjectNode details = n.putObject("details");
    new TreeMap<>(e.details()).forEach(details::put);
    return n;
  }

  @Override
  public void close() throws IOException {
    synchronized (out) {
      out.close();
    }
  }
}
