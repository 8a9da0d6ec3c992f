package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.MfaStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A store that fails at the n-th call: sign-in must fail closed at every n. */
class StoreFailureTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  /** Counts repository calls once armed, and throws at call number {@code failAt}. */
  static final class Faulty {
    final AtomicInteger calls = new AtomicInteger();
    volatile int failAt = Integer.MAX_VALUE;
    volatile boolean armed;

    MfaStore wrap(MfaStore store) {
      return (MfaStore) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {MfaStore.class}, (p, m, args) -> {
            if (m.getName().equals("answering") || m.getName().equals("settle")) {
              // the coarse calls of an answer fail like any repository call
              if (armed && calls.incrementAndGet() == failAt) {
                throw new IllegalStateException("database down");
              }
            }
            Object repo;
            try {
              repo = m.invoke(store, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
            if (!m.getReturnType().isInterface()) {
              return repo;
            }
            return Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {m.getReturnType()}, (p2, m2, a2) -> {
                  if (armed && calls.incrementAndGet() == failAt) {
                    throw new IllegalStateException("database down");
                  }
                  try {
                    return m2.invoke(repo, a2);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
          });
    }
  }

  @Test
  void verify_storeFailsAtAnyCall_storeExceptionNeverAuthenticated() {
    int n = 1;
    while (true) {
      Faulty faulty = new Faulty();
      InMemoryMfaStore backing = new InMemoryMfaStore();
      Fixture faultyFx = new Fixture(PracticePolicy.builder()
          .rememberDevice(java.time.Duration.ofDays(1)).build(),
          b -> b.store(faulty.wrap(backing)), null);
      Fixture.Enrolled f = faultyFx.enroll(ALICE);
      LoginStep.SecondFactorRequired s = faultyFx.challenge(ALICE);
      faulty.failAt = n;
      faulty.armed = true;
      LoginStep result;
      try {
        result = faultyFx.engine.login().verify(ALICE, s.challenge(),
            Answer.code(f.id(), f.code()), RememberDevice.YES, faultyFx.request);
      } catch (StoreException e) {
        assertThat(e.getCause()).hasMessage("database down");
        // nothing of the answer survived: the same code on the same challenge still signs in
        faulty.armed = false;
        assertThat(faultyFx.engine.login().verify(ALICE, s.challenge(),
            Answer.code(f.id(), f.code()), RememberDevice.YES, faultyFx.request))
            .isInstanceOf(LoginStep.Authenticated.class);
        n++;
        continue;
      }
      // the failure point lies beyond the last call: the sign-in ran to completion
      assertThat(faulty.calls.get()).isLessThan(n);
      assertThat(result).isInstanceOf(LoginStep.Authenticated.class);
      break;
    }
    // the unit reads and settles through a handful of calls (the answer's one read, the
    // settlement), each of which was made to fail once
    assertThat(n).isGreaterThan(2);
  }

  @Test
  void afterPrimary_storeFailsAtAnyCall_storeException() {
    for (int n = 1; n < 4; n++) {
      Faulty faulty = new Faulty();
      InMemoryMfaStore backing = new InMemoryMfaStore();
      Fixture fx = new Fixture(PracticePolicy.builder()
          .requirement(TwoFactorRequirement.ALL_STAFF).build(),
          b -> b.store(faulty.wrap(backing)), null);
      faulty.failAt = n;
      faulty.armed = true;
      assertThatThrownBy(() -> fx.engine.login().afterPrimary(ALICE, fx.request))
          .isInstanceOf(StoreException.class);
    }
  }

  @Test
  void storeReturningNull_storeException() {
    InMemoryMfaStore backing = new InMemoryMfaStore();
    MfaStore nullPolicies = (MfaStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {MfaStore.class}, (p, m, args) -> {
          if (m.getName().equals("policies")) {
            return (dev.mfa4j.spi.PolicyStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.mfa4j.spi.PolicyStore.class},
                (p2, m2, a2) -> null);
          }
          return m.invoke(backing, args);
        });
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.store(nullPolicies), null);

    assertThatThrownBy(() -> fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(StoreException.class).hasMessageContaining("null");
  }
}
