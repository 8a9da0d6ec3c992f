package dev.mfa4j.examples;

import dev.mfa4j.Assurance;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.FactorId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.Password;
import dev.mfa4j.PracticeId;
import dev.mfa4j.spi.Prompt;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the demo keeps in one browser's server-side session besides Spring Security's context:
 * mfa4j's challenge and ceremony ids (bearer handles that never leave the server), the sign-in's
 * assurance record, and what a page shows once. Nothing here grants anything on its own: pages
 * are opened by Spring Security's rules over the authentication's factor authorities.
 */
final class SessionState {
  private static final String ATTRIBUTE = SessionState.class.getName();

  /** What the password (or a passkey) left pending: the next step of this user's sign-in. */
  record Pending(DemoUser user, ChallengeId challenge, LoginStep step) {}

  /** The last prompt mfa4j returned for a factor (a code sent, or the passkey request). */
  record Prompted(String factor, Prompt prompt) {}

  /** A method being added, with what its confirmation page shows. */
  record Enrolling(ChallengeId ceremony, FactorId factor, String kind, Object details,
      String label) {}

  /** The passkey request of the sign-in page: which practice, and mfa4j's ceremony. */
  record Passwordless(PracticeId practice, ChallengeId ceremony) {}

  /** A step-up in progress: mfa4j's challenge, its second step, and the last prompt. */
  record StepUp(ChallengeId challenge, LoginStep.SecondFactorRequired step,
      Optional<Prompted> prompted) {}

  /**
   * A change of the signed-in user's that mfa4j refused until they confirm it's them. It runs
   * again with the new assurance record, or with the password typed on the "Confirm it's you"
   * page (never kept).
   */
  @FunctionalInterface
  interface Change {
    /** Runs the change; returns where to go next. */
    String run(HttpServletRequest request, Optional<Password> password);
  }

  /**
   * What waits for "Confirm it's you".
   *
   * @param what what it does, in the user's words ("remove a sign-in method")
   * @param back where Cancel goes
   * @param url the page to open once confirmed (a page behind a step-up rule), or empty
   * @param change the change to run again once confirmed, or empty
   */
  record Resume(String what, String back, Optional<String> url, Optional<Change> change) {}

  /** The signed-in user's record of what proved them and when (mfa4j's assurance). */
  record SignedIn(Assurance assurance, Instant at) {}

  private volatile Pending pending;
  private volatile Prompted prompted;
  private volatile Enrolling enrolling;
  private volatile Passwordless passwordless;
  private volatile SignedIn signedIn;
  private volatile StepUp stepUp;
  private volatile Resume resume;
  private volatile List<String> backupCodes;
  private volatile List<ClientSignal> signals;
  private volatile boolean upgradeOffered;
  private volatile Enrolling upgrade;
  private volatile String temporaryFor;
  private volatile String temporary;

  /** This browser's state, made with the session if needed. */
  static SessionState of(HttpServletRequest request) {
    HttpSession session = request.getSession();
    synchronized (SessionState.class) {
      Object o = session.getAttribute(ATTRIBUTE);
      if (o instanceof SessionState s) {
        return s;
      }
      SessionState s = new SessionState();
      session.setAttribute(ATTRIBUTE, s);
      return s;
    }
  }

  /** This browser's state, if it has a session: never makes one. */
  static Optional<SessionState> find(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    return session != null && session.getAttribute(ATTRIBUTE) instanceof SessionState s
        ? Optional.of(s) : Optional.empty();
  }

  /** A new sign-in begins: nothing of an earlier one in this browser carries over. */
  void reset() {
    pending = null;
    prompted = null;
    enrolling = null;
    signedIn = null;
    stepUp = null;
    resume = null;
    signals = null;
    upgradeOffered = false;
    upgrade = null;
  }

  Optional<Pending> pending() {
    return Optional.ofNullable(pending);
  }

  void pending(Pending p) {
    pending = p;
    prompted = null;
  }

  Optional<Prompted> prompted() {
    return Optional.ofNullable(prompted);
  }

  void prompted(Prompted p) {
    prompted = p;
  }

  Optional<Enrolling> enrolling() {
    return Optional.ofNullable(enrolling);
  }

  void enrolling(Enrolling e) {
    enrolling = e;
  }

  Optional<Passwordless> passwordless() {
    return Optional.ofNullable(passwordless);
  }

  void passwordless(Passwordless p) {
    passwordless = p;
  }

  Optional<SignedIn> signedIn() {
    return Optional.ofNullable(signedIn);
  }

  void signedIn(SignedIn s) {
    signedIn = s;
    pending = null;
    prompted = null;
    passwordless = null;
  }

  Optional<StepUp> stepUp() {
    return Optional.ofNullable(stepUp);
  }

  void stepUp(StepUp s) {
    stepUp = s;
  }

  Optional<Resume> resume() {
    return Optional.ofNullable(resume);
  }

  void resume(Resume r) {
    resume = r;
  }

  /** Backup codes to show until the user says they saved them. */
  Optional<List<String>> backupCodes() {
    return Optional.ofNullable(backupCodes);
  }

  void backupCodes(List<String> codes) {
    backupCodes = codes == null ? null : List.copyOf(codes);
  }

  /** What the next page tells the browser's passkey manager (the WebAuthn Signal API), once. */
  Optional<List<ClientSignal>> takeSignals() {
    List<ClientSignal> s = signals;
    signals = null;
    return Optional.ofNullable(s).filter(l -> !l.isEmpty());
  }

  void signals(List<ClientSignal> s) {
    signals = List.copyOf(s);
  }

  /** Whether the home page already tried to add a passkey in the background this session. */
  boolean upgradeOffered() {
    return upgradeOffered;
  }

  void upgradeOffered(boolean offered) {
    upgradeOffered = offered;
  }

  /** The background passkey creation (kept apart from an enrollment the user is doing). */
  Optional<Enrolling> upgrade() {
    return Optional.ofNullable(upgrade);
  }

  void upgrade(Enrolling e) {
    upgrade = e;
  }

  /** A temporary password to show the administrator once, on the next page. */
  void temporaryPassword(String userId, String password) {
    temporaryFor = userId;
    temporary = password;
  }

  synchronized Optional<String> takeTemporaryPassword(String userId) {
    String t = userId.equals(temporaryFor) ? temporary : null;
    temporaryFor = null;
    temporary = null;
    return Optional.ofNullable(t);
  }

  @Override
  public String toString() {
    return "SessionState[redacted]";
  }
}
