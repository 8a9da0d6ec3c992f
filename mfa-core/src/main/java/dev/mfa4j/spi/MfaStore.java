package dev.mfa4j.spi;

import dev.mfa4j.FactorId;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything mfa4j keeps, as small repositories. Implementations: {@link
 * dev.mfa4j.InMemoryMfaStore} and {@code dev.mfa4j.store.jdbc.JdbcMfaStore}. Each must pass the
 * contract tests of module {@code mfa-store-tck}.
 *
 * <p>Any failure to read or write is thrown as {@link dev.mfa4j.StoreException}; the engine then
 * fails closed.
 *
 * <p><b>Units of work.</b> The engine runs every ceremony step inside {@link #atomically}: what
 * one answer reads and writes commits together or not at all, and the answers of one user are
 * serialised by {@link UserStateStore#lock} (on every node that shares the store). The three
 * coarse operations {@link #atomically}, {@link #answering} and {@link #settle} exist so that a
 * store can answer a second step in few round trips; the defaults of the last two compose the
 * small repositories and are correct for any store whose {@code atomically} is.
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

  /**
   * Runs {@code work} as one unit: every call this thread makes on this store's repositories
   * while {@code work} runs commits together when it returns, and is undone entirely when it
   * throws (the exception is then rethrown unchanged). A call of {@code atomically} inside another
   * joins the outer unit. Units of different threads are isolated at least as in READ COMMITTED,
   * and {@link UserStateStore#lock} makes units about one user run one after another.
   *
   * @throws dev.mfa4j.StoreException if the unit cannot begin or commit (it is then undone)
   */
  <T> T atomically(Supplier<T> work);

  /**
   * Reads what an answer needs and locks the user (see {@link UserStateStore#lock}) until the
   * unit ends. Must run inside {@link #atomically}. The default makes three reads; a store may
   * join them (the JDBC store does, in one statement).
   *
   * @param challenge the id hash of the ceremony answered
   * @param practice the user's practice
   * @param user the user
   * @param factor the factor the answer names, if any
   */
  default Answering answering(byte[] challenge, PracticeId practice, UserId user,
      Optional<FactorId> factor) {
    UserSecurityState state = users().lock(practice, user);
    Optional<ChallengeRecord> c = challenges().find(challenge);
    Optional<FactorRecord> f = factor.isEmpty() ? Optional.empty()
        : factors().find(practice, user, factor.get());
    return new Answering(state, c, f);
  }

  /**
   * Writes everything one answer changes (see {@link Settlement}). Must run inside {@link
   * #atomically}, after {@link #answering}. The default calls the repositories in this order:
   * challenge attempt (and completion), factor use or failure, backup code, user state, device,
   * audit events.
   *
   * @return whether every conditional write held (the attempt was there to take, the ceremony
   *     was still open, the counter advanced, the backup code was unspent); when false the caller
   *     must undo the unit
   */
  default boolean settle(Settlement s) {
    boolean ok = challenges().takeAttempt(s.challenge(), s.at());
    if (ok && s.complete()) {
      ok = challenges().consume(s.challenge(), s.at());
    }
    if (!ok) {
      return false;
    }
    if (s.use().isPresent()) {
      Settlement.FactorUse u = s.use().get();
      if (!factors().recordUse(s.practice(), s.user(), u.id(), u.counter(), s.at())) {
        return false;
      }
      if (u.attributes().isPresent()
          && !factors().update(s.practice(), s.user(), u.id(), u.label(), u.attributes().get())) {
        return false;
      }
    }
    if (s.failedFactor().isPresent()) {
      Settlement.FactorFailure f = s.failedFactor().get();
      factors().recordFailure(s.practice(), s.user(), f.id());
      if (f.disable()) {
        factors().transition(s.practice(), s.user(), f.id(), FactorState.ACTIVE,
            FactorState.DISABLED);
      }
    }
    if (s.spentBackupCode().isPresent()
        && !backupCodes().consume(s.practice(), s.user(), s.spentBackupCode().get(), s.at())) {
      return false;
    }
    if (s.userChange() instanceof Settlement.SignedIn in) {
      users().recordSignIn(s.practice(), s.user(), in.signIn());
    } else if (s.userChange() instanceof Settlement.Failed failed) {
      users().recordFailure(s.practice(), s.user());
      failed.lockUntil().ifPresent(t -> users().lockUntil(s.practice(), s.user(), t));
    }
    s.device().ifPresent(d -> devices().insert(d));
    if (!s.audit().isEmpty()) {
      audit().append(s.audit());
    }
    return true;
  }
}
