package dev.mfa4j.examples;

import dev.mfa4j.sms.MessageSender;
import dev.mfa4j.sms.OutboundMessage;
import dev.mfa4j.sms.SendResult;
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

  /** Every message, oldest first. */
  synchronized List<SentMessage> messages() {
    return List.copyOf(sent);
  }

  @Override
  public String toString() {
    return "DemoOutbox";
  }
}
