package dev.mfa4j.totp;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How an authenticator computes its codes: the HMAC, the number of digits and the time step (RFC
 * 6238 §4, with T0 = 0).
 *
 * @param algorithm the HMAC
 * @param digits code length, 6 to 8
 * @param period the time step X, 30 or 60 seconds
 */
public record TotpParameters(OtpAlgorithm algorithm, int digits, Duration period) {
  /** SHA-1, 6 digits, 30 seconds: the only combination every common authenticator app honours. */
  public static final TotpParameters DEFAULTS =
      new TotpParameters(OtpAlgorithm.SHA1, 6, Duration.ofSeconds(30));

  /** Fewest digits. */
  public static final int MIN_DIGITS = 6;
  /** Most digits. */
  public static final int MAX_DIGITS = 8;

  /**
   * Validates.
   *
   * @param algorithm the HMAC
   * @param digits digits per code, 6 to 8
   * @param period the time step, 30 or 60 seconds
   * @throws IllegalArgumentException if digits is not 6 to 8 or the period not 30 or 60 seconds
   */
  public TotpParameters {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(period, "period");
    if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
      throw new IllegalArgumentException("digits must be 6 to 8");
    }
    if (!period.equals(Duration.ofSeconds(30)) && !period.equals(Duration.ofSeconds(60))) {
      throw new IllegalArgumentException("period must be 30 or 60 seconds");
    }
  }

  /**
   * Shorthand for a period in seconds.
   *
   * @param algorithm the HMAC
   * @param digits digits per code, 6 to 8
   * @param periodSeconds the time step in seconds, 30 or 60
   * @return the parameters
   */
  public static TotpParameters of(OtpAlgorithm algorithm, int digits, int periodSeconds) {
    return new TotpParameters(algorithm, digits, Duration.ofSeconds(periodSeconds));
  }

  /** {@return the period in seconds} */
  public int periodSeconds() {
    return (int) period.getSeconds();
  }

  /**
   * The time step T of an instant: floor(unix seconds / period), RFC 6238 §4.2.
   *
   * @param time the instant
   * @return the time step T
   */
  public long step(Instant time) {
    Objects.requireNonNull(time, "time");
    return Math.floorDiv(time.getEpochSecond(), period.getSeconds());
  }
}
