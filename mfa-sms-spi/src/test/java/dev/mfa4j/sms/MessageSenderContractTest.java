package dev.mfa4j.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MessageSender} must meet: the contract test kit for integrators.
 * Published in the test-jar of {@code mfa-sms-spi} (classifier {@code tests}); extend it in your
 * own test sources and arrange your provider (a local stub server, a sandbox) per {@link
 * Scenario}:
 *
 * <pre>{@code
 * class MyGatewaySenderTest extends MessageSenderContractTest {
 *   @Override
 *   protected MessageSender senderFor(Scenario scenario) {
 *     stub.respondTo(scenario);            // your stub answers as the scenario says
 *     return new MyGatewaySender(stub.uri(), Duration.ofMillis(300));
 *   }
 * }
 * }</pre>
 *
 * <p>Every scenario is required: a sender that cannot be made to fail in tests cannot be trusted
 * to fail well in production. No test is skipped.
 */
public abstract class MessageSenderContractTest {
  /** The code the test messages carry; it must never come back in a failure. */
  protected static final String CODE = "492039";

  /** How the provider behind the sender must behave for every message in a test. */
  public enum Scenario {
    /** Accepts every message and returns an id. */
    ACCEPT,
    /** Refuses the destination as invalid (Twilio: HTTP 400, code 21211). */
    INVALID_NUMBER,
    /** Refuses for rate limiting (Twilio: HTTP 429, code 20429). */
    RATE_LIMITED,
    /** Fails with a server error (HTTP 500). */
    SERVER_ERROR,
    /** Does not answer within the sender's timeout. */
    SLOW
  }

  /**
   * A sender whose provider behaves as {@code scenario} says. Called once per test; keep the
   * sender's timeout short for {@link Scenario#SLOW} (a few hundred milliseconds).
   */
  protected abstract MessageSender senderFor(Scenario scenario);

  /** Whether the sender places voice calls; if not, a VOICE message must fail permanently. */
  protected boolean supportsVoice() {
    return true;
  }

  /** A valid destination number in E.164 form (default: a UK mobile example number). */
  protected String destination() {
    return "+447400123456";
  }

  /** The SMS the tests send. */
  protected OutboundMessage sms(String idempotencyKey) {
    return new OutboundMessage(Channel.SMS, destination(),
        CODE + " is your Sunrise Therapy verification code.", Locale.ENGLISH, idempotencyKey);
  }

  /** The voice message the tests send. */
  protected OutboundMessage voice(String idempotencyKey) {
    return new OutboundMessage(Channel.VOICE, destination(),
        "Your code is: 4, 9, 2, 0, 3, 9. Again, your code is: 4, 9, 2, 0, 3, 9.", Locale.ENGLISH,
        idempotencyKey);
  }

  /** An accepted SMS comes back with the provider's non-blank message id. */
  @Test
  public void send_providerAccepts_acceptedWithMessageId() {
    SendResult r = senderFor(Scenario.ACCEPT).send(sms("contract-accept"));
    assertThat(r).isInstanceOfSatisfying(SendResult.Accepted.class,
        a -> assertThat(a.providerMessageId()).isNotBlank());
  }

  /** A voice message is accepted, or fails permanently if the sender places no calls. */
  @Test
  public void send_voice_acceptedOrPermanentIfUnsupported() {
    SendResult r = senderFor(Scenario.ACCEPT).send(voice("contract-voice"));
    if (supportsVoice()) {
      assertThat(r).isInstanceOf(SendResult.Accepted.class);
    } else {
      assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class,
          f -> assertThat(f.retryable()).isFalse());
    }
  }

  /** An invalid number is a permanent failure that repeats neither number nor code. */
  @Test
  public void send_invalidNumber_permanentFailure() {
    assertFailure(senderFor(Scenario.INVALID_NUMBER).send(sms("contract-invalid")), false);
  }

  /** Rate limiting is a retryable failure. */
  @Test
  public void send_rateLimited_retryableFailure() {
    assertFailure(senderFor(Scenario.RATE_LIMITED).send(sms("contract-429")), true);
  }

  /** A provider server error is a retryable failure. */
  @Test
  public void send_serverError_retryableFailure() {
    assertFailure(senderFor(Scenario.SERVER_ERROR).send(sms("contract-500")), true);
  }

  /** A provider that does not answer yields a retryable failure within the sender's timeout. */
  @Test
  public void send_slowProvider_retryableFailureInsteadOfHanging() {
    assertFailure(senderFor(Scenario.SLOW).send(sms("contract-slow")), true);
  }

  /** Parallel sends from many threads are all accepted, each with its own id. */
  @Test
  public void send_fromManyThreads_everyMessageAcceptedWithItsOwnId() throws Exception {
    MessageSender sender = senderFor(Scenario.ACCEPT);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<SendResult>> futures = new ArrayList<>();
      for (int i = 0; i < threads * 4; i++) {
        String key = "contract-parallel-" + i;
        futures.add(pool.submit(() -> {
          go.await();
          return sender.send(sms(key));
        }));
      }
      go.countDown();
      Set<String> ids = new HashSet<>();
      for (Future<SendResult> f : futures) {
        SendResult r = f.get(30, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(SendResult.Accepted.class);
        ids.add(((SendResult.Accepted) r).providerMessageId());
      }
      assertThat(ids).hasSize(threads * 4);
    } finally {
      pool.shutdownNow();
    }
  }

  private void assertFailure(SendResult r, boolean retryable) {
    assertThat(r).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.retryable()).as("retryable").isEqualTo(retryable);
      String said = f.reason() + " " + f.providerCode().orElse("");
      assertThat(said).doesNotContain(destination()).doesNotContain(destination().substring(1))
          .doesNotContain(CODE);
    });
  }
}
