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
 */
public record PasswordRecord(
    PracticeId practice,
    UserId user,
    String hash,
    Instant changed,
    boolean temporary,
    Optional<Instant> expires) {
  /** Checks for nulls. */
  public PasswordRecord {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(changed, "changed");
    Objects.requireNonNull(expires, "expires");
  }

  /** Omits the hash. */
  @Override
  public String toString() {
    return "PasswordRecord[user=" + user.value() + ", temporary=" + temporary + "]";
  }
}
