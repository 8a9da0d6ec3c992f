package dev.mfa4j.sms;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link MessageSender} made of one message: accepted by the provider, or failed. Switch
 * over it:
 *
 * <pre>{@code
 * switch (result) {
 *   case SendResult.Accepted a -> log.info("queued as {}", a.providerMessageId());
 *   case SendResult.Failed f -> log.warn("not sent ({}): {}", f.kind(), f.reason());
 * }
 * }</pre>
 */
public sealed interface SendResult {

  /** Accepted for delivery with the provider's message id. */
  static SendResult accepted(String providerMessageId) {
    return new Accepted(providerMessageId);
  }

  /** A failure that may succeed if tried again later (rate limit, server error, timeout). */
  static SendResult retryable(String reason, Optional<String> providerCode) {
    return new Failed(FailureKind.RETRYABLE, reason, providerCode);
  }

  /** A failure that will fail again (invalid number, unreachable destination, bad credentials). */
  static SendResult permanent(String reason, Optional<String> providerCode) {
    return new Failed(FailureKind.PERMANENT, reason, providerCode);
  }

  /**
   * The provider accepted the message. Acceptance is not delivery: the user may still not get it
   * and ask for a resend.
   *
   * @param providerMessageId the provider's id of the message (e.g. a Twilio {@code SM…} sid), 1 to
   *     256 characters
   */
  record Accepted(String providerMessageId) implements SendResult {
    /** Validates. */
    public Accepted {
      Objects.requireNonNull(providerMessageId, "providerMessageId");
      if (providerMessageId.isBlank() || providerMessageId.length() > 256) {
        throw new IllegalArgumentException("providerMessageId must be 1 to 256 characters");
      }
    }
  }

  /**
   * The message was not accepted.
   *
   * @param kind whether trying again later may help
   * @param reason the provider's reason in a few words; must not hold the destination, the text or
   *     the code (the factor provider redacts digit runs again before showing it to anyone)
   * @param providerCode the provider's error code (e.g. Twilio {@code 21211}), if it gave one
   */
  record Failed(FailureKind kind, String reason, Optional<String> providerCode)
      implements SendResult {
    /** Validates. */
    public Failed {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(providerCode, "providerCode");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("reason must not be blank");
      }
    }

    /** Whether trying again later may help. */
    public boolean retryable() {
      return kind == FailureKind.RETRYABLE;
    }
  }

  /** Whether a failure is worth retrying. */
  enum FailureKind {
    /** Rate limited, provider error, timeout: a later resend may work. */
    RETRYABLE,
    /** Invalid or unreachable number, refused content, bad credentials: resending will not help. */
    PERMANENT
  }
}
