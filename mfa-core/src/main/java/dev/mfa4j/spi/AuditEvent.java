package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One audit record (HIPAA §164.312(b)). Never holds a secret, code, token, password or full phone
 * number.
 *
 * @param id a random id
 * @param at when
 * @param practice in which practice
 * @param subject whose account it concerns
 * @param actor who acted, if not the subject (an administrator)
 * @param type what happened
 * @param outcome how it ended
 * @param ip the request's IP
 * @param userAgent the request's User-Agent
 * @param details non-secret facts (factor id and kind, reason, method), at most 16 entries
 */
public record AuditEvent(
    String id,
    Instant at,
    PracticeId practice,
    Optional<UserId> subject,
    Optional<UserId> actor,
    AuditType type,
    AuditOutcome outcome,
    String ip,
    String userAgent,
    Map<String, String> details) {
  /** Checks for nulls and copies the map. */
  public AuditEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
    details = Map.copyOf(details);
  }
}
