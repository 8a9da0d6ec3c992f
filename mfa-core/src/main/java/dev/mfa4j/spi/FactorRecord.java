package dev.mfa4j.spi;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one stored shape of every factor kind. The store keeps it and never interprets it.
 *
 * @param id the factor's id
 * @param practice the owner's practice
 * @param user the owner
 * @param kind the kind; chooses the provider
 * @param label the user's name for it, at most 64 characters
 * @param state pending, active or disabled
 * @param created when enrollment began
 * @param lastUsed when it last passed a second step
 * @param counter a monotonic counter: the TOTP time step last accepted, the WebAuthn signature
 *     count; advanced only through {@link FactorStore#recordUse}
 * @param failures consecutive failed verifications (reset by a success)
 * @param lookupKey a non-secret key unique per kind (a WebAuthn credential id; a keyed hash of a
 *     phone number), or empty
 * @param sealedSecret the factor's secret as {@link dev.mfa4j.spi.SecretProtector} ciphertext, or
 *     an empty array; never plaintext
 * @param attributes small, non-secret provider data (at most 32 entries, values at most 4096
 *     characters)
 */
public record FactorRecord(
    FactorId id,
    PracticeId practice,
    UserId user,
    FactorKind kind,
    String label,
    FactorState state,
    Instant created,
    Optional<Instant> lastUsed,
    long counter,
    int failures,
    Optional<String> lookupKey,
    byte[] sealedSecret,
    Map<String, String> attributes) {

  /**
   * The reserved attribute naming a factor (by id) of the same user and kind that this one
   * replaces once its enrollment is confirmed — e.g. a new phone number replacing the old. The
   * engine then removes the old factor, audits and notifies {@code FACTOR_REMOVED}.
   */
  public static final String REPLACES = "replaces";

  /** Longest label. */
  public static final int MAX_LABEL = 64;

  /** Validates, copies the array and map. */
  public FactorRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(lastUsed, "lastUsed");
    Objects.requireNonNull(lookupKey, "lookupKey");
    sealedSecret = sealedSecret.clone();
    attributes = Map.copyOf(attributes);
    if (label.length() > MAX_LABEL) {
      throw new IllegalArgumentException("label longer than " + MAX_LABEL);
    }
    if (attributes.size() > 32) {
      throw new IllegalArgumentException("more than 32 attributes");
    }
  }

  /** A copy of the sealed secret. */
  @Override
  public byte[] sealedSecret() {
    return sealedSecret.clone();
  }

  /** A copy with another sealed secret. */
  public FactorRecord withSealedSecret(byte[] value) {
    return new FactorRecord(id, practice, user, kind, label, state, created, lastUsed, counter,
        failures, lookupKey, value, attributes);
  }

  /** A copy with another lookup key. */
  public FactorRecord withLookupKey(Optional<String> value) {
    return new FactorRecord(id, practice, user, kind, label, state, created, lastUsed, counter,
        failures, value, sealedSecret, attributes);
  }

  /** A copy with other attributes. */
  public FactorRecord withAttributes(Map<String, String> value) {
    return new FactorRecord(id, practice, user, kind, label, state, created, lastUsed, counter,
        failures, lookupKey, sealedSecret, value);
  }

  /** A copy with another counter. */
  public FactorRecord withCounter(long value) {
    return new FactorRecord(id, practice, user, kind, label, state, created, lastUsed, value,
        failures, lookupKey, sealedSecret, attributes);
  }

  /** A copy with another state. */
  public FactorRecord withState(FactorState value) {
    return new FactorRecord(id, practice, user, kind, label, value, created, lastUsed, counter,
        failures, lookupKey, sealedSecret, attributes);
  }

  /** A copy with another label. */
  public FactorRecord withLabel(String value) {
    return new FactorRecord(id, practice, user, kind, value, state, created, lastUsed, counter,
        failures, lookupKey, sealedSecret, attributes);
  }

  /** Omits the sealed secret. */
  @Override
  public String toString() {
    return "FactorRecord[id=" + id.value() + ", kind=" + kind.id() + ", state=" + state
        + ", practice=" + practice.value() + ", user=" + user.value() + "]";
  }
}
