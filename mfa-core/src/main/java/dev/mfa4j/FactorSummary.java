package dev.mfa4j;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user or an administrator may see of a factor: never its secret.
 *
 * @param id the factor's id
 * @param kind its kind
 * @param label the user's name for it ("iPhone", "YubiKey 5")
 * @param created when it was enrolled
 * @param lastUsed when it last passed a second step
 * @param display provider-chosen display facts, e.g. {@code destination=••••••12}, {@code
 *     channel=SMS}, {@code synced=true}; never secret
 */
public record FactorSummary(
    FactorId id,
    FactorKind kind,
    String label,
    Instant created,
    Optional<Instant> lastUsed,
    Map<String, String> display) {
  /** Copies the map and checks for nulls. */
  public FactorSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(lastUsed, "lastUsed");
    display = Map.copyOf(display);
  }
}
