package dev.mfa4j;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.SignIn;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A user's Security &amp; Activity, as an administrator sees it.
 *
 * @param user the user
 * @param lastSignIn the last sign-in's time, IP address and browser
 * @param events a page of the user's audit events, newest (highest seq) first
 * @param next the cursor of the next (older) page, to pass to {@link
 *     Administration#activity(UserRef, java.util.OptionalLong, int)}; empty when this page is the
 *     last
 */
public record SecurityActivity(UserRef user, Optional<SignIn> lastSignIn, List<AuditEvent> events,
    OptionalLong next) {
  /** Copies the list. */
  public SecurityActivity {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(lastSignIn, "lastSignIn");
    events = List.copyOf(events);
    Objects.requireNonNull(next, "next");
  }
}
