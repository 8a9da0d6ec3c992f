package dev.mfa4j.totp;

import java.util.Objects;

/**
 * The verdict of {@link Otp#verify}: which time step a typed code matched, if any. Holds no secret.
 *
 * @param status matched, replayed, no match, or malformed
 * @param step the matched time step T (for {@link Status#MATCHED} and {@link Status#REPLAYED});
 *     otherwise {@link Long#MIN_VALUE}
 * @param offset the matched step minus the current step, the authenticator's clock drift in steps
 *     (negative: its clock is behind); 0 when nothing matched
 */
public record TotpCheck(Status status, long step, int offset) {
  /** The kinds of verdict. */
  public enum Status {
    /** The code matches a step in the window after the last accepted one. */
    MATCHED,
    /** The code matches only a step at or before the last accepted one: a replay. */
    REPLAYED,
    /** The code is well-formed but matches no step in the window. */
    NO_MATCH,
    /** Not the right number of ASCII digits; no HMAC was computed. */
    MALFORMED
  }

  /**
   * Validates.
   *
   * @param status matched, replayed, no match, or malformed
   * @param step the matched time step, or {@link Long#MIN_VALUE}
   * @param offset the matched step minus the current step; 0 when nothing matched
   */
  public TotpCheck {
    Objects.requireNonNull(status, "status");
  }

  static final TotpCheck NO_MATCH = new TotpCheck(Status.NO_MATCH, Long.MIN_VALUE, 0);
  static final TotpCheck MALFORMED = new TotpCheck(Status.MALFORMED, Long.MIN_VALUE, 0);

  /** {@return whether the code matched an unused step} */
  public boolean matched() {
    return status == Status.MATCHED;
  }
}
