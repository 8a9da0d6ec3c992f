package dev.mfa4j;

import dev.mfa4j.spi.Answering;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.UserSecurityState;
import java.time.Duration;
import java.util.Optional;

/**
 * The one path of every ceremony (sign-in, sign-in enrollment, factor enrollment, password change,
 * passwordless sign-in): issue it, open it for an answer (exists, this user, this purpose, not
 * completed, not expired, an attempt left), and read what is left of it. Flows never touch the
 * challenge repository themselves; the attempt and the completion are written by the answer's
 * {@link dev.mfa4j.spi.Settlement} or by {@link #take} and {@link #complete}, inside the answer's
 * unit of work.
 */
final class Ceremonies {
  /**
   * The reserved owner of passwordless sign-in ceremonies, which have no user when issued. It owns
   * ceremonies of purpose {@link ChallengePurpose#PASSWORDLESS_SIGN_IN} only, and those only: a
   * ceremony for this id of any other purpose is never issued nor opened, and a passwordless
   * ceremony is opened only through {@link #openPasswordless} (for the user whose credential
   * answered it), never as another user's or this id's second step.
   */
  static final UserId PASSWORDLESS_OWNER = UserId.of("mfa4j.passwordless:ceremony");

  private final Engine engine;

  Ceremonies(Engine engine) {
    this.engine = engine;
  }

  /** Issues a ceremony and stores it. */
  Engine.Issued issue(UserRef user, ChallengePurpose purpose, Optional<FactorId> factor,
      Duration lifetime, int maxAttempts) {
    Engine.Issued c = engine.issue(user, purpose, factor, lifetime, maxAttempts);
    store(c);
    return c;
  }

  /** Stores a ceremony made by {@link Engine#issue} (after its provider prepared it). */
  void store(Engine.Issued c) {
    ChallengeRecord r = c.record();
    boolean passwordless = r.purpose() == ChallengePurpose.PASSWORDLESS_SIGN_IN;
    if (r.user().equals(PASSWORDLESS_OWNER) != passwordless) {
      throw new InvalidInputException("the user id is reserved");
    }
    engine.store.challenges().insert(r);
  }

  /**
   * Issues and stores a passwordless sign-in ceremony of the practice, owned by {@link
   * #PASSWORDLESS_OWNER}, answerable once.
   *
   */
  Engine.Issued issuePasswordless(PracticeId practice, Duration lifetime) {
    Engine.Issued c = engine.issue(owner(practice), ChallengePurpose.PASSWORDLESS_SIGN_IN,
        Optional.empty(), lifetime, 1);
    store(c);
    return c;
  }

  /** The reserved owner of the practice's passwordless ceremonies, as a user reference. */
  static UserRef owner(PracticeId practice) {
    return new UserRef(practice, PASSWORDLESS_OWNER, Audience.STAFF, false);
  }

  /**
   * Opens a passwordless ceremony for the user whose factor answered it, inside a unit of work:
   * locks that user (answers of one user, passwordless or not, are decided one after another) and
   * reads the ceremony, the user's state and the answering factor in one store call. The ceremony
   * must be the practice's passwordless ceremony ({@link #PASSWORDLESS_OWNER}).
   */
  Opened openPasswordless(UserRef user, ChallengeId id, FactorId factor) {
    Answering a = engine.store.answering(id.hash(), user.practice(), user.user(),
        Optional.of(factor));
    Optional<FactorRecord> f = a.factor()
        .filter(r -> r.practice().equals(user.practice()) && r.user().equals(user.user()));
    return check(owner(user.practice()), a.challenge(), ChallengePurpose.PASSWORDLESS_SIGN_IN)
        .map(c -> (Opened) c)
        .orElseGet(() -> new Open(a.challenge().orElseThrow(), a.state(), f));
  }

  /**
   * Reads a passwordless ceremony of the practice without a user (an answer that identified
   * nobody); the state is the reserved owner's initial state, never stored.
   */
  Opened peekPasswordless(PracticeId practice, ChallengeId id) {
    UserRef owner = owner(practice);
    Optional<ChallengeRecord> c = engine.store.challenges().find(id.hash());
    return check(owner, c, ChallengePurpose.PASSWORDLESS_SIGN_IN).map(x -> (Opened) x)
        .orElseGet(() -> new Open(c.orElseThrow(),
            UserSecurityState.initial(practice, PASSWORDLESS_OWNER), Optional.empty()));
  }

  /** An open ceremony, or why it is not. */
  sealed interface Opened permits Open, Closed {}

  /**
   * An open ceremony read under the user's lock.
   *
   * @param record the ceremony
   * @param state the user's state, locked until the unit ends
   * @param factor the factor the answer named, as stored (any state), if asked for and found
   */
  record Open(ChallengeRecord record, UserSecurityState state, Optional<FactorRecord> factor)
      implements Opened {
    int attemptsLeft() {
      return record.maxAttempts() - record.attempts();
    }
  }

  /** A ceremony that cannot be answered, and why. */
  record Closed(LoginStep.Reason reason) implements Opened {}

  /**
   * Opens the ceremony for an answer, inside a unit of work: locks the user (so answers of one
   * user, on any node, are decided one after another) and reads the ceremony, the user's state
   * and the named factor in one store call.
   */
  Opened open(UserRef user, ChallengeId id, ChallengePurpose purpose, Optional<FactorId> factor) {
    Answering a = engine.store.answering(id.hash(), user.practice(), user.user(), factor);
    Optional<FactorRecord> f = a.factor()
        .filter(r -> r.practice().equals(user.practice()) && r.user().equals(user.user()));
    return check(user, a.challenge(), purpose).map(c -> (Opened) c)
        .orElseGet(() -> new Open(a.challenge().orElseThrow(), a.state(), f));
  }

  /**
   * Reads a ceremony without locking (to prompt: a prompt may send a message, which must not
   * happen while the user's lock is held).
   */
  Opened peek(UserRef user, ChallengeId id, ChallengePurpose purpose) {
    Optional<ChallengeRecord> c = engine.store.challenges().find(id.hash());
    UserSecurityState state = engine.store.users().find(user.practice(), user.user())
        .orElse(UserSecurityState.initial(user.practice(), user.user()));
    return check(user, c, purpose).map(x -> (Opened) x)
        .orElseGet(() -> new Open(c.orElseThrow(), state, Optional.empty()));
  }

  /** Why the ceremony cannot be answered, if it cannot. */
  private Optional<Closed> check(UserRef user, Optional<ChallengeRecord> c,
      ChallengePurpose purpose) {
    if (c.isEmpty() || c.get().purpose() != purpose
        || !c.get().practice().equals(user.practice()) || !c.get().user().equals(user.user())
        || c.get().user().equals(PASSWORDLESS_OWNER)
            != (purpose == ChallengePurpose.PASSWORDLESS_SIGN_IN)) {
      return Optional.of(new Closed(LoginStep.Reason.INVALID_CHALLENGE));
    }
    if (c.get().consumed().isPresent()) {
      return Optional.of(new Closed(LoginStep.Reason.ALREADY_COMPLETE));
    }
    if (!engine.now().isBefore(c.get().expires())) {
      return Optional.of(new Closed(LoginStep.Reason.EXPIRED));
    }
    if (c.get().attempts() >= c.get().maxAttempts()) {
      return Optional.of(new Closed(LoginStep.Reason.ATTEMPTS_EXHAUSTED));
    }
    return Optional.empty();
  }

  /**
   * Another ceremony of the same user, read inside the current unit (the sign-in enrollment asks
   * which enrollment completed it).
   */
  Optional<ChallengeRecord> find(UserRef user, ChallengeId id) {
    return engine.store.challenges().find(id.hash())
        .filter(c -> c.practice().equals(user.practice()) && c.user().equals(user.user()));
  }

  /** Takes one attempt of an open ceremony (flows that do not settle). */
  boolean take(ChallengeId id) {
    return engine.store.challenges().takeAttempt(id.hash(), engine.now());
  }

  /** Completes an open ceremony (flows that do not settle). */
  boolean complete(ChallengeId id) {
    return engine.store.challenges().consume(id.hash(), engine.now());
  }

  /** A value the engine keeps on a ceremony (not a provider's: those go through the context). */
  void mark(ChallengeId id, String key, String value) {
    engine.store.challenges().putState(id.hash(), "mfa4j|" + key, value);
  }

  /** A value the engine kept on a ceremony. */
  Optional<String> mark(ChallengeId id, String key) {
    return engine.store.challenges().state(id.hash(), "mfa4j|" + key);
  }

  /**
   * Deletes at most {@code limit} ceremonies that expired before {@code before} (outside any
   * unit of work: each call is its own short transaction); returns how many.
   */
  int purgeExpired(java.time.Instant before, int limit) {
    return engine.store.challenges().purgeExpired(before, limit);
  }
}
