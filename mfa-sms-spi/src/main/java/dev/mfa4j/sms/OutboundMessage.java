package dev.mfa4j.sms;

import java.util.Locale;
import java.util.Objects;

/**
 * One message to deliver: a text message, or the words a voice call reads out. It carries a
 * one-time code, so it is not a record: {@link #toString()} shows neither the text nor the
 * destination, and the text is read only through {@link #revealText()}.
 */
public final class OutboundMessage {
  private final Channel channel;
  private final String destination;
  private final String text;
  private final Locale locale;
  private final String idempotencyKey;

  /**
   * A message.
   *
   * @param channel SMS or VOICE
   * @param destination the number in E.164 form ({@code +} and 6 to 15 digits)
   * @param text what to send or read out (holds the code)
   * @param locale the language of {@code text} (a voice provider picks its voice by it)
   * @param idempotencyKey a non-secret key, unique per send, that a provider may use to drop a
   *     duplicate submission of this message
   * @throws IllegalArgumentException if the destination is not E.164 or a string is empty
   */
  public OutboundMessage(Channel channel, String destination, String text, Locale locale,
      String idempotencyKey) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.text = Objects.requireNonNull(text, "text");
    this.locale = Objects.requireNonNull(locale, "locale");
    this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    if (!destination.matches("\\+[1-9][0-9]{5,14}")) {
      throw new IllegalArgumentException("destination must be an E.164 number");
    }
    if (text.isEmpty() || idempotencyKey.isEmpty()) {
      throw new IllegalArgumentException("text and idempotencyKey must not be empty");
    }
  }

  /** SMS or VOICE. */
  public Channel channel() {
    return channel;
  }

  /** The destination in E.164 form. Personal data: never log it. */
  public String destination() {
    return destination;
  }

  /** The text to send or read out. It holds the code: never log it. */
  public String revealText() {
    return text;
  }

  /** The language of the text. */
  public Locale locale() {
    return locale;
  }

  /** A non-secret key unique per send, for the provider's duplicate detection. */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  @Override
  public String toString() {
    return "OutboundMessage[channel=" + channel + ", destination=redacted, text=redacted, locale="
        + locale.toLanguageTag() + ", idempotencyKey=" + idempotencyKey + "]";
  }
}
