package dev.mfa4j.webauthn;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A request kept in a ceremony's state: when it was issued and its JSON ({@code millis|json}). */
record Ceremony(Instant issued, String json) {
  static String encode(Instant issued, String json) {
    return issued.toEpochMilli() + "|" + json;
  }

  static Optional<Ceremony> decode(String value) {
    int bar = value.indexOf('|');
    if (bar <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Ceremony(
          Instant.ofEpochMilli(Long.parseLong(value.substring(0, bar))),
          value.substring(bar + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  boolean expired(Instant now, Duration lifetime) {
    return !now.isBefore(issued.plus(lifetime));
  }
}
