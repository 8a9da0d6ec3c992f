package dev.mfa4j.examples;

import java.time.Instant;

/**
 * A message the demo "sent" (kept in memory instead of reaching a phone), for the developer
 * outbox page.
 *
 * @param at when
 * @param channel SMS or VOICE
 * @param destination the number
 * @param text what the message said (it holds a code: a real host never shows or logs it)
 */
record SentMessage(Instant at, String channel, String destination, String text) {
  @Override
  public String toString() {
    return "SentMessage[" + channel + ", redacted]";
  }
}
