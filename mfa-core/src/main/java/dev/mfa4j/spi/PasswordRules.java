package dev.mfa4j.spi;

import dev.mfa4j.PracticePolicy;
import java.util.Objects;

/**
 * What a new password of one user must meet, as the engine works it out from the practice's
 * policy and whether the user has a second factor (NIST SP 800-63B-4 §3.1.1.2), and hands to
 * {@link PrimaryCredentials} with every new password.
 *
 * @param minLength the minimum length in Unicode code points, 1 to 1024
 * @param characterClasses how many kinds of characters (lower-case, upper-case, digits, others)
 *     the password must mix, 0 (no composition rule, NIST's advice) to 4
 */
public record PasswordRules(int minLength, int characterClasses) {
  /** The NIST minimum for a password that is the only factor. */
  public static final int SINGLE_FACTOR_MIN_LENGTH = 15;

  /** The NIST minimum for a password used together with a second factor. */
  public static final int MULTI_FACTOR_MIN_LENGTH = 8;

  /** Checks the ranges. */
  public PasswordRules {
    if (minLength < 1 || minLength > 1024) {
      throw new IllegalArgumentException("minLength must be 1 to 1024");
    }
    if (characterClasses < 0 || characterClasses > 4) {
      throw new IllegalArgumentException("characterClasses must be 0 to 4");
    }
  }

  /**
   * The rules for a user of a practice. Minimum length with a second factor: the practice's
   * {@link PracticePolicy#minPasswordLength()} if it set one, else {@value
   * #MULTI_FACTOR_MIN_LENGTH}. Without one (the password is the only factor): never below {@value
   * #SINGLE_FACTOR_MIN_LENGTH}, whatever the practice sets; a practice minimum above it applies.
   *
   * @param secondFactor whether the user has a second factor
   */
  public static PasswordRules of(PracticePolicy policy, boolean secondFactor) {
    Objects.requireNonNull(policy, "policy");
    int min;
    if (!secondFactor) {
      min = Math.max(SINGLE_FACTOR_MIN_LENGTH, policy.minPasswordLength());
    } else {
      min = policy.minPasswordLength() > 0 ? policy.minPasswordLength() : MULTI_FACTOR_MIN_LENGTH;
    }
    return new PasswordRules(min, policy.passwordCharacterClasses());
  }
}
