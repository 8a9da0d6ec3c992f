package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-user security state kept by the engine.
 *
 * @param practice the practice
 * @param user the user
 * @param consecutiveFailures failed second steps since the last success, over all challenges
 * @param lockedUntil end of the current lock, if any
 * @param lastSignIn the last completed sign-in
 * @param graceSignIns sign-ins made without a factor while two-factor was required
 * @param graceStarted the first such sign-in
 */
public record UserSecurityState(
    PracticeId practice,
    UserId user,
    int consecutiveFailures,
    Optional<Instant> lockedUntil,
    Optional<SignIn> lastSignIn,
    int graceSignIns,
    Optional<Instant> graceStarted) {
  /**
   * A user's stored state; every component is required (absent times are {@code Optional.empty()}).
   */
  public UserSecurityState {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(lockedUntil, "lockedUntil");
    Objects.requireNonNull(lastSignIn, "lastSignIn");
    Objects.requireNonNull(graceStarted, "graceStarted");
  }

  /** The state of a user never seen before. */
  public static UserSecurityState initial(PracticeId practice, UserId user) {
    return new UserSecurityState(practice, user, 0, Optional.empty(), Optional.empty(), 0,
        Optional.empty());
  }
}
