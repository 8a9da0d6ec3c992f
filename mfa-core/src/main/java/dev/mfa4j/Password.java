package dev.mfa4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * A password typed by a user, held only for the duration of a call. Never a record: it does not
 * print itself, has no {@code equals}, and its characters are read only through {@link #chars()}.
 */
public final class Password {
  /** No password is longer than this many characters (NIST SP 800-63B-4 asks for at least 64). */
  public static final int MAX_LENGTH = 1024;

  private final char[] chars;

  private Password(char[] chars) {
    this.chars = chars;
  }

  /**
   * Wraps a typed password.
   *
   * <p>An empty password is not refused here: a password is a secret that is judged (a wrong
   * password, or one the checker finds too short), not parsed.
   *
   * @throws NullPointerException if {@code password} is null ("password")
   * @throws InvalidInputException if it is longer than {@link #MAX_LENGTH}
   */
  public static Password of(String password) {
    Objects.requireNonNull(password, "password");
    if (password.length() > MAX_LENGTH) {
      throw new InvalidInputException("password is longer than " + MAX_LENGTH + " characters");
    }
    return new Password(password.toCharArray());
  }

  /** A copy of the characters. The caller should clear it when done. */
  public char[] chars() {
    return chars.clone();
  }

  /** Number of UTF-16 units typed. */
  public int length() {
    return chars.length;
  }

  /** Overwrites the characters; the object is unusable afterwards. */
  public void clear() {
    Arrays.fill(chars, '\0');
  }

  @Override
  public String toString() {
    return "Password[redacted]";
  }
}
