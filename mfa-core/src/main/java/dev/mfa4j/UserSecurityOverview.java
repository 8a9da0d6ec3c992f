package dev.mfa4j;

import dev.mfa4j.spi.SignIn;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's security state as a practice administrator sees it ({@link
 * Administration#securityState}): enough to answer "why can't I sign in?".
 *
 * @param user the user
 * @param consecutiveFailures failed second steps (and wrong passwords at confirmations) since the
 *     last successful sign-in, over all ceremonies
 * @param lockedUntil the end of the user's current lock, if one is in force now (an ended lock is
 *     not shown)
 * @param lastSignIn the last completed sign-in
 * @param factors every factor the user holds, oldest first, with its state (active, disabled after
 *     failures, pending enrollment) and failure count
 * @param backupCodesRemaining unused backup codes
 * @param rememberedDevices remembered devices still listed (expired ones until they are purged)
 * @param at when this was read (the engine's clock)
 */
public record UserSecurityOverview(
    UserRef user,
    int consecutiveFailures,
    Optional<Instant> lockedUntil,
    Optional<SignIn> lastSignIn,
    List<FactorSummary> factors,
    int backupCodesRemaining,
    int rememberedDevices,
    Instant at) {
  /** Copies the list and checks for nulls and negative counts. */
  public UserSecurityOverview {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(lockedUntil, "lockedUntil");
    Objects.requireNonNull(lastSignIn, "lastSignIn");
    factors = List.copyOf(factors);
    Objects.requireNonNull(at, "at");
    if (consecutiveFailures < 0 || backupCodesRemaining < 0 || rememberedDevices < 0) {
      throw new IllegalArgumentException("a count is negative");
    }
  }

  /** Whether the user is locked out now. */
  public boolean locked() {
    return lockedUntil.isPresent();
  }

  /** Whether two-factor is on: at least one active factor. */
  public boolean twoFactorEnabled() {
    return factors.stream().anyMatch(FactorSummary::active);
  }
}
