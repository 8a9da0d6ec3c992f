package dev.mfa4j.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a factor shows or sends when the user picks it on the second step.
 *
 * @param clientJson JSON for the browser (e.g. WebAuthn {@code PublicKeyCredentialRequestOptions}),
 *     if any
 * @param display non-secret facts to show ({@code destination=•••• 12}, {@code channel=SMS})
 * @param nextPromptAt the earliest time a resend may be asked for, if resending applies
 */
public record Prompt(
    Optional<String> clientJson, Map<String, String> display, Optional<Instant> nextPromptAt) {
  /** Checks for nulls and copies the map. */
  public Prompt {
    Objects.requireNonNull(clientJson, "clientJson");
    display = Map.copyOf(display);
    Objects.requireNonNull(nextPromptAt, "nextPromptAt");
  }

  /** A prompt with nothing to send or show (e.g. an authenticator app). */
  public static Prompt none() {
    return new Prompt(Optional.empty(), Map.of(), Optional.empty());
  }
}
