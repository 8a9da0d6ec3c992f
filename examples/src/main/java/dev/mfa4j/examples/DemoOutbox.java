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
   * removed one, backup codes used, two-step verification turned off, a password reset, a new
   * device. The words are the host's: mfa4j says what happened, not how to tell it.
   */
  synchronized void email(String to, SecurityNotification notice) {
    String what = switch (notice.type()) {
      case FACTOR_ADDED -> "A sign-in method was added to your account.";
      case FACTOR_REMOVED -> "A sign-in method was removed from your account.";
      case FACTOR_DISABLED -> "A sign-in method was turned off after too many failed attempts.";
      case BACKUP_CODES_ISSUED -> "New backup codes were made for your account; the old ones no"
          + " longer work.";
      case BACKUP_CODE_USED -> "A backup code was used to sign in to your account.";
      case TWO_FACTOR_DISABLED -> "Two-step verification was turned off for your account.";
      case SECOND_FACTOR_FAILED -> "Someone entered your password but failed the second step.";
      case LOCKED_OUT -> "Signing in to your account is locked after too many failed attempts.";
      case PHONE_CHANGED -> "The phone number for your sign-in codes was changed.";
      case PASSWORD_CHANGED -> "Your password was changed.";
      case PASSWORD_RESET -> "An administrator reset your password.";
      case NEW_DEVICE_SIGN_IN -> "Someone signed in to your account from a new browser.";
    };
    sent.add(new SentMessage(clock.instant(), "EMAIL", to, "Security notice: " + what
        + (notice.ip().isEmpty() ? "" : " (from " + notice.ip() + ")")
        + " If this was not you, tell your practice administrator."));
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
