package dev.mfa4j.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What answering a ceremony reads, under the user's lock ({@link MfaStore#answering}): the user's
 * state, the ceremony, and the factor named in the answer. The engine decides everything from this
 * read; the writes follow in one {@link Settlement}.
 *
 * @param state the user's state (the initial state if none was recorded)
 * @param challenge the ceremony with the asked id hash, in any state, whoever owns it
 * @param factor the asked factor of this user, in any state
 */
public record Answering(
    UserSecurityState state, Optional<ChallengeRecord> challenge, Optional<FactorRecord> factor) {
  /** What an answer's unit read; the state, the challenge and the factor are all required. */
  public Answering {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(factor, "factor");
  }
}
