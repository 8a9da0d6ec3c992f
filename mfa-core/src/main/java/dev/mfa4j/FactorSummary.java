package dev.mfa4j;

import dev.mfa4j.spi.FactorState;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user or an administrator may see of a factor: never its secret.
 *
 * <p>Tell the user by {@code state}: {@link FactorState#ACTIVE} factors sign in; a {@link
 * FactorState#DISABLED} one was turned off after {@code failures} consecutive wrong answers (the
 * policy's {@link PracticePolicy#factorFailureLimit()}) and takes no answer until the user removes
 * it and enrolls again ("your authenticator app was disabled after too many failed codes"); a
 * {@link FactorState#PENDING} one is an enrollment not yet confirmed (only an administrator's
 * {@link Administration#securityState} lists those).
 *
 * @param id the factor's id
 * @param kind its kind
 * @param label the user's name for it ("iPhone", "YubiKey 5")
 * @param state whether it is active, disabled after failures, or pending
 * @param failures its consecutive failed answers since it was last used (0 after a success)
 * @param created when it was enrolled
 * @param lastUsed when it last passed a second step
 * @param display provider-chosen display facts, e.g. {@code destination=••••••12}, {@code
 *     channel=SMS}, {@code synced=true}; never secret
 */
public record FactorSummary(
    FactorId id,
    FactorKind kind,
    String label,
    FactorState state,
    int failures,
    Instant created,
    Optional<Instant> lastUsed,
    Map<String, String> display) {
  /**
   * The {@link #display()} key a passkey provider fills with {@code "true"} for a synced passkey
   * (backup eligible: kept by a password manager across devices) and {@code "false"} for one kept
   * on a single device. Show "Synced passkey" or "This device only".
   */
  public static final String SYNCED = "synced";

  /** Copies the map and checks for nulls and a negative failure count. */
  public FactorSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(lastUsed, "lastUsed");
    if (failures < 0) {
      throw new IllegalArgumentException("failures must not be negative");
    }
    display = Map.copyOf(display);
  }

  /** Whether it can answer a second step now ({@link FactorState#ACTIVE}). */
  public boolean active() {
    return state == FactorState.ACTIVE;
  }
}
