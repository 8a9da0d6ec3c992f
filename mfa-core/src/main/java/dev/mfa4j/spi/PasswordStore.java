package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.util.Optional;

/** Password credentials of the built-in password support. */
public interface PasswordStore {
  /** The user's password, if set. */
  Optional<PasswordRecord> find(PracticeId practice, UserId user);

  /** Sets (inserts or replaces) the user's password. */
  void put(PasswordRecord password);

  /**
   * Replaces the hash only if the stored one is still {@code expectedHash} (a rehash at sign-in
   * must not overwrite a password changed meanwhile).
   */
  boolean replace(PracticeId practice, UserId user, String expectedHash, PasswordRecord next);
}
