package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.UserStateStore;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.UserStateStore}; extend it and supply a store. */
public abstract class UserStateStoreContract extends StoreContractSupport {

  @Test
  void find_userNeverSeen_isEmpty() {
    assertThat(store.users().find(practice, alice)).isEmpty();
  }

  @Test
  void recordFailure_createsTheRowAndCounts() {
    assertThat(store.users().recordFailure(practice, alice)).isEqualTo(1);
    assertThat(store.users().recordFailure(practice, alice)).isEqualTo(2);
    assertThat(store.users().recordFailure(practice, alice)).isEqualTo(3);

    UserSecurityState state = store.users().find(practice, alice).orElseThrow();
    assertThat(state.practice()).isEqualTo(practice);
    assertThat(state.user()).isEqualTo(alice);
    assertThat(state.consecutiveFailures()).isEqualTo(3);
    assertThat(state.lockedUntil()).isEmpty();
    assertThat(state.lastSignIn()).isEmpty();
    assertThat(state.graceSignIns()).isZero();
    assertThat(state.graceStarted()).isEmpty();
  }

  @Test
  void recordFailure_isPerUser() {
    store.users().recordFailure(practice, alice);
    store.users().recordFailure(practice, alice);

    assertThat(store.users().recordFailure(practice, bob)).isEqualTo(1);
    assertThat(store.users().recordFailure(otherPractice, alice)).isEqualTo(1);
    assertThat(store.users().find(practice, alice).orElseThrow().consecutiveFailures())
        .isEqualTo(2);
  }

  @Test
  void recordFailure_32ThreadsOnANewUser_countsEveryFailureOnce() throws Exception {
    List<Integer> results = race(THREADS, () -> store.users().recordFailure(practice, alice));

    assertThat(results).containsExactlyInAnyOrderElementsOf(
        IntStream.rangeClosed(1, THREADS).boxed().toList());
    assertThat(store.users().find(practice, alice).orElseThrow().consecutiveFailures())
        .isEqualTo(THREADS);
  }

  @Test
  void lockUntil_onANewUser_createsTheRow() {
    store.users().lockUntil(practice, alice, T0.plus(Duration.ofMinutes(15)));

    UserSecurityState state = store.users().find(practice, alice).orElseThrow();
    assertThat(state.lockedUntil()).contains(T0.plus(Duration.ofMinutes(15)));
    assertThat(state.consecutiveFailures()).isZero();
  }

  @Test
  void lockUntil_keepsTheFailureCount() {
    store.users().recordFailure(practice, alice);
    store.users().recordFailure(practice, alice);

    store.users().lockUntil(practice, alice, T0.plusSeconds(60));

    UserSecurityState state = store.users().find(practice, alice).orElseThrow();
    assertThat(state.lockedUntil()).contains(T0.plusSeconds(60));
    assertThat(state.consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void recordSignIn_setsLastSignIn_andClearsFailuresAndLock() {
    store.users().recordFailure(practice, alice);
    store.users().lockUntil(practice, alice, T0.plusSeconds(60));
    SignIn signIn = new SignIn(T0.plusSeconds(120), "198.51.100.23",
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0");

    store.users().recordSignIn(practice, alice, signIn);

    UserSecurityState state = store.users().find(practice, alice).orElseThrow();
    assertThat(state.lastSignIn()).contains(signIn);
    assertThat(state.consecutiveFailures()).isZero();
    assertThat(state.lockedUntil()).isEmpty();
  }

  @Test
  void recordSignIn_onANewUser_createsTheRow_andTheLatestWins() {
    store.users().recordSignIn(practice, alice, new SignIn(T0, "192.0.2.1", "A"));
    SignIn later = new SignIn(T0.plusSeconds(3600), "", "");
    store.users().recordSignIn(practice, alice, later);

    assertThat(store.users().find(practice, alice).orElseThrow().lastSignIn()).contains(later);
    assertThat(store.users().find(practice, bob)).isEmpty();
  }

  @Test
  void recordGraceSignIn_countsAndKeepsTheFirstStart() {
    assertThat(store.users().recordGraceSignIn(practice, alice, T0)).isEqualTo(1);
    assertThat(store.users().recordGraceSignIn(practice, alice, T0.plusSeconds(86400)))
        .isEqualTo(2);

    UserSecurityState state = store.users().find(practice, alice).orElseThrow();
    assertThat(state.graceSignIns()).isEqualTo(2);
    assertThat(state.graceStarted()).contains(T0);
  }

  @Test
  void recordGraceSignIn_afterAFailure_keepsTheFailureCount() {
    store.users().recordFailure(practice, alice);

    assertThat(store.users().recordGraceSignIn(practice, alice, T0)).isEqualTo(1);
    assertThat(store.users().find(practice, alice).orElseThrow().consecutiveFailures())
        .isEqualTo(1);
  }

  @Test
  void endGrace_newOrExistingUser_graceUsedUpOtherFieldsKeptIdempotent() {
    store.users().endGrace(practice, bob, T0);
    UserSecurityState fresh = store.users().find(practice, bob).orElseThrow();
    assertThat(fresh.graceSignIns()).isEqualTo(UserStateStore.GRACE_ENDED);
    assertThat(fresh.graceStarted()).contains(T0);
    assertThat(fresh.consecutiveFailures()).isZero();

    store.users().recordGraceSignIn(practice, alice, T0);
    store.users().recordFailure(practice, alice);
    SignIn signIn = new SignIn(T0, "192.0.2.1", "A");
    store.users().recordSignIn(practice, alice, signIn);
    store.users().recordFailure(practice, alice);
    store.users().endGrace(practice, alice, T0.plusSeconds(60));
    store.users().endGrace(practice, alice, T0.plusSeconds(120));

    UserSecurityState state = store.users().find(practice, alice).orElseThrow();
    assertThat(state.graceSignIns()).isEqualTo(UserStateStore.GRACE_ENDED);
    assertThat(state.graceStarted()).contains(T0);
    assertThat(state.consecutiveFailures()).isEqualTo(1);
    assertThat(state.lastSignIn()).contains(signIn);
  }
}
