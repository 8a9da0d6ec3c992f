package dev.mfa4j.sms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MessageSender} that delivers nothing: it keeps every accepted message in an in-memory
 * outbox, for demos and tests. Thread-safe. Failures can be scripted with {@link #failNext}.
 *
 * <p>Never use it in production: the outbox holds codes in memory.
 */
public final class OutboxSender implements MessageSender {
  private final List<Delivered> outbox = new ArrayList<>();
  private final Deque<SendResult.Failed> scripted = new ArrayDeque<>();
  private final AtomicLong ids = new AtomicLong();
  private int calls;

  /** An empty outbox. */
  public OutboxSender() {}

  /** One message the outbox accepted. Holds the code: {@link #toString()} does not show it. */
  public static final class Delivered {
    private final OutboundMessage message;
    private final String providerMessageId;

    Delivered(OutboundMessage message, String providerMessageId) {
      this.message = message;
      this.providerMessageId = providerMessageId;
    }

    /** The message as sent. */
    public OutboundMessage message() {
      return message;
    }

    /** The id the outbox returned. */
    public String providerMessageId() {
      return providerMessageId;
    }

    /**
     * The first run of {@code digits} consecutive ASCII digits in the text (an SMS code), or, for a
     * voice text, the first {@code digits} digits read out one by one.
     */
    public Optional<String> code(int digits) {
      String text = message.revealText();
      if (message.channel() == Channel.VOICE) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < digits; i++) {
          char c = text.charAt(i);
          if (c >= '0' && c <= '9') {
            b.append(c);
          }
        }
        return b.length() == digits ? Optional.of(b.toString()) : Optional.empty();
      }
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?<![0-9])[0-9]{" + digits + "}(?![0-9])").matcher(text);
      return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    @Override
    public String toString() {
      return "Delivered[" + providerMessageId + ", " + message + "]";
    }
  }

  /** Accepts the message into the outbox, unless a scripted failure is pending. */
  @Override
  public synchronized SendResult send(OutboundMessage message) {
    Objects.requireNonNull(message, "message");
    calls++;
    SendResult.Failed failure = scripted.poll();
    if (failure != null) {
      return failure;
    }
    String id = "OB" + ids.incrementAndGet();
    outbox.add(new Delivered(message, id));
    return SendResult.accepted(id);
  }

  /** Makes the next call return {@code failure} instead of accepting (queued in order). */
  public synchronized void failNext(SendResult.Failed failure) {
    scripted.add(Objects.requireNonNull(failure, "failure"));
  }

  /** Every accepted message, oldest first (a copy). */
  public synchronized List<Delivered> messages() {
    return List.copyOf(outbox);
  }

  /** The newest accepted message, if any. */
  public synchronized Optional<Delivered> last() {
    return outbox.isEmpty() ? Optional.empty() : Optional.of(outbox.get(outbox.size() - 1));
  }

  /** Calls to {@link #send}, accepted or not. */
  public synchronized int calls() {
    return calls;
  }

  /** Empties the outbox and the scripted failures; resets the call count. */
  public synchronized void clear() {
    outbox.clear();
    scripted.clear();
    calls = 0;
  }

  @Override
  public synchronized String toString() {
    return "OutboxSender[" + outbox.size() + " messages]";
  }
}
