package dev.mfa4j;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A limit refused the call: the user's second step is locked, too many wrong passwords, or a
 * throttle on sending codes (to a user, a number, a practice). Nothing was checked or sent. The
 * message never says whether a number is registered, and {@link #limit()} never tells one
 * practice's users about another practice's sends (the limits across practices report as the
 * practice's own).
 *
 * <pre>{@code
 * } catch (RateLimitedException e) {
 *   String when = e.retryAfter().map(t -> " after " + format(t)).orElse(" later");
 *   show(switch (e.limit()) {
 *     case ACCOUNT_LOCKED -> "Too many failed attempts. Try again" + when + ".";
 *     case CODE_COOLDOWN -> "A code was just sent. You can ask for another" + when + ".";
 *     default -> "Too many attempts. Try again" + when + ".";
 *   });
 * }
 * }</pre>
 */
public class RateLimitedException extends MfaException {
  private static final long serialVersionUID = 2L;

  /** The limit that refused. */
  public enum Limit {
    /**
     * The user's second step is locked after too many consecutive failures ({@link
     * PracticePolicy#lockoutThreshold()}): no code is checked and no password confirmed until
     * the lock ends.
     */
    ACCOUNT_LOCKED,
    /** Too many wrong passwords lately, for the account or from the source address. */
    PASSWORD_ATTEMPTS,
    /** A code was sent moments ago: the resend cooldown. */
    CODE_COOLDOWN,
    /** This ceremony has sent every code it may: start the sign-in again. */
    CODES_PER_CEREMONY,
    /** Too many codes sent to this user lately. */
    CODES_PER_USER,
    /** Too many codes sent to this number lately. */
    CODES_PER_DESTINATION,
    /** Too many codes sent to numbers in the same block of 10,000 lately (SMS pumping). */
    CODES_PER_PREFIX,
    /** Too many codes asked for from this network address lately. */
    CODES_PER_IP,
    /** The practice's daily budget of code messages is used up. */
    CODES_PER_PRACTICE
  }

  private final Limit limit;
  private final Instant retryAfter; // null if unknown

  /**
   * With the limit that refused and, if known, the earliest time a retry may succeed.
   *
   * @param message a message fit to show the user
   */
  public RateLimitedException(Limit limit, String message, Optional<Instant> retryAfter) {
    super(message);
    this.limit = Objects.requireNonNull(limit, "limit");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter").orElse(null);
  }

  /** With the limit that refused and the earliest time a retry may succeed. */
  public RateLimitedException(Limit limit, String message, Instant retryAfter) {
    this(limit, message, Optional.of(Objects.requireNonNull(retryAfter, "retryAfter")));
  }

  /** The limit that refused. */
  public Limit limit() {
    return limit;
  }

  /**
   * The earliest time a retry may succeed, if known (a retry before it is refused again; one after
   * it may meet another limit).
   */
  public Optional<Instant> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
