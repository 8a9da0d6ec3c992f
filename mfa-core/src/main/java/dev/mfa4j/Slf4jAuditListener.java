package dev.mfa4j;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditListener;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every audit event as one INFO line on the logger {@code dev.mfa4j.audit}. Events never
 * hold secrets, so neither do these lines; control characters in the user agent and details are
 * replaced so a crafted header cannot forge log lines.
 */
public final class Slf4jAuditListener implements AuditListener {
  /** The logger name. */
  public static final String LOGGER = "dev.mfa4j.audit";

  private final Logger log;

  /** A listener on the logger {@value #LOGGER}. */
  public Slf4jAuditListener() {
    this.log = LoggerFactory.getLogger(LOGGER);
  }

  @Override
  public void onEvent(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (!log.isInfoEnabled()) {
      return;
    }
    log.info("{} {} practice={} subject={} actor={} ip={} ua=\"{}\" details={} id={}",
        event.type(), event.outcome(), event.practice().value(),
        event.subject().map(UserId::value).orElse("-"),
        event.actor().map(UserId::value).orElse("-"),
        clean(event.ip()), clean(event.userAgent()), details(event.details()), event.id());
  }

  private static String details(Map<String, String> details) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : new TreeMap<>(details).entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(clean(e.getKey())).append('=').append(clean(e.getValue()));
    }
    return sb.append('}').toString();
  }

  private static String clean(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Slf4jAuditListener[" + LOGGER + "]";
  }
}
