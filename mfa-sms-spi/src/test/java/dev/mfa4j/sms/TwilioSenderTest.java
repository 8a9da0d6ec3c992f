package dev.mfa4j.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.sms.MessageSenderContractTest.Scenario;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request shapes and response mapping of the reference adapter, against a loopback server. */
class TwilioSenderTest {
  static final String TO = "+447400123456";
  FakeTwilio twilio;
  TwilioSender sender;

  @BeforeEach
  void start() throws IOException {
    twilio = new FakeTwilio();
    sender = TwilioSender.builder().baseUri(twilio.uri()).account(FakeTwilio.SID, FakeTwilio.TOKEN)
        .from("+15017122661").responseTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterEach
  void stop() {
    twilio.close();
  }

  @Test
  void send_sms_postsFormToMessagesJsonWithBasicAuth() {
    SendResult r = sender.send(new OutboundMessage(Channel.SMS, TO, "123456 is your code & more",
        Locale.ENGLISH, "key-1"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Accepted.class,
        a -> assertThat(a.providerMessageId()).startsWith("SM").hasSize(34));
    FakeTwilio.Request q = twilio.requests.get(0);
    assertThat(q.method()).isEqualTo("POST");
    assertThat(q.path()).isEqualTo("/2010-04-01/Accounts/" + FakeTwilio.SID + "/Messages.json");
    assertThat(q.headers().get("Authorization")).containsExactly("Basic " + Base64.getEncoder()
        .encodeToString((FakeTwilio.SID + ":" + FakeTwilio.TOKEN).getBytes(StandardCharsets.UTF_8)));
    assertThat(q.headers().get("Content-type").get(0))
        .startsWith("application/x-www-form-urlencoded");
    assertThat(q.headers().get("Idempotency-key")).containsExactly("key-1");
    assertThat(q.form()).containsExactly(java.util.Map.entry("To", TO),
        java.util.Map.entry("From", "+15017122661"),
        java.util.Map.entry("Body", "123456 is your code & more"));
  }

  @Test
  void send_voice_postsTwimlSayToCallsJson() {
    SendResult r = sender.send(new OutboundMessage(Channel.VOICE, TO,
        "Code: 1, 2, 3. Again: 1, 2, 3. <Dr & \"Co\">", Locale.forLanguageTag("en-GB"), "key-2"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Accepted.class,
        a -> assertThat(a.providerMessageId()).startsWith("CA"));
    FakeTwilio.Request q = twilio.requests.get(0);
    assertThat(q.path()).isEqualTo("/2010-04-01/Accounts/" + FakeTwilio.SID + "/Calls.json");
    assertThat(q.form()).containsEntry("To", TO).doesNotContainKey("Body");
    assertThat(q.form().get("Twiml")).isEqualTo("<Response><Say language=\"en-GB\">Code: 1, 2, 3."
        + " Again: 1, 2, 3. &lt;Dr &amp; &quot;Co&quot;&gt;</Say></Response>");
  }

  @Test
  void send_invalidNumber21211_permanentWithoutTwiliosMessage() {
    twilio.scenario = Scenario.INVALID_NUMBER;
    SendResult r = sender.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.providerCode()).contains("21211");
      assertThat(f.reason()).isEqualTo("invalid destination number");
    });
  }

  @Test
  void send_rateLimited20429_retryable() {
    twilio.scenario = Scenario.RATE_LIMITED;
    SendResult r = sender.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.providerCode()).contains("20429");
    });
  }

  @ParameterizedTest
  @CsvSource({"500,true", "502,true", "503,true", "400,false", "404,false", "401,false",
      "403,false", "429,true"})
  void send_httpStatus_mappedToKind(int status, boolean retryable) {
    twilio.status = status;
    SendResult r = sender.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class,
        f -> assertThat(f.retryable()).isEqualTo(retryable));
  }

  @Test
  void send_wrongCredentials_permanent() {
    TwilioSender wrong = TwilioSender.builder().baseUri(twilio.uri())
        .account(FakeTwilio.SID, "wrong-token").from("+15017122661").build();
    SendResult r = wrong.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.providerCode()).contains("20003");
    });
  }

  @Test
  void send_noAnswerWithinTimeout_retryableTimeout() {
    twilio.scenario = Scenario.SLOW;
    TwilioSender impatient = TwilioSender.builder().baseUri(twilio.uri())
        .account(FakeTwilio.SID, FakeTwilio.TOKEN).from("+15017122661")
        .responseTimeout(Duration.ofMillis(300)).build();
    SendResult r = impatient.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.reason()).contains("timeout");
    });
  }

  @Test
  void send_nothingListening_retryableNetworkError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TwilioSender nowhere = TwilioSender.builder().baseUri(URI.create("http://127.0.0.1:" + port))
        .account(FakeTwilio.SID, FakeTwilio.TOKEN).from("+15017122661")
        .connectTimeout(Duration.ofMillis(500)).build();
    SendResult r = nowhere.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class,
        f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  void interpret_201WithoutSid_retryable() {
    assertThat(TwilioSender.interpret(201, "{\"status\": \"queued\"}"))
        .isInstanceOfSatisfying(SendResult.Failed.class, f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  void interpret_sidNotTakenFromAccountSid() {
    assertThat(TwilioSender.interpret(201, "{\"account_sid\": \"ACx1\", \"sid\": \"SMabc\"}"))
        .isEqualTo(SendResult.accepted("SMabc"));
  }

  @Test
  void toString_hidesCredentials() {
    assertThat(sender.toString()).doesNotContain(FakeTwilio.TOKEN);
  }

  @Test
  void builder_missingAccount_fails() {
    assertThatThrownBy(() -> TwilioSender.builder().from("+15017122661").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TwilioSender.builder().account("bad sid!", "t"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void apiKey_usedForBasicAuth() {
    TwilioSender keyed = TwilioSender.builder().baseUri(twilio.uri())
        .account(FakeTwilio.SID, FakeTwilio.TOKEN).apiKey("SK123", "key-secret")
        .from("+15017122661").build();
    keyed.send(new OutboundMessage(Channel.SMS, TO, "x", Locale.ENGLISH, "k"));
    assertThat(twilio.requests.get(0).headers().get("Authorization").get(0)).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("SK123:key-secret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void send_providerCodeInBody_notRequiredForStatusMapping() {
    assertThat(TwilioSender.interpret(400, "not json"))
        .isEqualTo(SendResult.permanent("provider refused the message (HTTP 400)",
            Optional.empty()));
  }
}
