package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.NotificationType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The engine runs a unit of work again when the store reports a transient conflict ({@link
 * StoreConflictException}), at most {@code unitAttempts} times, on fresh state, telling the
 * listeners once; other failures are never retried. The store here runs each unit's work on the
 * in-memory store and then, while conflicts are armed, throws a conflict as a database would at
 * {@code COMMIT}, so that the in-memory store undoes the unit.
 */
class RetryTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  /** Wraps a store: counts units and fails the next {@code conflicts} of them at their end. */
  static final class Conflicting {
    final AtomicInteger units = new AtomicInteger();
    final AtomicInteger conflicts = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    /** The number of a unit (counted by {@code units}) that fails once, or 0. */
    volatile int conflictAtUnit;
    volatile Supplier<RuntimeException> failure =
        () -> new StoreConflictException("injected conflict (SQLState 40001)");
    /** Runs when a unit fails, before the failure is thrown. */
    volatile Runnable onFailure = () -> { };

    MfaStore wrap(MfaStore store) {
      return (MfaStore) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {MfaStore.class}, (p, m, args) -> {
            if (m.getName().equals("atomically")) {
              Supplier<?> work = (Supplier<?>) args[0];
              return store.atomically(() -> {
                int unit = units.incrementAndGet();
                Object r = work.get();
                if (conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || unit == conflictAtUnit) {
                  failed.incrementAndGet();
                  onFailure.run();
                  throw failure.get();
                }
                return r;
              });
            }
            try {
              return m.invoke(store, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  private final Conflicting conflicting = new Conflicting();
  /** The store under the conflicting one (the fixture's own store is not used). */
  private final InMemoryMfaStore backing = new InMemoryMfaStore();

  private Fixture fixture(UnaryOperator<MfaEngine.Builder> custom) {
    return new Fixture(PracticePolicy.defaults(), custom, conflicting.wrap(backing));
  }

  private java.util.List<dev.mfa4j.spi.AuditEvent> audit(UserRef user) {
    return backing.audit().find(new dev.mfa4j.spi.AuditQuery(user.practice(),
        java.util.Optional.of(user.user()), java.util.Optional.empty(), 500));
  }

  @Test
  void twoConflicts_thenTheAnswerCommitsOnce_andListenersAreToldOnce() {
    Fixture fx = fixture(UnaryOperator.identity());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.events.clear();
    fx.notices.clear();
    int units = conflicting.units.get();

    conflicting.conflicts.set(2);
    LoginStep step = fx.answer(ALICE, s.challenge(), f.id(), f.code());

    assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(conflicting.units.get() - units).as("three runs of the unit").isEqualTo(3);
    assertThat(fx.auditCount(AuditType.SIGN_IN_SUCCEEDED)).isEqualTo(1);
    assertThat(fx.events).extracting(e -> e.id()).doesNotHaveDuplicates();
    assertThat(audit(ALICE)).filteredOn(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED)
        .hasSize(1);
    // the same challenge again is complete: not a second sign-in
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isNotInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void aConflictAtEveryAttempt_throwsTheConflict_afterThreeRuns_andSpendsNothing() {
    Fixture fx = fixture(UnaryOperator.identity());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.events.clear();
    fx.notices.clear();
    int units = conflicting.units.get();

    conflicting.conflicts.set(3);
    Throwable thrown = catchThrowable(() -> fx.answer(ALICE, s.challenge(), f.id(), "000000"));

    assertThat(thrown).isInstanceOf(StoreConflictException.class);
    assertThat(((StoreException) thrown).retryable()).isTrue();
    assertThat(conflicting.units.get() - units).isEqualTo(3);
    assertThat(fx.events).as("nothing told of undone runs").isEmpty();
    assertThat(fx.notices).isEmpty();
    assertThat(backing.users().find(ALICE.practice(), ALICE.user()).orElseThrow()
        .consecutiveFailures()).as("a conflict is not a user failure").isZero();
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void unitAttempts_boundsTheRuns() {
    Fixture fx = fixture(b -> b.unitAttempts(1));
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    int units = conflicting.units.get();
    conflicting.conflicts.set(1);
    assertThatThrownBy(() -> fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(StoreConflictException.class);
    assertThat(conflicting.units.get() - units).isEqualTo(1);

    Fixture five = fixture(b -> b.unitAttempts(5));
    UserRef bob = UserRef.staff("p1", "bob");
    Fixture.Enrolled g = five.enroll(bob);
    LoginStep.SecondFactorRequired t = five.challenge(bob);
    units = conflicting.units.get();
    conflicting.conflicts.set(4);
    assertThat(five.answer(bob, t.challenge(), g.id(), g.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(conflicting.units.get() - units).isEqualTo(5);
  }

  @Test
  void otherStoreFailures_areNotRetried() {
    Fixture fx = fixture(UnaryOperator.identity());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    int units = conflicting.units.get();
    conflicting.failure = () -> new StoreException("injected failure (SQLState 08006)");
    conflicting.conflicts.set(1);
    Throwable thrown = catchThrowable(() -> fx.answer(ALICE, s.challenge(), f.id(), f.code()));
    assertThat(thrown).isExactlyInstanceOf(StoreException.class);
    assertThat(((StoreException) thrown).retryable()).isFalse();
    assertThat(conflicting.units.get() - units).isEqualTo(1);

    units = conflicting.units.get();
    conflicting.failure = () -> new StoreOutcomeUnknownException("injected unknown commit",
        null);
    conflicting.conflicts.set(1);
    assertThatThrownBy(() -> fx.answer(ALICE, s.challenge(), f.id(), f.code()))
        .isInstanceOf(StoreOutcomeUnknownException.class);
    assertThat(conflicting.units.get() - units).isEqualTo(1);
  }

  @Test
  void aRetriedPasswordCheck_decidesAfresh() {
    Fixture fx = fixture(UnaryOperator.identity());
    fx.passwords.put(ALICE, "an older password, long enough");
    // the first run refuses the password; before it is undone the password changes (as if
    // another node had committed a change), so the second run accepts it
    conflicting.onFailure = () -> fx.passwords.put(ALICE, Fixture.PASSWORD);
    conflicting.conflicts.set(1);
    EnrollmentStart start = fx.engine.account(ALICE).beginEnrollment(Fixture.APP, "App",
        Fixture.password(), Map.of(), fx.request);
    assertThat(start.factor()).isNotNull();
    assertThat(fx.auditCount(AuditType.PASSWORD_REJECTED)).isZero();
  }

  @Test
  void aRetriedEnrollmentStart_writesTheProvidersStateAgain() {
    Fixture fx = fixture(UnaryOperator.identity());
    // beginEnrollment runs two units: the password check, then the one storing the ceremony, the
    // pending factor and the state the provider buffered while it began; the second conflicts
    int failed = conflicting.failed.get();
    conflicting.conflictAtUnit = conflicting.units.get() + 2;
    EnrollmentStart start = fx.engine.account(ALICE).beginEnrollment(Fixture.APP, "App",
        Fixture.password(), Map.of(), fx.request);
    assertThat(conflicting.failed.get() - failed).isEqualTo(1);
    String code = start.details(TestCodeFactor.Details.class).code();
    assertThat(fx.engine.account(ALICE).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), code), fx.request))
        .as("the provider's state was written by the retried unit")
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
    assertThat(fx.auditCount(AuditType.ENROLLMENT_STARTED)).isEqualTo(1);
  }

  @Test
  void builder_refusesAttemptsOutsideOneToTen() {
    assertThatThrownBy(() -> MfaEngine.builder().unitAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MfaEngine.builder().unitAttempts(11))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MfaEngine.builder().unitAttempts(10)).isNotNull();
  }

  @Test
  void storeExceptions_sayWhetherTheyMayBeRetried() {
    assertThat(new StoreException("x").retryable()).isFalse();
    assertThat(new StoreConflictException("x").retryable()).isTrue();
    assertThat(new StoreOutcomeUnknownException("x", null).retryable()).isFalse();
  }
}
