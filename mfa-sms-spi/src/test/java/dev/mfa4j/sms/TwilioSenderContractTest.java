package dev.mfa4j.sms;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The reference adapter meets the sender contract against the local Twilio stand-in. */
class TwilioSenderContractTest extends MessageSenderContractTest {
  private FakeTwilio twilio;

  @BeforeEach
  void start() throws IOException {
    twilio = new FakeTwilio();
  }

  @AfterEach
  void stop() {
    twilio.close();
  }

  @Override
  protected MessageSender senderFor(Scenario scenario) {
    twilio.scenario = scenario;
    return TwilioSender.builder().baseUri(twilio.uri())
        .account(FakeTwilio.SID, FakeTwilio.TOKEN).from("+15017122661")
        .responseTimeout(scenario == Scenario.SLOW ? Duration.ofMillis(300) : Duration.ofSeconds(20))
        .build();
  }
}
