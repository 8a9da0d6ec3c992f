package dev.mfa4j.examples;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message for the next page: "Saved." in the success style, or a refusal in the error style. A
 * time in it ({@code at}) is shown in the viewer's own time zone by the page's script.
 *
 * @param error whether it is an error (red, {@code role="alert"}) rather than a success (green)
 * @param text the words before the time, or all of them
 * @param at a time to show after {@code text}, if any
 * @param after the words after the time
 */
record Notice(boolean error, String text, Optional<Instant> at, String after) {
  Notice {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(after, "after");
  }

  static Notice ok(String text) {
    return new Notice(false, text, Optional.empty(), "");
  }

  static Notice error(String text) {
    return new Notice(true, text, Optional.empty(), "");
  }

  /** An error naming a time: "Locked until " + time + ".". */
  static Notice error(String before, Instant at, String after) {
    return new Notice(true, before, Optional.of(at), after);
  }

  /** For templates: the time or null (public: pages read it). */
  public Instant time() {
    return at.orElse(null);
  }
}
