package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * Per-user counters and last sign-in. Failure counts are incremented by one atomic write so that
 * parallel guesses on several nodes are all counted (RFC 4226 §7.3).
 */
public interface UserStateStore {
  /**
   * The grace count {@link #endGrace} leaves: above any policy's {@code enrollmentGraceSignIns}
   * (at most 100), so no grace is left.
   */
  int GRACE_ENDED = 1_000;

  /** The user's state, if any was ever recorded. */
  Optional<UserSecurityState> find(PracticeId practice, UserId user);

  /** Adds one consecutive failure atomically (creating the row if needed); returns the new count. */
  int recordFailure(PracticeId practice, UserId user);

  /**
   * Locks the user's second step until {@code until}, or leaves a lock that ends later: a lock
   * only ever extends ({@code … SET locked_until = CASE WHEN locked_until IS NULL OR locked_until
   * < ? THEN ? ELSE locked_until END}).
   */
  void lockUntil(PracticeId practice, UserId user, Instant until);

  /** Records a completed sign-in: sets last sign-in, clears failures and lock. */
  void recordSignIn(PracticeId practice, UserId user, SignIn signIn);

  /**
   * Records a sign-in made under enrollment grace: adds one to the grace count, sets grace started
   * if unset; returns the new count.
   */
  int recordGraceSignIn(PracticeId practice, UserId user, Instant at);

  /**
   * The user has set up two-factor: grace is over for good. Sets the grace count to at least
   * {@link #GRACE_ENDED} and grace started if unset (creating the row if needed), so that a user
   * who later turns two-factor off under a requiring policy must enroll again at the next sign-in
   * instead of signing in on grace. Idempotent.
   */
  void endGrace(PracticeId practice, UserId user, Instant at);

  /**
   * Locks the user's state row until the current unit of work ({@link MfaStore#atomically}) ends,
   * creating it if absent, and returns it as it is now. Units that lock the same user run one
   * after another, on every node sharing the store ({@code SELECT … FOR UPDATE} in the JDBC
   * store). Must run inside a unit.
   */
  UserSecurityState lock(PracticeId practice, UserId user);
}
