package dev.mfa4j.passwords;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A password checked at sign-in ({@link Passwords#attempt}): the outcome, and for {@link
 * PasswordOutcome#THROTTLED} when to try again.
 *
 * @param outcome the outcome
 * @param retryAfter for {@link PasswordOutcome#THROTTLED}, the earliest time the password will be
 *     checked again; empty for every other outcome
 */
public record PasswordAttempt(PasswordOutcome outcome, Optional<Instant> retryAfter) {
  /** Checks that exactly a throttled outcome has a retry time. */
  public PasswordAttempt {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isPresent() != (outcome == PasswordOutcome.THROTTLED)) {
      throw new IllegalArgumentException("exactly a throttled attempt has a retry time");
    }
  }

  /** A throttled attempt that may be retried at {@code retryAfter}. */
  static PasswordAttempt throttled(Instant retryAfter) {
    return new PasswordAttempt(PasswordOutcome.THROTTLED, Optional.of(retryAfter));
  }

  /** An attempt that was checked. */
  static PasswordAttempt of(PasswordOutcome outcome) {
    return new PasswordAttempt(outcome, Optional.empty());
  }
}
