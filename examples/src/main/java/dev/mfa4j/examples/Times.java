package dev.mfa4j.examples;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.springframework.stereotype.Component;

/**
 * Times for the pages ({@code ${times...}} in the templates). A page shows each time in UTC and
 * marks it with its instant ({@code <time datetime="…">}); the page's script then writes it in
 * the viewer's own time zone and language. Public methods: the templates call them.
 */
@Component
final class Times {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** "2026-11-29 10:15 UTC". */
  public String utc(Instant t) {
    return t == null ? "" : UTC.format(t);
  }

  /** "2026-11-29T10:15:30Z", for the {@code datetime} attribute. */
  public String iso(Instant t) {
    return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
