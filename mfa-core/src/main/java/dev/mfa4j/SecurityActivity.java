package dev.mfa4j;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.SignIn;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's Security &amp; Activity, as an administrator sees it.
 *
 * @param user the user
 * @param lastSignIn the last sign-in's time, IP address and browser
 * @param events a page of the user's audit events, newest first
 */
public record SecurityActivity(UserRef user, Optional<SignIn> lastSignIn, List<AuditEvent> events) {
  /** Copies the list. */
  public SecurityActivity {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(lastSignIn, "lastSignIn");
    events = List.copyOf(events);
  }
}
