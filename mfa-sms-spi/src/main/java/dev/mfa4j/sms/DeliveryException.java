package dev.mfa4j.sms;

import dev.mfa4j.MfaException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider did not take a code message (failure or timeout). Nothing secret is in it: neither
 * the code nor the phone number. The challenge stays usable: the user may ask for a resend once
 * the cooldown is over. The failure was audited as {@code CODE_SEND_FAILED}.
 */
public class DeliveryException extends MfaException {
  private static final long serialVersionUID = 1L;
  private static final Pattern DIGIT_RUNS = Pattern.compile("\\+?[0-9][0-9 ().\\-]{4,}[0-9]");

  private final Channel channel;
  private final boolean retryable;
  private final String reason;
  private final String providerCode;

  /**
   * A delivery failure.
   *
   * @param channel the channel tried
   * @param retryable whether a later resend may work
   * @param reason the provider's reason; runs of six or more digits are redacted
   * @param providerCode the provider's error code, if any
   */
  public DeliveryException(Channel channel, boolean retryable, String reason,
      Optional<String> providerCode) {
    super(message(channel, retryable, reason, providerCode));
    this.channel = Objects.requireNonNull(channel, "channel");
    this.retryable = retryable;
    this.reason = redact(reason);
    this.providerCode = providerCode.map(DeliveryException::redact).orElse(null);
  }

  private static String message(Channel channel, boolean retryable, String reason,
      Optional<String> providerCode) {
    return "the " + channel + " provider did not accept the code message ("
        + (retryable ? "retryable" : "permanent") + "): " + redact(reason)
        + providerCode.map(c -> " [provider code " + redact(c) + "]").orElse("");
  }

  /** Replaces phone-number-like and code-like digit runs (six or more digits) and truncates. */
  static String redact(String text) {
    String s = DIGIT_RUNS.matcher(Objects.requireNonNull(text, "text")).replaceAll("[redacted]");
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  /** The channel tried. */
  public Channel channel() {
    return channel;
  }

  /** Whether a later resend may work (rate limit, server error, timeout). */
  public boolean retryable() {
    return retryable;
  }

  /** The provider's reason, redacted. */
  public String reason() {
    return reason;
  }

  /** The provider's error code, if it gave one. */
  public Optional<String> providerCode() {
    return Optional.ofNullable(providerCode);
  }
}
