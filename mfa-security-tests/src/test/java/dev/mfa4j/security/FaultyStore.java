package dev.mfa4j.security;

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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/**
 * A store in front of another that, once armed, lets {@code skip} calls through and then makes
 * the next {@code count} calls throw a plain {@link RuntimeException} (a database gone away).
 * A "call" is any repository method, or the commit of an outermost unit of work: the commit fails
 * by throwing inside the wrapped store's {@link MfaStore#atomically}, so the wrapped store undoes
 * the unit as a database would roll back a transaction whose commit failed.
 *
 * <p>{@link MfaStore#answering} and {@link MfaStore#settle} are not forwarded: their defaults
 * compose the (faulty) repositories, so a fault can strike between any two of their calls.
 * Single-threaded use only.
 */
final class FaultyStore implements MfaStore {
  /** What a fault throws; the engine must turn it into a StoreException. */
  static final class Fault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fault(String where) {
      super("injected store fault at " + where);
    }
  }

  private final MfaStore target;
  private final FactorStore factors;
  private final ChallengeStore challenges;
  private final BackupCodeStore backupCodes;
  private final DeviceStore devices;
  private final UserStateStore users;
  private final AuditStore audit;
  private final PolicyStore policies;
  private final CounterStore counters;
  private final PasswordStore passwords;

  private int skip = -1;
  private int failing;
  private int calls;
  private int fired;
  private String firstFault;
  private int depth;

  FaultyStore(MfaStore target) {
    this.target = target;
    this.factors = wrap(FactorStore.class, target.factors());
    this.challenges = wrap(ChallengeStore.class, target.challenges());
    this.backupCodes = wrap(BackupCodeStore.class, target.backupCodes());
    this.devices = wrap(DeviceStore.class, target.devices());
    this.users = wrap(UserStateStore.class, target.users());
    this.audit = wrap(AuditStore.class, target.audit());
    this.policies = wrap(PolicyStore.class, target.policies());
    this.counters = wrap(CounterStore.class, target.counters());
    this.passwords = wrap(PasswordStore.class, target.passwords());
  }

  /** Lets {@code skip} calls pass, then fails the next {@code count}. */
  void arm(int skip, int count) {
    this.skip = skip;
    this.failing = count;
    this.calls = 0;
    this.fired = 0;
    this.firstFault = null;
  }

  /** Stops failing; returns how many calls were failed since {@link #arm}. */
  int disarm() {
    skip = -1;
    failing = 0;
    int n = fired;
    fired = 0;
    return n;
  }

  /** Where the first fault since {@link #arm} struck, or null. */
  String firstFault() {
    return firstFault;
  }

  private void call(String where) {
    if (skip < 0) {
      return;
    }
    calls++;
    if (calls > skip && fired < failing) {
      fired++;
      if (firstFault == null) {
        firstFault = where + " (call " + calls + ")";
      }
      throw new Fault(where);
    }
  }

  private <R> R wrap(Class<R> type, R repository) {
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (p, m, args) -> {
          if (m.getDeclaringClass() == Object.class) {
            return m.invoke(repository, args);
          }
          call(type.getSimpleName() + "." + m.getName());
          try {
            return m.invoke(repository, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return type.cast(proxy);
  }

  @Override
  public <T> T atomically(Supplier<T> work) {
    return target.atomically(() -> {
      depth++;
      T result;
      try {
        result = work.get();
      } finally {
        depth--;
      }
      if (depth == 0) {
        call("commit");
      }
      return result;
    });
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
}
