package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.FactorStore;
import dev.mfa4j.spi.MfaStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedStoreTest {
  private static final PracticeId P1 = PracticeId.of("p1");
  private static final UserId ALICE = UserId.of("alice");

  /**
   * A store that hands out a fresh factor repository on every call (as a per-transaction or
   * per-tenant store does); each repository notes its number in {@code reached} when used.
   */
  private static final class FreshPerCall {
    final InMemoryMfaStore memory = new InMemoryMfaStore();
    final AtomicInteger handedOut = new AtomicInteger();
    final List<Integer> reached = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    MfaStore store() {
      return (MfaStore) Proxy.newProxyInstance(MfaStore.class.getClassLoader(),
          new Class<?>[] {MfaStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("factors")) {
              int n = handedOut.incrementAndGet();
              return factors(n);
            }
            return call(memory, method, args);
          });
    }

    private FactorStore factors(int n) {
      return (FactorStore) Proxy.newProxyInstance(FactorStore.class.getClassLoader(),
          new Class<?>[] {FactorStore.class}, (proxy, method, args) -> {
            reached.add(n);
            if (failing) {
              throw new IllegalStateException("connection closed");
            }
            return call(memory.factors(), method, args);
          });
    }

    private static Object call(Object target, java.lang.reflect.Method m, Object[] args)
        throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  @Test
  void freshRepositoryPerCall_eachCallReachesItsOwnRepository() {
    FreshPerCall host = new FreshPerCall();
    MfaStore guarded = GuardedStore.wrap(host.store());

    for (int i = 0; i < 3; i++) {
      assertThat(guarded.factors().list(P1, ALICE)).isEmpty();
    }

    assertThat(host.handedOut.get()).isEqualTo(3);
    assertThat(host.reached).containsExactly(1, 2, 3);
  }

  @Test
  void freshRepositoryPerCall_failureStillBecomesStoreException() {
    FreshPerCall host = new FreshPerCall();
    MfaStore guarded = GuardedStore.wrap(host.store());
    guarded.factors().list(P1, ALICE);
    host.failing = true;

    assertThatThrownBy(() -> guarded.factors().list(P1, ALICE))
        .isInstanceOf(StoreException.class);
    assertThat(host.reached).containsExactly(1, 2);
  }

  @Test
  void sameRepositoryEveryCall_guardReused() {
    MfaStore guarded = GuardedStore.wrap(new InMemoryMfaStore());
    assertThat(guarded.factors()).isSameAs(guarded.factors());
  }
}
