package dev.mfa4j.spi;

import dev.mfa4j.FactorId;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A pending ceremony: a sign-in's second step, a passwordless sign-in or a factor's enrollment.
 * Keyed by the SHA-256 of the {@link dev.mfa4j.ChallengeId}; the store never sees the id itself.
 *
 * @param idHash SHA-256 of the challenge id (32 bytes)
 * @param practice the user's practice
 * @param user the only user who may answer it; for {@link ChallengePurpose#PASSWORDLESS_SIGN_IN},
 *     which has no user when issued, the reserved owner {@code mfa4j.passwordless:ceremony} (never
 *     a host user: the engine issues and accepts that owner for this purpose only, and this
 *     purpose for that owner only)
 * @param purpose what it is for
 * @param factor the factor being enrolled ({@link ChallengePurpose#ENROLLMENT}), else empty
 * @param created when it was issued
 * @param expires when it stops being answerable
 * @param attempts answers taken so far
 * @param maxAttempts answers allowed
 * @param consumed when it was completed, if it was
 */
public record ChallengeRecord(
    byte[] idHash,
    PracticeId practice,
    UserId user,
    ChallengePurpose purpose,
    Optional<FactorId> factor,
    Instant created,
    Instant expires,
    int attempts,
    int maxAttempts,
    Optional<Instant> consumed) {

  /** Validates and copies. */
  public ChallengeRecord {
    Objects.requireNonNull(idHash, "idHash");
    if (idHash.length != 32) {
      throw new IllegalArgumentException("idHash must be 32 bytes");
    }
    idHash = idHash.clone();
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(consumed, "consumed");
  }

  /** A copy of the hash. */
  @Override
  public byte[] idHash() {
    return idHash.clone();
  }

  @Override
  public String toString() {
    return "ChallengeRecord[purpose=" + purpose + ", practice=" + practice.value() + ", user="
        + user.value() + ", attempts=" + attempts + "/" + maxAttempts + "]";
  }
}
