package dev.mfa4j;

import dev.mfa4j.internal.Tokens;

/**
 * A bearer handle on a pending sign-in or enrollment ceremony: 256 random bits, base64url.
 *
 * <p>The host keeps it in its server-side session between the steps of a ceremony. The store keeps
 * only its SHA-256 hash. Not a record, so that it never prints itself: {@link #toString()} is
 * redacted and the value is read only through {@link #reveal()}.
 */
public final class ChallengeId {
  private final String value;

  private ChallengeId(String value) {
    this.value = value;
  }

  /**
   * Parses a challenge id that came back from the host's session.
   *
   * @throws InvalidInputException if the value is not 43 base64url characters
   */
  public static ChallengeId of(String value) {
    return new ChallengeId(Ids.checkBearer(value, "challenge id"));
  }

  /** Wraps a freshly generated value; for the engine. */
  static ChallengeId fromTrusted(String value) {
    return new ChallengeId(value);
  }

  /** The bearer value, for the host's session. Grep for this call to audit where it goes. */
  public String reveal() {
    return value;
  }

  /** The SHA-256 hash of the value, as the store keys the challenge. */
  public byte[] hash() {
    return Tokens.sha256(value);
  }

  @Override
  public String toString() {
    return "ChallengeId[redacted]";
  }
}
