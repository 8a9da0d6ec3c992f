package dev.mfa4j.examples;

import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import java.time.Instant;
import java.util.Optional;

/**
 * One browser's server-side session. The browser holds only the random id; everything else,
 * including mfa4j's pending challenge ids, stays here.
 */
final class Session {
  /** What the password step left pending. Grants nothing on its own. */
  record Pending(DemoUser user, ChallengeId challenge, LoginStep step) {}

  /** An enrollment begun on the security page (or during a sign-in that requires one). */
  record Enrolling(ChallengeId ceremony, dev.mfa4j.FactorId factor, String kind, Object details,
      String label) {}

  final String id;
  final String csrfToken;
  final Instant created;
  volatile Instant lastSeen;
  private volatile DemoUser user;
  private volatile Pending pending;
  private volatile Enrolling enrolling;
  private volatile String flash;
  private volatile java.util.List<String> backupCodes;
  private volatile Prompted prompted;

  /** The last prompt mfa4j returned on the second step, for the factor it belongs to. */
  record Prompted(String factor, dev.mfa4j.spi.Prompt prompt) {}

  Session(String id, String csrfToken, Instant created) {
    this.id = id;
    this.csrfToken = csrfToken;
    this.created = created;
    this.lastSeen = created;
  }

  /** The fully signed-in user: both steps done. */
  Optional<DemoUser> user() {
    return Optional.ofNullable(user);
  }

  void signIn(DemoUser u) {
    this.user = u;
    this.pending = null;
    this.prompted = null;
  }

  Optional<Pending> pending() {
    return Optional.ofNullable(pending);
  }

  void pending(Pending p) {
    this.pending = p;
    this.prompted = null;
  }

  void prompted(String factor, dev.mfa4j.spi.Prompt prompt) {
    this.prompted = new Prompted(factor, prompt);
  }

  Optional<Prompted> prompt() {
    return Optional.ofNullable(prompted);
  }

  Optional<Enrolling> enrolling() {
    return Optional.ofNullable(enrolling);
  }

  void enrolling(Enrolling e) {
    this.enrolling = e;
  }

  /** A one-time message for the next page. */
  void flash(String message) {
    this.flash = message;
  }

  Optional<String> takeFlash() {
    String f = flash;
    flash = null;
    return Optional.ofNullable(f);
  }

  /** Backup codes to show once on the next page. */
  void showBackupCodes(java.util.List<String> codes) {
    this.backupCodes = codes;
  }

  Optional<java.util.List<String>> takeBackupCodes() {
    java.util.List<String> c = backupCodes;
    backupCodes = null;
    return Optional.ofNullable(c);
  }

  /** Copies the state into a session with a new id (after sign-in: no session fixation). */
  void copyInto(Session next) {
    next.user = user;
    next.pending = pending;
    next.enrolling = enrolling;
    next.flash = flash;
    next.backupCodes = backupCodes;
    next.prompted = prompted;
  }

  @Override
  public String toString() {
    return "Session[redacted]";
  }
}
