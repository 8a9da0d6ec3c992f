package dev.mfa4j;

import dev.mfa4j.spi.Prompt;
import java.time.Instant;
import java.util.Objects;

/**
 * A started passwordless sign-in ({@link LoginFlow#beginPasswordless}).
 *
 * @param ceremony keep in the server-side session (a bearer value); pass to {@link
 *     LoginFlow#finishPasswordless}
 * @param prompt what the page needs: {@link Prompt#clientJson()} holds, for a passkey, the
 *     options for {@code PublicKeyCredential.parseRequestOptionsFromJSON}
 * @param expiresAt when the ceremony stops being answerable
 */
public record PasswordlessStart(ChallengeId ceremony, Prompt prompt, Instant expiresAt) {
  /** A started passwordless ceremony; ceremony, prompt and expiry are required. */
  public PasswordlessStart {
    Objects.requireNonNull(ceremony, "ceremony");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
