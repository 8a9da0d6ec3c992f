package dev.mfa4j.examples;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side sessions keyed by 256-bit random ids. A session ends after 30 minutes without a
 * request or 12 hours after it began (NIST SP 800-63B-4 AAL2: inactivity at most 1 hour, overall
 * at most 24 hours).
 */
final class SessionStore {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration ABSOLUTE = Duration.ofHours(12);

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random;
  private final Clock clock;

  SessionStore(SecureRandom random, Clock clock) {
    this.random = random;
    this.clock = clock;
  }

  /** The live session with this id, touched; empty if unknown or timed out. */
  Optional<Session> find(String id) {
    if (id == null || id.length() != 43) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.isAfter(s.lastSeen.plus(IDLE)) || now.isAfter(s.created.plus(ABSOLUTE))) {
      sessions.remove(id, s);
      return Optional.empty();
    }
    s.lastSeen = now;
    return Optional.of(s);
  }

  Session create() {
    purgeExpired();
    Session s = new Session(token(), token(), clock.instant());
    sessions.put(s.id, s);
    return s;
  }

  /**
   * Moves a session's state to a new id and kills the old id. Called whenever the user's privilege
   * changes (after the password, after the second step, at sign-out), so an id planted before
   * sign-in is worthless after it.
   */
  Session renew(Session old) {
    Session next = create();
    old.copyInto(next);
    sessions.remove(old.id);
    return next;
  }

  void invalidate(Session s) {
    sessions.remove(s.id);
  }

  /** Ends every session of one user (after an administrator reset their password, say). */
  void invalidateUser(DemoUser user) {
    sessions.values().removeIf(s -> s.user().map(u -> u.key().equals(user.key())).orElse(false));
  }

  /** Ends every other session of one user (after they changed their password, say). */
  void invalidateOthers(DemoUser user, Session keep) {
    sessions.values().removeIf(s -> s != keep
        && s.user().map(u -> u.key().equals(user.key())).orElse(false));
  }

  /** Whether {@code submitted} is this session's CSRF token; compared in constant time. */
  static boolean csrfMatches(Session s, String submitted) {
    return submitted != null && MessageDigest.isEqual(
        s.csrfToken.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        submitted.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private void purgeExpired() {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> now.isAfter(s.lastSeen.plus(IDLE))
        || now.isAfter(s.created.plus(ABSOLUTE)));
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
