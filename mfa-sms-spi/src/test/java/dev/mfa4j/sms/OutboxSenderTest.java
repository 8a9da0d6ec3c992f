package dev.mfa4j.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutboxSenderTest {
  @Test
  void send_keepsMessagesInOrder_andExtractsCodes() {
    OutboxSender outbox = new OutboxSender();
    outbox.send(new OutboundMessage(Channel.SMS, "+447400123456", "123456 is your code",
        Locale.ENGLISH, "a"));
    outbox.send(new OutboundMessage(Channel.VOICE, "+447400123456",
        "Your code is: 6, 5, 4, 3, 2, 1. Again: 6, 5, 4, 3, 2, 1.", Locale.ENGLISH, "b"));
    assertThat(outbox.messages()).hasSize(2);
    assertThat(outbox.messages().get(0).code(6)).contains("123456");
    assertThat(outbox.last().orElseThrow().code(6)).contains("654321");
    assertThat(outbox.toString()).doesNotContain("123456");
    assertThat(outbox.messages().get(0).toString()).doesNotContain("123456")
        .doesNotContain("7400123456");
  }

  @Test
  void failNext_returnsScriptedFailureOnceAndKeepsNothing() {
    OutboxSender outbox = new OutboxSender();
    outbox.failNext((SendResult.Failed) SendResult.permanent("nope", Optional.empty()));
    OutboundMessage m = new OutboundMessage(Channel.SMS, "+447400123456", "1", Locale.ENGLISH,
        "a");
    assertThat(outbox.send(m)).isInstanceOf(SendResult.Failed.class);
    assertThat(outbox.send(m)).isInstanceOf(SendResult.Accepted.class);
    assertThat(outbox.calls()).isEqualTo(2);
    assertThat(outbox.messages()).hasSize(1);
    outbox.clear();
    assertThat(outbox.messages()).isEmpty();
    assertThat(outbox.calls()).isZero();
  }

  @Test
  void outboundMessage_toStringRedactsTextAndNumber() {
    OutboundMessage m = new OutboundMessage(Channel.SMS, "+447400123456", "code 123456",
        Locale.ENGLISH, "idem");
    assertThat(m.toString()).doesNotContain("123456").doesNotContain("7400");
  }
}
