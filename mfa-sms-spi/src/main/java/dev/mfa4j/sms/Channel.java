package dev.mfa4j.sms;

import dev.mfa4j.InvalidInputException;
import java.util.Locale;
import java.util.Objects;

/** How a one-time code reaches the user's phone. */
public enum Channel {
  /** A text message (the default). */
  SMS,
  /** A voice call that reads the code out, digit by digit, twice. */
  VOICE;

  /**
   * Parses {@code sms} or {@code voice} in any case, as a host passes it in parameters.
   *
   * @throws InvalidInputException for anything else
   */
  public static Channel parse(String value) {
    Objects.requireNonNull(value, "channel");
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "SMS":
        return SMS;
      case "VOICE":
        return VOICE;
      default:
        throw new InvalidInputException("channel must be SMS or VOICE");
    }
  }
}
