package dev.mfa4j.spi;

import dev.mfa4j.UserRef;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A notice for the user (send it by e-mail or to every address on file).
 *
 * @param type what happened
 * @param user to whom
 * @param at when
 * @param ip from where
 * @param userAgent with which browser
 * @param details non-secret facts (factor label and kind, remaining backup codes, reason)
 */
public record SecurityNotification(
    NotificationType type,
    UserRef user,
    Instant at,
    String ip,
    String userAgent,
    Map<String, String> details) {
  /** Checks for nulls and copies the map. */
  public SecurityNotification {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
    details = Map.copyOf(details);
  }
}
