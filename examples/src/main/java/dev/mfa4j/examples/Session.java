package dev.mfa4j.examples;

import dev.mfa4j.Assurance;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.LoginStep;
import dev.mfa4j.PracticeId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /** The passkey sign-in the sign-in page started: which practice, and mfa4j's ceremony. */
  record Passwordless(PracticeId practice, ChallengeId ceremony) {}

  /**
   * A change that waits for fresh proof ("Confirm it's you"): the form it came from, run again
   * once the user has confirmed. Never holds a password.
   *
   * @param path the form's action
   * @param form its fields (without the CSRF token or a password)
   * @param what what it does, in the user's words ("remove a sign-in method")
   * @param back the page to return to if the user cancels or cannot confirm
   * @param download whether it answers with a file: then the user presses it again, confirmed,
   *     rather than the file arriving on the confirmation page
   * @param hostCheck whether the host itself decides it is fresh enough (its own sensitive
   *     action), so that a user without a second step may confirm with the password
   */
  record Resume(String path, Map<String, String> form, String what, String back,
      boolean download, boolean hostCheck) {
    Resume {
      form = Map.copyOf(form);
    }
  }

  /** A step-up in progress: mfa4j's challenge, its second step, and the last prompt. */
  record StepUp(ChallengeId challenge, LoginStep.SecondFactorRequired step,
      Optional<Prompted> prompted) {}

  final String id;
  final String csrfToken;
  final Instant created;
  volatile Instant lastSeen;
  private volatile DemoUser user;
  private volatile Assurance assurance;
  private volatile Passwordless passwordless;
  private volatile Resume resume;
  private volatile StepUp stepUp;
  private volatile String error;
  private volatile List<ClientSignal> signals;
  private volatile Instant passwordConfirmed;
  private volatile boolean upgradeOffered;
  private volatile Enrolling upgrade;
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

  /**
   * Both steps done: the user, and mfa4j's record of what proved them and when (changes that
   * weaken the account rely on it instead of asking again).
   */
  void signIn(DemoUser u, Assurance a) {
    this.user = u;
    this.assurance = a;
    this.pending = null;
    this.prompted = null;
    this.passwordless = null;
  }

  /** The signed-in user's record (changed name). */
  void user(DemoUser u) {
    this.user = u;
  }

  Optional<Assurance> assurance() {
    return Optional.ofNullable(assurance);
  }

  /** A step-up added a proof: the session's record is the new one. */
  void assurance(Assurance a) {
    this.assurance = a;
  }

  Optional<Passwordless> passwordless() {
    return Optional.ofNullable(passwordless);
  }

  void passwordless(Passwordless p) {
    this.passwordless = p;
  }

  Optional<Resume> resume() {
    return Optional.ofNullable(resume);
  }

  void resume(Resume r) {
    this.resume = r;
  }

  Optional<StepUp> stepUp() {
    return Optional.ofNullable(stepUp);
  }

  void stepUp(StepUp s) {
    this.stepUp = s;
  }

  /**
   * When the host itself last checked the password of a user who has no second step to confirm
   * with (the only proof such an account has).
   */
  Optional<Instant> passwordConfirmed() {
    return Optional.ofNullable(passwordConfirmed);
  }

  void passwordConfirmed(Instant at) {
    this.passwordConfirmed = at;
  }

  /** Whether the home page already tried to add a passkey in the background this session. */
  boolean upgradeOffered() {
    return upgradeOffered;
  }

  void upgradeOffered(boolean offered) {
    this.upgradeOffered = offered;
  }

  /** The background passkey creation (kept apart from an enrollment the user is doing). */
  Optional<Enrolling> upgrade() {
    return Optional.ofNullable(upgrade);
  }

  void upgrade(Enrolling e) {
    this.upgrade = e;
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

  /** A one-time error for the next page (shown in the error style). */
  void error(String message) {
    this.error = message;
  }

  Optional<String> takeError() {
    String e = error;
    error = null;
    return Optional.ofNullable(e);
  }

  /** Messages for the browser's passkey manager, sent by the next page (WebAuthn Signal API). */
  void signals(List<ClientSignal> s) {
    this.signals = s.isEmpty() ? null : List.copyOf(s);
  }

  Optional<List<ClientSignal>> takeSignals() {
    List<ClientSignal> s = signals;
    signals = null;
    return Optional.ofNullable(s);
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
    next.assurance = assurance;
    next.passwordless = passwordless;
    next.resume = resume;
    next.stepUp = stepUp;
    next.error = error;
    next.signals = signals;
    next.passwordConfirmed = passwordConfirmed;
    next.upgradeOffered = upgradeOffered;
    next.upgrade = upgrade;
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
