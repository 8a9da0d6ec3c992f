package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored password credential of mfa4j's built-in password support (optional for hosts that keep
 * their own).
 *
 * @param practice the practice
 * @param user the user
 * @param hash the PHC string ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash})
 * @param changed when it was set
 * @param temporary whether it is a temporary password set by an administrator
 * @param expires when a temporary password stops working
 * @param length the password's length in code points after normalisation (never the password
 *     itself), so that turning two-factor off can tell whether it meets the single-factor minimum;
 *     0 if unknown (stored before mfa4j recorded it)
 * @param failures consecutive failed checks since the last successful one (each check is counted
 *     before the password is hashed, and a success sets it back to 0)
 * @param nextCheck no check before this instant (the growing delay), if any
 */
public record PasswordRecord(
    PracticeId practice,
    UserId user,
    String hash,
    Instant changed,
    boolean temporary,
    Optional<Instant> expires,
    int length,
    int failures,
    Optional<Instant> nextCheck) {
  /** Checks for nulls and negative numbers. */
  public PasswordRecord {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(changed, "changed");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(nextCheck, "nextCheck");
    if (length < 0 || failures < 0) {
      throw new IllegalArgumentException("length and failures must not be negative");
    }
  }

  /** A record of unknown length with no failures. */
  public PasswordRecord(PracticeId practice, UserId user, String hash, Instant changed,
      boolean temporary, Optional<Instant> expires) {
    this(practice, user, hash, changed, temporary, expires, 0, 0, Optional.empty());
  }

  /** Omits the hash. */
  @Override
  public String toString() {
    return "PasswordRecord[user=" + user.value() + ", temporary=" + temporary + ", failures="
        + failures + "]";
  }
}
