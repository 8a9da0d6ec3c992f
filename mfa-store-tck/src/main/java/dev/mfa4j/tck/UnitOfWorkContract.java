package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.FactorId;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.Answering;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.Settlement;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The contract of units of work ({@link MfaStore#atomically}), the user's lock ({@link
 * dev.mfa4j.spi.UserStateStore#lock}) and the coarse operations {@link MfaStore#answering} and
 * {@link MfaStore#settle}; extend it and supply a store.
 *
 * <p>Checks: a unit commits everything on return and undoes everything (factors, ceremonies and
 * their state, backup codes, user state, devices, audit, counters, passwords) when it throws,
 * rethrowing the very exception; a nested unit joins the outer one; a failure injected after each
 * single write of a unit (the k-th of n, for every k) leaves nothing changed, with the store's own
 * {@code settle} and with the default composition; {@code lock} creates the row; a lock only
 * ever extends; {@code settle} writes everything or reports a closed ceremony; and parallel units
 * that lock one user and read-modify-write a value lose no update.
 */
public abstract class UnitOfWorkContract extends StoreContractSupport {
  /** Threads and units per thread of the lost-update race. */
  protected static final int LOCK_THREADS = 8;
  /** Units per thread of the lost-update race. */
  protected static final int LOCK_ROUNDS = 25;

  private static final Instant EXPIRES = T0.plusSeconds(300);
  private static final Instant AT = T0.plusSeconds(10);

  /** The failure the tests inject. */
  static final class Injected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Injected(String message) {
      super(message);
    }
  }

  private ChallengeRecord challenge(PracticeId p, UserId user) {
    return new ChallengeRecord(hash32(), p, user, ChallengePurpose.SIGN_IN, Optional.empty(), T0,
        EXPIRES, 0, 3, Optional.empty());
  }

  private List<BackupCodeRecord> codes(PracticeId p, UserId user) {
    List<BackupCodeRecord> codes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      codes.add(new BackupCodeRecord(p, user, "L" + i + unique(), "$argon2id$" + unique(), T0,
          Optional.empty()));
    }
    return codes;
  }

  private static DeviceRecord device(PracticeId p, UserId user) {
    return new DeviceRecord("d-" + unique(), p, user, hash32(), "Firefox", "192.0.2.7", T0,
        T0.plusSeconds(86_400), T0);
  }

  private static AuditEvent event(PracticeId p, UserId user, AuditType type) {
    return new AuditEvent("e-" + unique(), T0, p, Optional.of(user), Optional.empty(), type,
        AuditOutcome.SUCCESS, "192.0.2.7", "UA", Map.of("k", "v"));
  }

  private List<AuditEvent> auditOf(PracticeId p) {
    return store.audit().find(new AuditQuery(p, Optional.empty(), Optional.empty(), 100));
  }

  private static String counterKey(PracticeId p) {
    return "unit:" + p.value();
  }

  /** Everything one unit writes, on fresh ids of {@code p} and {@code user}. */
  private record Writes(FactorRecord factor, ChallengeRecord challenge,
      List<BackupCodeRecord> codes, DeviceRecord device, AuditEvent event,
      PasswordRecord password) {}

  private Writes writes(PracticeId p, UserId user) {
    return new Writes(factor(p, user), challenge(p, user), codes(p, user), device(p, user),
        event(p, user, AuditType.FACTOR_REMOVED),
        new PasswordRecord(p, user, "$argon2id$" + unique(), T0, false, Optional.empty()));
  }

  /** Writes {@code w} through {@code s}, one repository call after another. */
  private static void write(MfaStore s, Writes w) {
    PracticeId p = w.factor().practice();
    UserId u = w.factor().user();
    s.users().lock(p, u);
    s.factors().insert(w.factor());
    s.challenges().insert(w.challenge());
    s.challenges().putState(w.challenge().idHash(), "k", "v");
    s.backupCodes().replaceAll(p, u, w.codes());
    s.users().recordFailure(p, u);
    s.users().lockUntil(p, u, T0.plusSeconds(600));
    s.devices().insert(w.device());
    s.audit().append(chained(s, List.of(w.event())));
    s.counters().increment(counterKey(p), T0, T0.plusSeconds(60));
    s.passwords().put(w.password());
  }

  private void assertWritten(Writes w) {
    PracticeId p = w.factor().practice();
    UserId u = w.factor().user();
    assertThat(store.factors().find(p, u, w.factor().id())).isPresent();
    assertThat(store.challenges().find(w.challenge().idHash())).isPresent();
    assertThat(store.challenges().state(w.challenge().idHash(), "k")).contains("v");
    assertThat(store.backupCodes().countUnused(p, u)).isEqualTo(3);
    assertThat(store.users().find(p, u).orElseThrow().consecutiveFailures()).isEqualTo(1);
    assertThat(store.devices().findByTokenHash(w.device().tokenHash())).isPresent();
    assertThat(auditOf(p)).extracting(AuditEvent::id).containsExactly(w.event().id());
    assertThat(store.counters().get(counterKey(p), T0)).isEqualTo(1);
    assertThat(store.passwords().find(p, u)).isPresent();
  }

  private void assertNothingWritten(Writes w) {
    PracticeId p = w.factor().practice();
    UserId u = w.factor().user();
    assertThat(store.factors().list(p, u)).as("factors").isEmpty();
    assertThat(store.challenges().find(w.challenge().idHash())).as("challenge").isEmpty();
    assertThat(store.challenges().state(w.challenge().idHash(), "k")).as("state").isEmpty();
    assertThat(store.backupCodes().countUnused(p, u)).as("backup codes").isZero();
    assertThat(store.users().find(p, u)).as("user state").isEmpty();
    assertThat(store.devices().list(p, u)).as("devices").isEmpty();
    assertThat(auditOf(p)).as("audit").isEmpty();
    assertThat(store.counters().get(counterKey(p), T0)).as("counter").isZero();
    assertThat(store.passwords().find(p, u)).as("password").isEmpty();
  }

  @Test
  void atomically_commitsEverythingWhenTheWorkReturns() {
    Writes w = writes(practice, alice);

    String result = store.atomically(() -> {
      write(store, w);
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertWritten(w);
  }

  @Test
  void atomically_undoesEverythingWhenTheWorkThrows_andRethrowsIt() {
    Writes w = writes(practice, alice);
    RuntimeException boom = new IllegalStateException("boom");

    assertThatThrownBy(() -> store.atomically(() -> {
      write(store, w);
      throw boom;
    })).isSameAs(boom);

    assertNothingWritten(w);
  }

  @Test
  void atomically_undoesEverythingOnAnError() {
    Writes w = writes(practice, alice);
    AssertionError boom = new AssertionError("boom");

    assertThatThrownBy(() -> store.atomically(() -> {
      write(store, w);
      throw boom;
    })).isSameAs(boom);

    assertNothingWritten(w);
  }

  @Test
  void atomically_nested_joinsTheOuterUnit() {
    Writes w = writes(practice, alice);
    RuntimeException boom = new IllegalStateException("outer");

    assertThatThrownBy(() -> store.atomically(() -> {
      String inner = store.atomically(() -> {
        write(store, w);
        return "inner";
      });
      assertThat(inner).isEqualTo("inner");
      throw boom;
    })).isSameAs(boom);
    assertNothingWritten(w);

    Writes v = writes(otherPractice, bob);
    store.atomically(() -> store.atomically(() -> {
      write(store, v);
      return null;
    }));
    assertWritten(v);
  }

  @Test
  void atomically_afterAFailedUnit_theThreadRunsNewUnits() {
    assertThatThrownBy(() -> store.atomically(() -> {
      store.users().recordFailure(practice, alice);
      throw new Injected("first");
    })).isInstanceOf(Injected.class);

    store.atomically(() -> store.users().recordFailure(practice, bob));

    assertThat(store.users().find(practice, alice)).isEmpty();
    assertThat(store.users().find(practice, bob).orElseThrow().consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void lock_onANewUser_createsTheRow() {
    UserSecurityState locked = store.atomically(() -> store.users().lock(practice, alice));

    assertThat(locked).isEqualTo(UserSecurityState.initial(practice, alice));
    assertThat(store.users().find(practice, alice)).contains(locked);
    assertThat(store.users().find(practice, bob)).isEmpty();
  }

  @Test
  void lock_returnsTheStateAsItIs() {
    store.users().recordFailure(practice, alice);
    store.users().recordFailure(practice, alice);
    store.users().lockUntil(practice, alice, T0.plusSeconds(60));

    UserSecurityState locked = store.atomically(() -> store.users().lock(practice, alice));

    assertThat(locked.consecutiveFailures()).isEqualTo(2);
    assertThat(locked.lockedUntil()).contains(T0.plusSeconds(60));
  }

  @Test
  void lockUntil_neverShortensALock() {
    store.users().lockUntil(practice, alice, T0.plusSeconds(600));

    store.users().lockUntil(practice, alice, T0.plusSeconds(60));
    assertThat(store.users().find(practice, alice).orElseThrow().lockedUntil())
        .contains(T0.plusSeconds(600));

    store.users().lockUntil(practice, alice, T0.plusSeconds(900));
    assertThat(store.users().find(practice, alice).orElseThrow().lockedUntil())
        .contains(T0.plusSeconds(900));

    store.atomically(() -> {
      store.users().lockUntil(practice, alice, T0);
      return null;
    });
    assertThat(store.users().find(practice, alice).orElseThrow().lockedUntil())
        .contains(T0.plusSeconds(900));
  }

  @Test
  void answering_readsStateCeremonyAndFactor_andCreatesTheStateRow() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);
    ChallengeRecord c = challenge(practice, alice);
    store.challenges().insert(c);

    Answering a = store.atomically(() -> store.answering(c.idHash(), practice, alice,
        Optional.of(f.id())));

    assertThat(a.state()).isEqualTo(UserSecurityState.initial(practice, alice));
    assertSameBytes(a.challenge().orElseThrow().idHash(), c.idHash());
    assertThat(a.challenge().orElseThrow().maxAttempts()).isEqualTo(3);
    assertThat(a.factor().orElseThrow().id()).isEqualTo(f.id());
    assertThat(store.users().find(practice, alice)).isPresent();

    store.users().recordFailure(practice, alice);
    Answering again = store.atomically(() -> store.answering(c.idHash(), practice, alice,
        Optional.empty()));
    assertThat(again.state().consecutiveFailures()).isEqualTo(1);
    assertThat(again.challenge()).isPresent();
    assertThat(again.factor()).isEmpty();
  }

  @Test
  void answering_anotherUsersCeremonyIsReturned_anotherUsersFactorIsNot() {
    FactorRecord bobs = factor(practice, bob);
    store.factors().insert(bobs);
    ChallengeRecord c = challenge(practice, bob);
    store.challenges().insert(c);
    store.users().recordFailure(practice, alice);

    Answering a = store.atomically(() -> store.answering(c.idHash(), practice, alice,
        Optional.of(bobs.id())));

    assertThat(a.state().user()).isEqualTo(alice);
    assertThat(a.state().consecutiveFailures()).isEqualTo(1);
    assertThat(a.challenge().orElseThrow().user()).isEqualTo(bob);
    assertThat(a.factor()).isEmpty();

    Answering unknown = store.atomically(() -> store.answering(hash32(), practice, alice,
        Optional.of(FactorId.of(unique()))));
    assertThat(unknown.challenge()).isEmpty();
    assertThat(unknown.factor()).isEmpty();
  }

  @Test
  void answering_aConsumedCeremonyIsReturnedAsItIs() {
    ChallengeRecord c = challenge(practice, alice);
    store.challenges().insert(c);
    store.challenges().consume(c.idHash(), T0);

    Answering a = store.atomically(() -> store.answering(c.idHash(), practice, alice,
        Optional.empty()));

    assertThat(a.challenge().orElseThrow().consumed()).contains(T0);
  }

  /** A user with a factor, a ceremony, backup codes and a state row, all committed. */
  private record Scene(FactorRecord factor, ChallengeRecord challenge,
      List<BackupCodeRecord> codes) {}

  private Scene scene(PracticeId p, UserId user) {
    FactorRecord f = factor(p, user);
    store.factors().insert(f);
    ChallengeRecord c = challenge(p, user);
    store.challenges().insert(c);
    List<BackupCodeRecord> codes = codes(p, user);
    store.backupCodes().replaceAll(p, user, codes);
    store.users().recordFailure(p, user);
    return new Scene(f, c, codes);
  }

  private static Settlement success(MfaStore st, Scene s, DeviceRecord device,
      List<AuditEvent> events) {
    FactorRecord f = s.factor();
    List<dev.mfa4j.spi.AuditEntry> audit = chained(st, events);
    return new Settlement(f.practice(), f.user(), s.challenge().idHash(), AT, true,
        Optional.of(new Settlement.FactorUse(f.id(), 7, f.label(),
            Optional.of(Map.of("seen", "yes")))),
        Optional.empty(), Optional.of(s.codes().get(0).lookupId()),
        new Settlement.SignedIn(new SignIn(AT, "192.0.2.7", "UA")), Optional.of(device), audit);
  }

  @Test
  void settle_success_writesEverything() {
    Scene s = scene(practice, alice);
    DeviceRecord device = device(practice, alice);
    List<AuditEvent> audit = List.of(event(practice, alice, AuditType.BACKUP_CODE_USED),
        event(practice, alice, AuditType.SIGN_IN_SUCCEEDED));

    boolean settled = store.atomically(() -> {
      store.answering(s.challenge().idHash(), practice, alice, Optional.of(s.factor().id()));
      return store.settle(success(store, s, device, audit));
    });

    assertThat(settled).isTrue();
    ChallengeRecord c = store.challenges().find(s.challenge().idHash()).orElseThrow();
    assertThat(c.attempts()).isEqualTo(1);
    assertThat(c.consumed()).contains(AT);
    FactorRecord f = store.factors().find(practice, alice, s.factor().id()).orElseThrow();
    assertThat(f.counter()).isEqualTo(7);
    assertThat(f.lastUsed()).contains(AT);
    assertThat(f.attributes()).isEqualTo(Map.of("seen", "yes"));
    assertThat(f.label()).isEqualTo(s.factor().label());
    assertThat(store.backupCodes().find(practice, alice, s.codes().get(0).lookupId())
        .orElseThrow().used()).contains(AT);
    assertThat(store.backupCodes().countUnused(practice, alice)).isEqualTo(2);
    UserSecurityState u = store.users().find(practice, alice).orElseThrow();
    assertThat(u.consecutiveFailures()).isZero();
    assertThat(u.lastSignIn()).contains(new SignIn(AT, "192.0.2.7", "UA"));
    assertThat(store.devices().findByTokenHash(device.tokenHash())).isPresent();
    assertThat(auditOf(practice)).extracting(AuditEvent::id)
        .containsExactlyInAnyOrder(audit.get(0).id(), audit.get(1).id());
  }

  @Test
  void settle_failure_countsLocksAndDisables_withoutCompleting() {
    Scene s = scene(practice, alice);
    store.users().lockUntil(practice, alice, T0.plusSeconds(900));
    FactorRecord f = s.factor();
    boolean settled = store.atomically(() -> {
      store.answering(s.challenge().idHash(), practice, alice, Optional.of(f.id()));
      Settlement failed = new Settlement(practice, alice, s.challenge().idHash(), AT, false,
          Optional.empty(), Optional.of(new Settlement.FactorFailure(f.id(), true)),
          Optional.empty(), new Settlement.Failed(Optional.of(T0.plusSeconds(600))),
          Optional.empty(), chained(store, List.of(event(practice, alice,
              AuditType.SECOND_FACTOR_FAILED))));
      return store.settle(failed);
    });

    assertThat(settled).isTrue();
    ChallengeRecord c = store.challenges().find(s.challenge().idHash()).orElseThrow();
    assertThat(c.attempts()).isEqualTo(1);
    assertThat(c.consumed()).isEmpty();
    FactorRecord after = store.factors().find(practice, alice, f.id()).orElseThrow();
    assertThat(after.failures()).isEqualTo(1);
    assertThat(after.state()).isEqualTo(FactorState.DISABLED);
    assertThat(after.counter()).isZero();
    UserSecurityState u = store.users().find(practice, alice).orElseThrow();
    assertThat(u.consecutiveFailures()).isEqualTo(2);
    assertThat(u.lockedUntil()).as("a lock only extends").contains(T0.plusSeconds(900));
    assertThat(auditOf(practice)).hasSize(1);
  }

  @Test
  void settle_onAConsumedCeremony_isFalse_andTheUndoneUnitChangesNothing() {
    Scene fresh = scene(practice, alice);
    store.challenges().consume(fresh.challenge().idHash(), T0);
    Scene s = new Scene(fresh.factor(),
        store.challenges().find(fresh.challenge().idHash()).orElseThrow(), fresh.codes());
    DeviceRecord device = device(practice, alice);
    List<AuditEvent> audit = List.of(event(practice, alice, AuditType.SIGN_IN_SUCCEEDED));

    boolean[] settled = {true};
    assertThatThrownBy(() -> store.atomically(() -> {
      store.answering(s.challenge().idHash(), practice, alice, Optional.of(s.factor().id()));
      settled[0] = store.settle(success(store, s, device, audit));
      throw new Injected("undo, as the engine does");
    })).isInstanceOf(Injected.class);

    assertThat(settled[0]).isFalse();
    assertUntouched(s);
    assertThat(store.devices().list(practice, alice)).isEmpty();
    assertThat(auditOf(practice)).isEmpty();
  }

  @Test
  void settle_withASpentBackupCodeOrAStaleCounter_isFalse() {
    Scene s = scene(practice, alice);
    store.backupCodes().consume(practice, alice, s.codes().get(0).lookupId(), T0);
    boolean spent = store.atomically(() -> store.settle(success(store, s, device(practice, alice),
        List.of())));
    assertThat(spent).isFalse();

    Scene t = scene(otherPractice, bob);
    store.factors().recordUse(otherPractice, bob, t.factor().id(), 7, T0);
    boolean stale = store.atomically(() -> store.settle(success(store, t, device(otherPractice, bob),
        List.of())));
    assertThat(stale).isFalse();
  }

  private void assertUntouched(Scene s) {
    FactorRecord f = s.factor();
    PracticeId p = f.practice();
    UserId u = f.user();
    ChallengeRecord c = store.challenges().find(s.challenge().idHash()).orElseThrow();
    assertThat(c.attempts()).as("attempts").isEqualTo(s.challenge().attempts());
    assertThat(c.consumed()).as("consumed").isEqualTo(s.challenge().consumed());
    FactorRecord now = store.factors().find(p, u, f.id()).orElseThrow();
    assertThat(now.counter()).as("counter").isEqualTo(f.counter());
    assertThat(now.lastUsed()).as("last used").isEmpty();
    assertThat(now.attributes()).as("attributes").isEqualTo(f.attributes());
    assertThat(now.state()).as("factor state").isEqualTo(f.state());
    assertThat(store.backupCodes().countUnused(p, u)).as("backup codes").isEqualTo(3);
    UserSecurityState state = store.users().find(p, u).orElseThrow();
    assertThat(state.consecutiveFailures()).as("user failures").isEqualTo(1);
    assertThat(state.lastSignIn()).as("last sign-in").isEmpty();
    assertThat(state.lockedUntil()).as("lock").isEmpty();
  }

  private static final Set<String> MUTATING = Set.of("insert", "takeAttempt", "consume",
      "putState", "replaceAll", "recordFailure", "lockUntil", "recordSignIn", "recordGraceSignIn",
      "endGrace", "lock", "append", "touch", "transition", "recordUse", "update", "delete",
      "deleteAll", "put", "increment", "replace", "purgeExpired");

  /**
   * {@code target} whose repositories throw {@link Injected} right after their {@code k}-th
   * mutating call (counted in {@code calls}). {@code settle} is the target's own (counted as one
   * write) when {@code ownSettle}, else the default composition over the wrapped repositories.
   */
  private static MfaStore failingAfter(MfaStore target, int k, int[] calls, boolean ownSettle) {
    return (MfaStore) Proxy.newProxyInstance(MfaStore.class.getClassLoader(),
        new Class<?>[] {MfaStore.class}, (proxy, m, a) -> {
          if (m.getDeclaringClass() == Object.class) {
            return call(m, target, a);
          }
          switch (m.getName()) {
            case "atomically":
              return target.atomically((Supplier<?>) a[0]);
            case "answering":
              return InvocationHandler.invokeDefault(proxy, m, a);
            case "settle":
              if (!ownSettle) {
                return InvocationHandler.invokeDefault(proxy, m, a);
              }
              Object settled = call(m, target, a);
              tick(calls, k);
              return settled;
            default:
              break;
          }
          Object repository = call(m, target, a);
          Class<?> type = m.getReturnType();
          if (!type.isInterface() || repository == null) {
            return repository;
          }
          return Proxy.newProxyInstance(MfaStore.class.getClassLoader(), new Class<?>[] {type},
              (p2, m2, a2) -> {
                Object result = call(m2, repository, a2);
                if (MUTATING.contains(m2.getName())) {
                  tick(calls, k);
                }
                return result;
              });
        });
  }

  private static void tick(int[] calls, int k) {
    if (++calls[0] == k) {
      throw new Injected("injected after write " + k);
    }
  }

  private static Object call(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** One sign-in's worth of writes through {@code s}: new rows, then a settlement on {@code sc}. */
  private boolean unit(MfaStore s, Writes w, Scene sc) {
    return s.atomically(() -> {
      write(s, w);
      s.factors().transition(w.factor().practice(), w.factor().user(), w.factor().id(),
          FactorState.ACTIVE, FactorState.DISABLED);
      FactorRecord f = sc.factor();
      s.answering(sc.challenge().idHash(), f.practice(), f.user(), Optional.of(f.id()));
      boolean settled = s.settle(success(s, sc, device(f.practice(), f.user()),
          List.of(event(f.practice(), f.user(), AuditType.SIGN_IN_SUCCEEDED))));
      s.audit().append(chained(s, List.of(event(f.practice(), f.user(),
          AuditType.DEVICE_REMEMBERED))));
      return settled;
    });
  }

  @Test
  void atomically_aFailureAfterAnyWrite_leavesNothingChanged() {
    for (boolean ownSettle : new boolean[] {true, false}) {
      // a run without failure counts the writes and shows that they all happen
      int[] counted = {0};
      PracticeId p0 = PracticeId.of("w-" + unique());
      UserId u0 = UserId.of("u-" + unique());
      Scene s0 = scene(p0, UserId.of("s-" + unique()));
      Writes w0 = writes(p0, u0);
      assertThat(unit(failingAfter(store, Integer.MAX_VALUE, counted, ownSettle), w0, s0))
          .isTrue();
      int n = counted[0];
      assertThat(n).as("writes in the unit").isGreaterThanOrEqualTo(15);

      for (int k = 1; k <= n; k++) {
        PracticeId p = PracticeId.of("k" + k + "-" + unique());
        Scene s = scene(p, UserId.of("s-" + unique()));
        Writes w = writes(p, UserId.of("u-" + unique()));
        int[] calls = {0};
        MfaStore failing = failingAfter(store, k, calls, ownSettle);
        int at = k;
        assertThatThrownBy(() -> unit(failing, w, s))
            .as("failure after write %d of %d (own settle: %s)", at, n, ownSettle)
            .isInstanceOf(Injected.class);
        assertThat(calls[0]).isEqualTo(k);
        assertNothingWrittenBut(w, p);
        assertUntouched(s);
      }
    }
  }

  /** {@link #assertNothingWritten} where the practice also holds a scene (its audit is empty). */
  private void assertNothingWrittenBut(Writes w, PracticeId p) {
    UserId u = w.factor().user();
    assertThat(store.factors().list(p, u)).as("factors").isEmpty();
    assertThat(store.challenges().find(w.challenge().idHash())).as("challenge").isEmpty();
    assertThat(store.challenges().state(w.challenge().idHash(), "k")).as("state").isEmpty();
    assertThat(store.backupCodes().countUnused(p, u)).as("backup codes").isZero();
    assertThat(store.users().find(p, u)).as("user state").isEmpty();
    assertThat(store.devices().list(p, u)).as("devices").isEmpty();
    assertThat(auditOf(p)).as("audit").isEmpty();
    assertThat(store.counters().get(counterKey(p), T0)).as("counter").isZero();
    assertThat(store.passwords().find(p, u)).as("password").isEmpty();
  }

  @Test
  void lock_parallelUnitsOfOneUser_loseNoUpdate() throws Exception {
    ChallengeRecord c = challenge(practice, alice);
    store.challenges().insert(c);
    store.challenges().putState(c.idHash(), "n", "0");

    race(LOCK_THREADS, () -> {
      for (int i = 0; i < LOCK_ROUNDS; i++) {
        store.atomically(() -> {
          store.users().lock(practice, alice);
          int n = Integer.parseInt(store.challenges().state(c.idHash(), "n").orElseThrow());
          Thread.yield();
          store.challenges().putState(c.idHash(), "n", Integer.toString(n + 1));
          return null;
        });
      }
      return null;
    });

    assertThat(store.challenges().state(c.idHash(), "n"))
        .contains(Integer.toString(LOCK_THREADS * LOCK_ROUNDS));
  }

  @Test
  void lock_parallelFirstLocksOfANewUser_allSucceed() throws Exception {
    List<UserSecurityState> states = race(LOCK_THREADS,
        () -> store.atomically(() -> store.users().lock(practice, bob)));

    assertThat(states).containsOnly(UserSecurityState.initial(practice, bob));
    assertThat(store.users().find(practice, bob)).isPresent();
  }
}
