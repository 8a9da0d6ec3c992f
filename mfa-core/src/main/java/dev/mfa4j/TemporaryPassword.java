package dev.mfa4j;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;

/**
 * A temporary password set by an administrator's reset, to show once (to the administrator, who
 * passes it on). Random from a {@link SecureRandom}, case sensitive, four groups of four characters
 * joined by dashes ({@code Hx7q-mR2c-…}) from a 56-character alphabet without look-alikes (no
 * {@code 0 O o 1 l I}): about 93 bits. It expires at {@link #expiresAt()}, and the first sign-in
 * with it must choose a new password. Never a record: it does not print itself.
 */
public final class TemporaryPassword {
  /** The characters a temporary password is made of. */
  static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

  /** Groups of {@link #GROUP_LENGTH} characters. */
  static final int GROUPS = 4;

  /** Characters per group. */
  static final int GROUP_LENGTH = 4;

  private final String value;
  private final Instant expiresAt;

  private TemporaryPassword(String value, Instant expiresAt) {
    this.value = value;
    this.expiresAt = expiresAt;
  }

  /**
   * A new random temporary password in this format, for {@link
   * dev.mfa4j.spi.PrimaryCredentials#issueTemporary} implementations.
   *
   * @param expiresAt when it stops working
   */
  public static TemporaryPassword generate(SecureRandom random, Instant expiresAt) {
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(expiresAt, "expiresAt");
    StringBuilder sb = new StringBuilder(GROUPS * (GROUP_LENGTH + 1));
    for (int g = 0; g < GROUPS; g++) {
      if (g > 0) {
        sb.append('-');
      }
      for (int i = 0; i < GROUP_LENGTH; i++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    return new TemporaryPassword(sb.toString(), expiresAt);
  }

  /** Bits of entropy: groups × length × log2(alphabet size). */
  public static double entropyBits() {
    return GROUPS * GROUP_LENGTH * (Math.log(ALPHABET.length()) / Math.log(2));
  }

  /** The password, with its dashes, case sensitive. Show it once; do not log or store it. */
  public String reveal() {
    return value;
  }

  /** When it stops working. */
  public Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public String toString() {
    return "TemporaryPassword[redacted, expires " + expiresAt + "]";
  }
}
