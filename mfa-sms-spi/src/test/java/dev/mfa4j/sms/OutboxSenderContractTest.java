package dev.mfa4j.sms;

import java.util.Optional;

/** The demo outbox meets the sender contract; failures are scripted. */
class OutboxSenderContractTest extends MessageSenderContractTest {
  @Override
  protected MessageSender senderFor(Scenario scenario) {
    OutboxSender outbox = new OutboxSender();
    switch (scenario) {
      case ACCEPT -> { }
      case INVALID_NUMBER -> outbox.failNext((SendResult.Failed) SendResult.permanent(
          "invalid destination number", Optional.of("21211")));
      case RATE_LIMITED -> outbox.failNext((SendResult.Failed) SendResult.retryable(
          "rate limited", Optional.empty()));
      case SERVER_ERROR -> outbox.failNext((SendResult.Failed) SendResult.retryable(
          "server error", Optional.empty()));
      case SLOW -> outbox.failNext((SendResult.Failed) SendResult.retryable(
          "timeout", Optional.empty()));
      default -> throw new IllegalStateException();
    }
    return outbox;
  }
}
