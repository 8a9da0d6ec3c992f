package dev.mfa4j.sms;

/**
 * The delivery SPI: hands one message (a text or a voice call) to the integrator's provider.
 *
 * <p><b>Synchronous, bounded.</b> {@link #send} is called on the host's request thread while the
 * user waits for "code sent", and must return within a bounded time: implementations apply their
 * own connect and response timeouts (the reference adapter defaults to 10 seconds in all) and
 * report a timeout as a {@link SendResult.Failed} of kind {@code RETRYABLE}. The result must say
 * whether the provider took the message, so a synchronous call is the honest shape; a host that
 * wants to queue may return {@code Accepted} for its own queue id, at the cost of reporting provider
 * failures only out of band.
 *
 * <p><b>Thread-safe.</b> One instance serves every thread of the application.
 *
 * <p><b>Never throws for provider trouble.</b> Provider errors, HTTP errors, timeouts and
 * interruption are results, not exceptions. (The factor provider still treats an unexpected
 * runtime exception as a retryable failure, so a bug does not leak a stack trace to the user.)
 *
 * <p><b>Never logs or echoes the destination, the text or the code.</b> A provider's error message
 * often repeats the number ("The 'To' number +1… is not valid"): map it to a reason of your own.
 *
 * <p>Run the abstract contract tests {@code dev.mfa4j.sms.MessageSenderContractTest} (test-jar of
 * {@code mfa-sms-spi}) against your implementation.
 */
@FunctionalInterface
public interface MessageSender {
  /**
   * Sends one message.
   *
   * @return accepted with the provider's message id, or a typed failure; never null
   */
  SendResult send(OutboundMessage message);
}
