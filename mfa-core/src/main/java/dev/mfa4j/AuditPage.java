package dev.mfa4j;

import dev.mfa4j.spi.AuditEvent;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A page of a practice's audit events, newest first, with the cursor of the next page.
 *
 * @param events the events, newest (highest seq) first
 * @param next the cursor of the next (older) page, to pass as {@code beforeSeq}; empty when this
 *     page is the last (it held fewer events than asked for)
 */
public record AuditPage(List<AuditEvent> events, OptionalLong next) {
  /** Copies the list. */
  public AuditPage {
    events = List.copyOf(events);
    Objects.requireNonNull(next, "next");
  }
}
