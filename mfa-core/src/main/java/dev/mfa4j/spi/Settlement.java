package dev.mfa4j.spi;

import dev.mfa4j.FactorId;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one answer to a ceremony changes, written by {@link MfaStore#settle} inside the
 * answer's unit of work ({@link MfaStore#atomically}). The engine builds it after reading the
 * ceremony under the user's lock ({@link MfaStore#answering}); a store may write it with as few
 * round trips as it can (the JDBC store sends it as one batch on PostgreSQL).
 *
 * <p>The conditional parts (taking the attempt, completing the ceremony, advancing a counter,
 * spending a backup code) report through the return value of {@code settle}; when one of them did
 * not hold, the engine rolls the whole unit back.
 *
 * @param practice the user's practice
 * @param user the user
 * @param challenge the ceremony's id hash: one attempt is taken, with {@code UPDATE … WHERE
 *     attempts < max_attempts AND consumed IS NULL AND expires > at}
 * @param at the engine's "now"
 * @param complete whether the ceremony is completed too (a successful answer)
 * @param use the answering factor's use, on success
 * @param failedFactor the factor that gave a wrong answer, on failure
 * @param spentBackupCode the lookup id of a backup code to spend ({@code … AND used IS NULL})
 * @param userChange what happens to the user's counters
 * @param device a remembered device to insert
 * @param audit the audit entries of the answer, chained after their practices' locked heads
 *     ({@link AuditStore#head}), appended in order as by {@link AuditStore#append}
 */
public record Settlement(
    PracticeId practice,
    UserId user,
    byte[] challenge,
    Instant at,
    boolean complete,
    Optional<FactorUse> use,
    Optional<FactorFailure> failedFactor,
    Optional<String> spentBackupCode,
    UserChange userChange,
    Optional<DeviceRecord> device,
    List<AuditEntry> audit) {
  /** Checks for nulls and copies. */
  public Settlement {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    challenge = Objects.requireNonNull(challenge, "challenge").clone();
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(use, "use");
    Objects.requireNonNull(failedFactor, "failedFactor");
    Objects.requireNonNull(spentBackupCode, "spentBackupCode");
    Objects.requireNonNull(userChange, "userChange");
    Objects.requireNonNull(device, "device");
    audit = List.copyOf(audit);
  }

  @Override
  public byte[] challenge() {
    return challenge.clone();
  }

  /**
   * A factor's successful use: as {@link FactorStore#recordUse} (a non-negative {@code counter}
   * must be strictly above the stored one), and, if present, the new attributes (as {@link
   * FactorStore#update}, label unchanged).
   *
   * @param id the factor that answered
   * @param counter the new counter, or -1 to leave it
   * @param label the factor's label (kept)
   * @param attributes new attributes, if the provider changed them
   */
  public record FactorUse(FactorId id, long counter, String label,
      Optional<Map<String, String>> attributes) {
    /** Checks for nulls and copies. */
    public FactorUse {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(label, "label");
      attributes = Objects.requireNonNull(attributes, "attributes").map(Map::copyOf);
    }
  }

  /**
   * A wrong answer from a factor: one more failure ({@link FactorStore#recordFailure}) and, when
   * {@code disable}, the move from {@code ACTIVE} to {@code DISABLED}.
   *
   * @param id the factor
   * @param disable whether this failure reached the practice's limit
   */
  public record FactorFailure(FactorId id, boolean disable) {
    /** A failure of factor {@code id}, which is required. */
    public FactorFailure {
      Objects.requireNonNull(id, "id");
    }
  }

  /** What the answer does to the user's state row. */
  public sealed interface UserChange {}

  /** No change (a refusal that is not the user's failure). */
  public record Unchanged() implements UserChange {}

  /**
   * A completed sign-in: as {@link UserStateStore#recordSignIn} (last sign-in set, failures and
   * lock cleared).
   *
   * @param signIn the sign-in
   */
  public record SignedIn(SignIn signIn) implements UserChange {
    /** A completed sign-in change; {@code signIn} is required. */
    public SignedIn {
      Objects.requireNonNull(signIn, "signIn");
    }
  }

  /**
   * A failed answer: one more consecutive failure ({@link UserStateStore#recordFailure}) and, if
   * present, a lock that only ever extends ({@link UserStateStore#lockUntil}).
   *
   * @param lockUntil the lock this failure earned
   */
  public record Failed(Optional<Instant> lockUntil) implements UserChange {
    /** A failure change; {@code lockUntil} is required ({@code Optional.empty()} for no lock). */
    public Failed {
      Objects.requireNonNull(lockUntil, "lockUntil");
    }
  }

  @Override
  public String toString() {
    return "Settlement[practice=" + practice.value() + ", user=" + user.value() + ", complete="
        + complete + ", use=" + use.map(u -> u.id().value()) + ", failedFactor="
        + failedFactor.map(f -> f.id().value()) + ", backupCode=" + spentBackupCode.isPresent()
        + ", userChange=" + userChange.getClass().getSimpleName() + ", device="
        + device.isPresent() + ", audit=" + audit.size() + "]";
  }
}
