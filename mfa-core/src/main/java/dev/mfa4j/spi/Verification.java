package dev.mfa4j.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's verdict on an answer.
 *
 * @param outcome accepted or why not
 * @param updated the factor as it should now be stored (a confirmed enrollment's public key, a
 *     passkey's new flags), if the provider changed it. On a second step whose prompt covered
 *     several of the user's factors of one kind (a passkey request lists all of them), a record
 *     with another id names the factor that actually answered: the engine checks it is the same
 *     user's active factor of the same kind and records the use on it
 * @param details non-secret facts for the audit log (matched time step, drift)
 */
public record Verification(
    VerificationOutcome outcome, Optional<FactorRecord> updated, Map<String, String> details) {
  /**
   * The detail an accepted passkey answer carries: {@code "true"} if the authenticator verified
   * the person (PIN, biometrics; the WebAuthn UV flag), {@code "false"} if it only saw a touch.
   * The engine reads it to decide whether a passkey counts as one factor or two (NIST SP
   * 800-63B-4: a multi-factor cryptographic authenticator).
   */
  public static final String USER_VERIFIED = "userVerified";

  /** Checks for nulls and copies the map. */
  public Verification {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(updated, "updated");
    details = Map.copyOf(details);
  }

  /** Accepted, nothing to store. */
  public static Verification accepted(Map<String, String> details) {
    return new Verification(VerificationOutcome.ACCEPTED, Optional.empty(), details);
  }

  /** Accepted, with the factor to store. */
  public static Verification accepted(FactorRecord updated, Map<String, String> details) {
    return new Verification(VerificationOutcome.ACCEPTED, Optional.of(updated), details);
  }

  /** Refused. */
  public static Verification rejected(VerificationOutcome why, Map<String, String> details) {
    if (why == VerificationOutcome.ACCEPTED) {
      throw new IllegalArgumentException("use accepted()");
    }
    return new Verification(why, Optional.empty(), details);
  }

  /** Whether the answer was accepted. */
  public boolean isAccepted() {
    return outcome == VerificationOutcome.ACCEPTED;
  }
}
