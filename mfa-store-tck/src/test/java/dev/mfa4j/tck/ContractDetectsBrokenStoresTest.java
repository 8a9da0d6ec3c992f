package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditStore;
import dev.mfa4j.spi.ChallengeStore;
import dev.mfa4j.spi.FactorStore;
import dev.mfa4j.spi.MfaStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract tests can fail: each runs against a store with one deliberate defect (a consume
 * that ignores "already consumed", a counter that goes backwards, an attempt budget never
 * exhausted, an audit log oldest first) and must reject it, while the same test passes on the
 * sound store.
 */
class ContractDetectsBrokenStoresTest {

  /** {@code store} with {@code repository} replaced by a proxy that answers {@code method}. */
  private static MfaStore mutate(MfaStore store, String repository, String method,
      InvocationHandler defect) {
    return (MfaStore) Proxy.newProxyInstance(MfaStore.class.getClassLoader(),
        new Class<?>[] {MfaStore.class}, (p, m, args) -> {
          Object repo = call(m, store, args);
          if (!m.getName().equals(repository)) {
            return repo;
          }
          return Proxy.newProxyInstance(MfaStore.class.getClassLoader(),
              new Class<?>[] {m.getReturnType()}, (p2, m2, a2) -> m2.getName().equals(method)
                  ? defect.invoke(repo, m2, a2) : call(m2, repo, a2));
        });
  }

  private static Object call(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @FunctionalInterface
  interface TestBody<T> {
    void run(T contract) throws Exception;
  }

  private static <T extends StoreContractSupport> void check(T sound, T broken, TestBody<T> body)
      throws Exception {
    sound.setUpStoreAndIds();
    assertThatCode(() -> body.run(sound)).as("the sound store passes").doesNotThrowAnyException();
    broken.setUpStoreAndIds();
    assertThatThrownBy(() -> body.run(broken)).as("the broken store is caught")
        .isInstanceOf(AssertionError.class);
  }

  private static ChallengeStoreContract challenges(MfaStore given) {
    return new ChallengeStoreContract() {
      @Override
      protected MfaStore newStore() {
        return given;
      }
    };
  }

  private static FactorStoreContract factors(MfaStore given) {
    return new FactorStoreContract() {
      @Override
      protected MfaStore newStore() {
        return given;
      }
    };
  }

  @Test
  void consumeIgnoringConsumed_isCaught() throws Exception {
    MfaStore broken = mutate(new InMemoryMfaStore(), "challenges", "consume",
        (repo, m, args) -> ((ChallengeStore) repo).find((byte[]) args[0]).isPresent());
    check(challenges(new InMemoryMfaStore()), challenges(broken),
        ChallengeStoreContract::consume_twice_secondReturnsFalse);
    check(challenges(new InMemoryMfaStore()), challenges(broken),
        ChallengeStoreContract::consume_32Threads_exactlyOneWins);
  }

  @Test
  void takeAttemptWithoutBudget_isCaught() throws Exception {
    MfaStore broken = mutate(new InMemoryMfaStore(), "challenges", "takeAttempt",
        (repo, m, args) -> {
          ((ChallengeStore) repo).takeAttempt((byte[]) args[0], (Instant) args[1]);
          return true;
        });
    check(challenges(new InMemoryMfaStore()), challenges(broken),
        ChallengeStoreContract::takeAttempt_stopsAtMaxAttempts);
  }

  @Test
  void recordUseIgnoringTheCounter_isCaught() throws Exception {
    MfaStore broken = mutate(new InMemoryMfaStore(), "factors", "recordUse",
        (repo, m, args) -> ((FactorStore) repo).recordUse((dev.mfa4j.PracticeId) args[0],
            (dev.mfa4j.UserId) args[1], (dev.mfa4j.FactorId) args[2], -1, (Instant) args[4]));
    check(factors(new InMemoryMfaStore()), factors(broken),
        FactorStoreContract::recordUse_counterNotGreater_returnsFalseAndChangesNothing);
    check(factors(new InMemoryMfaStore()), factors(broken),
        FactorStoreContract::recordUse_32ThreadsWithTheSameCounter_exactlyOneWins);
  }

  @Test
  void auditOldestFirst_isCaught() throws Exception {
    MfaStore broken = mutate(new InMemoryMfaStore(), "audit", "find", (repo, m, args) -> {
      List<AuditEvent> events = new ArrayList<>(((AuditStore) repo).find(
          (dev.mfa4j.spi.AuditQuery) args[0]));
      Collections.reverse(events);
      return events;
    });
    AuditStoreContract sound = new AuditStoreContract() {
      @Override
      protected MfaStore newStore() {
        return new InMemoryMfaStore();
      }
    };
    AuditStoreContract bad = new AuditStoreContract() {
      @Override
      protected MfaStore newStore() {
        return broken;
      }
    };
    check(sound, bad, AuditStoreContract::find_returnsNewestFirst_tiesByIdDescending);
  }
}
