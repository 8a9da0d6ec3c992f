package dev.mfa4j.spring.security;

import dev.mfa4j.Audience;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import jakarta.servlet.http.HttpSession;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What mfa4j keeps in the server-side session between requests: whose sign-in it is, where it
 * stands, and the bearer handles (challenge and ceremony ids) that never leave the server. Plain
 * strings and numbers only, so a replicated or persisted session (Spring Session) can hold it.
 */
final class MfaState implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  static final String ATTRIBUTE = MfaState.class.getName();

  /** Where a sign-in stands. */
  enum Stage {
    SECOND_FACTOR, ENROLLMENT, PASSWORD_CHANGE, LOCKED, SIGNED_IN
  }

  /** A factor offered on a second step: what a page shows of it. */
  record Method(String id, String kind, String label, Map<String, String> display)
      implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    Method {
      display = new LinkedHashMap<>(display);
    }

    static Method of(FactorSummary f) {
      return new Method(f.id().value(), f.kind().id(), f.label(), f.display());
    }
  }

  private final String practice;
  private final String user;
  private final String audience;
  private final boolean admin;
  /** The issue time of the primary factor authority this state answers, in epoch millis. */
  final long primaryAt;

  Stage stage;
  String challenge;
  Instant expiresAt;
  List<Method> methods = new ArrayList<>();
  String defaultMethod;
  int backupCodesRemaining;
  List<String> allowedKinds = new ArrayList<>();
  int minPasswordLength;
  List<String> problems = new ArrayList<>();
  Instant lockedUntil;
  String assurance;
  Instant signedInAt;

  String promptFactor;
  String promptJson;
  Map<String, String> promptDisplay = new LinkedHashMap<>();

  String stepUpChallenge;
  Instant stepUpExpiresAt;
  List<Method> stepUpMethods = new ArrayList<>();
  int stepUpBackupCodes;
  Set<String> stepUpFor = new LinkedHashSet<>();
  /** The account change a step-up is for (audited), if it is for one. */
  String stepUpAction;
  /** Where to go once the step-up is done, instead of the saved request. */
  String returnTo;
  /** When a throttled send may be asked again. */
  Instant retryAfter;

  String enrollCeremony;
  String enrollFactor;
  String enrollKind;
  Map<String, String> enrollDetails = new LinkedHashMap<>();

  List<String> backupCodes = new ArrayList<>();
  /** Where the backup codes page continues to. */
  String backupCodesNext;
  /** An error to show once (a refused code, a throttled send). */
  String message;
  /** A confirmation to show once (a code sent), unless an error came after it. */
  String notice;

  MfaState(UserRef user, long primaryAt) {
    this.practice = user.practice().value();
    this.user = user.user().value();
    this.audience = user.audience().name();
    this.admin = user.admin();
    this.primaryAt = primaryAt;
  }

  UserRef user() {
    return new UserRef(PracticeId.of(practice), UserId.of(user), Audience.valueOf(audience),
        admin);
  }

  boolean isFor(UserRef other) {
    return other.practice().value().equals(practice) && other.user().value().equals(user)
        && other.audience().name().equals(audience) && other.admin() == admin;
  }

  boolean signedIn() {
    return stage == Stage.SIGNED_IN;
  }

  /** Forgets the pending second step (challenge, methods, prompt). */
  void clearPending() {
    challenge = null;
    expiresAt = null;
    methods = new ArrayList<>();
    defaultMethod = null;
    allowedKinds = new ArrayList<>();
    problems = new ArrayList<>();
    clearPrompt();
  }

  void clearPrompt() {
    promptFactor = null;
    promptJson = null;
    promptDisplay = new LinkedHashMap<>();
  }

  void clearStepUp() {
    stepUpChallenge = null;
    stepUpExpiresAt = null;
    stepUpMethods = new ArrayList<>();
    stepUpBackupCodes = 0;
    clearPrompt();
  }

  void clearEnrollment() {
    enrollCeremony = null;
    enrollFactor = null;
    enrollKind = null;
    enrollDetails = new LinkedHashMap<>();
  }

  /** Takes the one-time message: the error if there is one, else the notice. */
  Optional<MfaFlow.Message> takeMessage() {
    Optional<MfaFlow.Message> m = message != null
        ? Optional.of(new MfaFlow.Message(message, false))
        : Optional.ofNullable(notice).map(n -> new MfaFlow.Message(n, true));
    message = null;
    notice = null;
    return m;
  }

  static Optional<MfaState> in(HttpSession session) {
    return SessionValues.in(session, ATTRIBUTE, MfaState.class);
  }

  /** Stores it again, so that a replicated session sees the change. */
  void save(HttpSession session) {
    session.setAttribute(ATTRIBUTE, this);
  }

  static void remove(HttpSession session) {
    SessionValues.remove(session, ATTRIBUTE);
  }

  @Override
  public String toString() {
    return "MfaState[" + stage + "]";
  }
}
