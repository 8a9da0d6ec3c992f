package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.FactorStore}; extend it and supply a store. */
public abstract class FactorStoreContract extends StoreContractSupport {

  private FactorRecord full() {
    byte[] secret = randomBytes(64);
    secret[0] = 0;
    secret[1] = (byte) 0xFF;
    return new FactorRecord(FactorId.of(unique()), practice, alice, FactorKind.PASSKEY,
        "Clé de sécurité ✓", FactorState.PENDING, T0, Optional.of(T0.plusSeconds(61)),
        1_234_567_890_123L, 7, Optional.of("cred-" + unique()), secret,
        Map.of("transports", "usb,nfc", "weird", "a=b&c=d%20e ü", "empty", ""));
  }

  @Test
  void insert_thenFind_roundTripsEveryField() {
    FactorRecord f = full();
    store.factors().insert(f);

    FactorRecord got = store.factors().find(practice, alice, f.id()).orElseThrow();

    assertThat(got.id()).isEqualTo(f.id());
    assertThat(got.practice()).isEqualTo(practice);
    assertThat(got.user()).isEqualTo(alice);
    assertThat(got.kind()).isEqualTo(FactorKind.PASSKEY);
    assertThat(got.label()).isEqualTo("Clé de sécurité ✓");
    assertThat(got.state()).isEqualTo(FactorState.PENDING);
    assertThat(got.created()).isEqualTo(T0);
    assertThat(got.lastUsed()).contains(T0.plusSeconds(61));
    assertThat(got.counter()).isEqualTo(1_234_567_890_123L);
    assertThat(got.failures()).isEqualTo(7);
    assertThat(got.lookupKey()).isEqualTo(f.lookupKey());
    assertSameBytes(got.sealedSecret(), f.sealedSecret());
    assertThat(got.attributes()).isEqualTo(f.attributes());
  }

  @Test
  void insert_withEmptyOptionalsAndEmptySecret_roundTrips() {
    FactorRecord f = new FactorRecord(FactorId.of(unique()), practice, alice, FactorKind.TOTP, "",
        FactorState.ACTIVE, T0, Optional.empty(), 0, 0, Optional.empty(), new byte[0], Map.of());
    store.factors().insert(f);

    FactorRecord got = store.factors().find(practice, alice, f.id()).orElseThrow();

    assertThat(got.lastUsed()).isEmpty();
    assertThat(got.lookupKey()).isEmpty();
    assertThat(got.sealedSecret()).isEmpty();
    assertThat(got.attributes()).isEmpty();
    assertThat(got.label()).isEmpty();
  }

  @Test
  void insert_duplicateId_throwsStoreException() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThatThrownBy(() -> store.factors().insert(f.withLabel("again")))
        .isInstanceOf(StoreException.class);
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().label())
        .isEqualTo(f.label());
  }

  @Test
  void insert_duplicateLookupKeyOfSameKind_throwsStoreException() {
    String key = "cred-" + unique();
    store.factors().insert(factor(practice, alice).withLookupKey(Optional.of(key)));

    assertThatThrownBy(() -> store.factors().insert(
        factor(practice, bob).withLookupKey(Optional.of(key))))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void find_withAnotherUsersIds_findsNothing() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThat(store.factors().find(practice, bob, f.id())).isEmpty();
    assertThat(store.factors().find(otherPractice, alice, f.id())).isEmpty();
    assertThat(store.factors().find(practice, UserId.of(alice.value().toUpperCase()), f.id()))
        .as("user ids are case-sensitive").isEmpty();
    assertThat(store.factors().find(practice, alice, FactorId.of(unique()))).isEmpty();
  }

  @Test
  void list_returnsOnlyTheOwnersFactors_oldestFirst() {
    FactorRecord older = new FactorRecord(FactorId.of(unique()), practice, alice, FactorKind.TOTP,
        "older", FactorState.ACTIVE, T0, Optional.empty(), 0, 0, Optional.empty(), new byte[1],
        Map.of());
    FactorRecord newer = new FactorRecord(FactorId.of(unique()), practice, alice, FactorKind.PHONE,
        "newer", FactorState.PENDING, T0.plus(Duration.ofMinutes(5)), Optional.empty(), 0, 0,
        Optional.empty(), new byte[1], Map.of());
    store.factors().insert(newer);
    store.factors().insert(older);
    store.factors().insert(factor(practice, bob));
    store.factors().insert(factor(otherPractice, alice));

    List<FactorRecord> list = store.factors().list(practice, alice);

    assertThat(list).extracting(FactorRecord::label).containsExactly("older", "newer");
    assertThat(store.factors().list(practice, UserId.of("nobody-" + unique()))).isEmpty();
  }

  @Test
  void findByLookupKey_findsTheFactorOfThatKindOnly() {
    String key = "cred-" + unique();
    FactorRecord f = factor(practice, alice).withLookupKey(Optional.of(key));
    FactorRecord passkey = new FactorRecord(FactorId.of(unique()), practice, bob,
        FactorKind.PASSKEY, "key", FactorState.ACTIVE, T0, Optional.empty(), 0, 0,
        Optional.of(key), new byte[0], Map.of());
    store.factors().insert(f);
    store.factors().insert(passkey);

    assertThat(store.factors().findByLookupKey(FactorKind.TOTP, key).orElseThrow().id())
        .isEqualTo(f.id());
    assertThat(store.factors().findByLookupKey(FactorKind.PASSKEY, key).orElseThrow().user())
        .isEqualTo(bob);
    assertThat(store.factors().findByLookupKey(FactorKind.PHONE, key)).isEmpty();
    assertThat(store.factors().findByLookupKey(FactorKind.TOTP, key + "x")).isEmpty();
  }

  @Test
  void transition_fromTheStoredState_movesIt() {
    FactorRecord f = factor(practice, alice).withState(FactorState.PENDING);
    store.factors().insert(f);

    assertThat(store.factors().transition(practice, alice, f.id(), FactorState.PENDING,
        FactorState.ACTIVE)).isTrue();
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().state())
        .isEqualTo(FactorState.ACTIVE);
  }

  @Test
  void transition_fromAnotherState_returnsFalseAndChangesNothing() {
    FactorRecord f = factor(practice, alice).withState(FactorState.PENDING);
    store.factors().insert(f);

    assertThat(store.factors().transition(practice, alice, f.id(), FactorState.ACTIVE,
        FactorState.DISABLED)).isFalse();
    assertThat(store.factors().transition(practice, bob, f.id(), FactorState.PENDING,
        FactorState.ACTIVE)).as("another user's ids").isFalse();
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().state())
        .isEqualTo(FactorState.PENDING);
  }

  @Test
  void transition_32ThreadsFromTheSameState_exactlyOneWins() throws Exception {
    FactorRecord f = factor(practice, alice).withState(FactorState.PENDING);
    store.factors().insert(f);

    List<Boolean> results = race(THREADS, () -> store.factors().transition(practice, alice, f.id(),
        FactorState.PENDING, FactorState.ACTIVE));

    assertThat(wins(results)).isEqualTo(1);
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().state())
        .isEqualTo(FactorState.ACTIVE);
  }

  @Test
  void recordUse_higherCounter_advancesSetsLastUsedAndClearsFailures() {
    FactorRecord f = factor(practice, alice).withCounter(10);
    store.factors().insert(f);
    store.factors().recordFailure(practice, alice, f.id());

    assertThat(store.factors().recordUse(practice, alice, f.id(), 11, T0.plusSeconds(30)))
        .isTrue();

    FactorRecord got = store.factors().find(practice, alice, f.id()).orElseThrow();
    assertThat(got.counter()).isEqualTo(11);
    assertThat(got.lastUsed()).contains(T0.plusSeconds(30));
    assertThat(got.failures()).isZero();
  }

  @Test
  void recordUse_counterNotGreater_returnsFalseAndChangesNothing() {
    FactorRecord f = factor(practice, alice).withCounter(10);
    store.factors().insert(f);

    assertThat(store.factors().recordUse(practice, alice, f.id(), 10, T0)).as("equal").isFalse();
    assertThat(store.factors().recordUse(practice, alice, f.id(), 9, T0)).as("lower").isFalse();

    FactorRecord got = store.factors().find(practice, alice, f.id()).orElseThrow();
    assertThat(got.counter()).isEqualTo(10);
    assertThat(got.lastUsed()).isEmpty();
  }

  @Test
  void recordUse_sameCounterTwice_secondIsAReplay() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThat(store.factors().recordUse(practice, alice, f.id(), 5, T0)).isTrue();
    assertThat(store.factors().recordUse(practice, alice, f.id(), 5, T0)).isFalse();
  }

  @Test
  void recordUse_negativeCounter_leavesCounterButRecordsUse() {
    FactorRecord f = factor(practice, alice).withCounter(10);
    store.factors().insert(f);
    store.factors().recordFailure(practice, alice, f.id());

    assertThat(store.factors().recordUse(practice, alice, f.id(), -1, T0.plusSeconds(5)))
        .isTrue();

    FactorRecord got = store.factors().find(practice, alice, f.id()).orElseThrow();
    assertThat(got.counter()).isEqualTo(10);
    assertThat(got.lastUsed()).contains(T0.plusSeconds(5));
    assertThat(got.failures()).isZero();
  }

  @Test
  void recordUse_withAnotherUsersIds_returnsFalse() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThat(store.factors().recordUse(practice, bob, f.id(), 5, T0)).isFalse();
    assertThat(store.factors().recordUse(otherPractice, alice, f.id(), 5, T0)).isFalse();
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().counter()).isZero();
  }

  @Test
  void recordUse_32ThreadsWithTheSameCounter_exactlyOneWins() throws Exception {
    for (int trial = 0; trial < 5; trial++) {
      FactorRecord f = factor(practice, alice);
      store.factors().insert(f);

      List<Boolean> results = race(THREADS,
          () -> store.factors().recordUse(practice, alice, f.id(), 1000, T0));

      assertThat(wins(results)).as("trial " + trial).isEqualTo(1);
    }
  }

  @Test
  void recordFailure_countsAndReturnsTheNewCount() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThat(store.factors().recordFailure(practice, alice, f.id())).isEqualTo(1);
    assertThat(store.factors().recordFailure(practice, alice, f.id())).isEqualTo(2);
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().failures())
        .isEqualTo(2);
  }

  @Test
  void recordFailure_unknownOrForeignFactor_returnsZero() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThat(store.factors().recordFailure(practice, alice, FactorId.of(unique()))).isZero();
    assertThat(store.factors().recordFailure(practice, bob, f.id())).isZero();
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().failures()).isZero();
  }

  @Test
  void recordFailure_32Threads_countsEveryFailureOnce() throws Exception {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    List<Integer> results = race(THREADS,
        () -> store.factors().recordFailure(practice, alice, f.id()));

    assertThat(results).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.rangeClosed(1, THREADS).boxed().toList());
    assertThat(store.factors().find(practice, alice, f.id()).orElseThrow().failures())
        .isEqualTo(THREADS);
  }

  @Test
  void update_replacesLabelAndAttributes_onlyForTheOwner() {
    FactorRecord f = factor(practice, alice).withAttributes(Map.of("a", "1", "b", "2"));
    store.factors().insert(f);

    assertThat(store.factors().update(practice, bob, f.id(), "hijack", Map.of())).isFalse();
    assertThat(store.factors().update(practice, alice, f.id(), "Work phone", Map.of("c", "3")))
        .isTrue();

    FactorRecord got = store.factors().find(practice, alice, f.id()).orElseThrow();
    assertThat(got.label()).isEqualTo("Work phone");
    assertThat(got.attributes()).containsExactly(Map.entry("c", "3"));
    assertThat(store.factors().update(practice, alice, FactorId.of(unique()), "x", Map.of()))
        .isFalse();
  }

  @Test
  void delete_removesOnlyTheOwnersFactor() {
    FactorRecord f = factor(practice, alice);
    store.factors().insert(f);

    assertThat(store.factors().delete(practice, bob, f.id())).isFalse();
    assertThat(store.factors().find(practice, alice, f.id())).isPresent();
    assertThat(store.factors().delete(practice, alice, f.id())).isTrue();
    assertThat(store.factors().delete(practice, alice, f.id())).isFalse();
    assertThat(store.factors().find(practice, alice, f.id())).isEmpty();
  }

  @Test
  void deleteAll_removesEveryFactorOfTheUser_andNoOtherUsers() {
    store.factors().insert(factor(practice, alice));
    store.factors().insert(factor(practice, alice));
    FactorRecord bobs = factor(practice, bob);
    store.factors().insert(bobs);
    FactorRecord elsewhere = factor(otherPractice, alice);
    store.factors().insert(elsewhere);

    assertThat(store.factors().deleteAll(practice, alice)).isEqualTo(2);
    assertThat(store.factors().list(practice, alice)).isEmpty();
    assertThat(store.factors().find(practice, bob, bobs.id())).isPresent();
    assertThat(store.factors().find(otherPractice, alice, elsewhere.id())).isPresent();
    assertThat(store.factors().deleteAll(practice, alice)).isZero();
  }
}
