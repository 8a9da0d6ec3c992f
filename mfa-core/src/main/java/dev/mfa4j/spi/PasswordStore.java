package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * Password credentials of the built-in passwords ({@code dev.mfa4j.passwords.Passwords}, module
 * mfa-passwords). Every {@link MfaStore} implements it, so that password rows commit in the
 * engine's unit of work; hosts that keep their own passwords leave it empty.
 */
public interface PasswordStore {
  /** The user's password, if set. */
  Optional<PasswordRecord> find(PracticeId practice, UserId user);

  /** Sets (inserts or replaces) the user's password, every field of the record included. */
  void put(PasswordRecord password);

  /**
   * Replaces the hash only if the stored one is still {@code expectedHash} (a rehash at sign-in
   * must not overwrite a password changed meanwhile). Every field of {@code next} is written.
   */
  boolean replace(PracticeId practice, UserId user, String expectedHash, PasswordRecord next);

  /**
   * Counts one failed check in advance (the built-in throttle reserves before it hashes): sets
   * {@link PasswordRecord#failures()} to {@code expectedFailures + 1} and {@link
   * PasswordRecord#nextCheck()} to {@code nextCheck}, only if the stored count is still {@code
   * expectedFailures}. One atomic conditional write, so that parallel checks on any number of
   * nodes each take a different count.
   *
   * @return whether it held (false if the user has no password or the count moved meanwhile)
   */
  boolean recordFailure(PracticeId practice, UserId user, int expectedFailures,
      Optional<Instant> nextCheck);

  /** Sets the user's consecutive failures back to 0 and clears the next-check time. */
  void clearFailures(PracticeId practice, UserId user);
}
