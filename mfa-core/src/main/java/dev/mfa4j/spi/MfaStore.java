package dev.mfa4j.spi;

/**
 * Everything mfa4j keeps, as small repositories. Implementations: {@link
 * dev.mfa4j.InMemoryMfaStore} and {@code dev.mfa4j.store.jdbc.JdbcMfaStore}. Each must pass the
 * contract tests of module {@code mfa-store-tck}.
 *
 * <p>Any failure to read or write is thrown as {@link dev.mfa4j.StoreException}; the engine then
 * fails closed.
 */
public interface MfaStore {
  /** Stored factors. */
  FactorStore factors();

  /** Pending ceremonies. */
  ChallengeStore challenges();

  /** Backup codes. */
  BackupCodeStore backupCodes();

  /** Remembered devices. */
  DeviceStore devices();

  /** Per-user counters and last sign-in. */
  UserStateStore users();

  /** The audit log. */
  AuditStore audit();

  /** Practice policies. */
  PolicyStore policies();

  /** Throttle counters. */
  CounterStore counters();

  /** Built-in password credentials. */
  PasswordStore passwords();
}
