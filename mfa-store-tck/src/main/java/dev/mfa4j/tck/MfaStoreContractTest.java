package dev.mfa4j.tck;

import dev.mfa4j.spi.MfaStore;
import org.junit.jupiter.api.Nested;

/**
 * The whole store contract in one class: extend it, implement {@link #newStore()}, and JUnit runs
 * every repository's contract as a nested group. Implementations may instead extend the single
 * contracts ({@link FactorStoreContract}, {@link ChallengeStoreContract}, …) one by one.
 *
 * <p>Stores must keep instants to at least microsecond precision (the tests use microseconds and
 * nothing finer) and must give every single-use or counting operation one atomic conditional write
 * (the races use {@value StoreContractSupport#THREADS} threads).
 */
public abstract class MfaStoreContractTest {
  /** A fresh (or emptied) store; called before each test of every group. */
  protected abstract MfaStore newStore();

  /** {@link dev.mfa4j.spi.FactorStore}. */
  @Nested
  public class Factors extends FactorStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.ChallengeStore}. */
  @Nested
  public class Challenges extends ChallengeStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.BackupCodeStore}. */
  @Nested
  public class BackupCodes extends BackupCodeStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.DeviceStore}. */
  @Nested
  public class Devices extends DeviceStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.UserStateStore}. */
  @Nested
  public class Users extends UserStateStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.AuditStore}. */
  @Nested
  public class Audit extends AuditStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.PolicyStore}. */
  @Nested
  public class Policies extends PolicyStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.CounterStore}. */
  @Nested
  public class Counters extends CounterStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** Units of work, the user's lock, {@code answering} and {@code settle}. */
  @Nested
  public class Units extends UnitOfWorkContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }

  /** {@link dev.mfa4j.spi.PasswordStore}. */
  @Nested
  public class Passwords extends PasswordStoreContract {
    @Override
    protected MfaStore newStore() {
      return MfaStoreContractTest.this.newStore();
    }
  }
}
