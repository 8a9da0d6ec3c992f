package dev.mfa4j.examples;

import dev.mfa4j.sms.MessageSender;
import dev.mfa4j.sms.OutboundMessage;
import dev.mfa4j.sms.SendResult;
import dev.mfa4j.spi.SecurityNotification;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's "SMS provider": keeps every message in memory for the developer outbox page instead of
 * reaching a phone. A real host plugs in its provider's {@link MessageSender} here.
 */
final class DemoOutbox implements MessageSender {
  private final Clock clock;
  private final List<SentMessage> sent = new ArrayList<>();

  DemoOutbox(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized SendResult send(OutboundMessage message) {
    sent.add(new SentMessage(clock.instant(), message.channel().name(), message.destination(),
        message.revealText()));
    return new SendResult.Accepted("outbox-" + sent.size());
  }

  /** Messages of one channel (SMS, VOICE or EMAIL), oldest first. */
  synchronized List<SentMessage> messages(String channel) {
    return sent.stream().filter(m -> m.channel().equals(channel)).toList();
  }

  /**
   * A security notice "e-mailed" to the user (mfa4j's {@code SecurityListener}): a new method, a
   * removed one, backup codes used, two-factor turned off, a password reset, a new device.
   */
  synchronized void email(String to, SecurityNotification notice) {
    StringBuilder text = new StringBuilder("Security notice: ")
        .append(notice.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
        .append(" (from ").append(notice.ip().isEmpty() ? "the system" : notice.ip()).append(")");
    new java.util.TreeMap<>(notice.details()).forEach((k, v) ->
        text.append("; ").append(k).append(": ").append(v));
    sent.add(new SentMessage(clock.instant(), "EMAIL", to, text.toString()));
  }

  /** Every message, oldest first. */
  synchronized List<SentMessage> messages() {
    return List.copyOf(sent);
  }

  @Override
  public String toString() {
    return "DemoOutbox";
  }
}
