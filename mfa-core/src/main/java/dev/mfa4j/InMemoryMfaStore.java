package dev.mfa4j;

import dev.mfa4j.spi.AuditStore;
import dev.mfa4j.spi.BackupCodeStore;
import dev.mfa4j.spi.ChallengeStore;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.DeviceStore;
import dev.mfa4j.spi.FactorStore;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PasswordStore;
import dev.mfa4j.spi.PolicyStore;
import dev.mfa4j.spi.UserStateStore;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A store that keeps everything in memory: for tests, demos and single-node development. Lost on
 * restart, and not shared between app nodes, so not for production.
 *
 * <p>Thread-safe: every repository guards its maps with its own monitor, so each conditional
 * operation (take an attempt, consume a challenge or a backup code, advance a counter) is one
 * atomic step and exactly one of several racing callers wins. A unit of work ({@link
 * #atomically}) holds all the monitors and undoes every change if it throws. Stored values are
 * immutable records (byte arrays are copied by the records), so nothing a caller holds can change
 * what is stored.
 */
public final class InMemoryMfaStore implements MfaStore {
  private final InMemoryFactorStore factors = new InMemoryFactorStore();
  private final InMemoryChallengeStore challenges = new InMemoryChallengeStore();
  private final InMemoryBackupCodeStore backupCodes = new InMemoryBackupCodeStore();
  private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
  private final InMemoryUserStateStore users = new InMemoryUserStateStore();
  private final InMemoryAuditStore audit = new InMemoryAuditStore();
  private final InMemoryPolicyStore policies = new InMemoryPolicyStore();
  private final InMemoryCounterStore counters = new InMemoryCounterStore();
  private final InMemoryPasswordStore passwords = new InMemoryPasswordStore();
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

  /** An empty store. */
  public InMemoryMfaStore() {}

  /**
   * Runs {@code work} holding every repository's monitor, so no other thread sees or changes
   * anything until it ends; if {@code work} throws, every repository is put back as it was.
   */
  @Override
  public <T> T atomically(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    Object[] monitors = {factors, challenges, backupCodes, devices, users, audit, policies,
        counters, passwords};
    return holding(monitors, 0, work);
  }

  private <T> T holding(Object[] monitors, int i, Supplier<T> work) {
    if (i < monitors.length) {
      synchronized (monitors[i]) {
        return holding(monitors, i + 1, work);
      }
    }
    if (depth.get()[0]++ > 0) {
      try {
        return work.get();
      } finally {
        depth.get()[0]--;
      }
    }
    List<Runnable> undo = List.of(factors.snapshot(), challenges.snapshot(),
        backupCodes.snapshot(), devices.snapshot(), users.snapshot(), audit.snapshot(),
        policies.snapshot(), counters.snapshot(), passwords.snapshot());
    try {
      return work.get();
    } catch (RuntimeException | Error e) {
      undo.forEach(Runnable::run);
      throw e;
    } finally {
      depth.get()[0]--;
    }
  }

  @Override
  public FactorStore factors() {
    return factors;
  }

  @Override
  public ChallengeStore challenges() {
    return challenges;
  }

  @Override
  public BackupCodeStore backupCodes() {
    return backupCodes;
  }

  @Override
  public DeviceStore devices() {
    return devices;
  }

  @Override
  public UserStateStore users() {
    return users;
  }

  @Override
  public AuditStore audit() {
    return audit;
  }

  @Override
  public PolicyStore policies() {
    return policies;
  }

  @Override
  public CounterStore counters() {
    return counters;
  }

  @Override
  public PasswordStore passwords() {
    return passwords;
  }

  /** Checks a purge's limit ({@link ChallengeStore#checkPurgeLimit}) for the repositories. */
  static int checkPurgeLimit(int limit) {
    return ChallengeStore.checkPurgeLimit(limit);
  }

  @Override
  public String toString() {
    return "InMemoryMfaStore";
  }
}
