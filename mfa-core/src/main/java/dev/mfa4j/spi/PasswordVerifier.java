package dev.mfa4j.spi;

import dev.mfa4j.Password;
import dev.mfa4j.UserRef;

/**
 * Checks a user's password when a sensitive change must be confirmed (enroll or remove a factor,
 * regenerate backup codes, turn two-factor off). Hosts that keep their own passwords implement it;
 * {@code dev.mfa4j.Passwords} is the built-in one.
 */
@FunctionalInterface
public interface PasswordVerifier {
  /** Whether {@code password} is the user's current password. Must compare in constant time. */
  boolean verify(UserRef user, Password password);
}
