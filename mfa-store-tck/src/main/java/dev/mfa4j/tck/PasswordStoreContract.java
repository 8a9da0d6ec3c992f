package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.PasswordRecord;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.PasswordStore}; extend it and supply a store. */
public abstract class PasswordStoreContract extends StoreContractSupport {
  private static final String HASH_1 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDE$aGFzaDE";
  private static final String HASH_2 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI";
  private static final String HASH_3 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDM$aGFzaDM";

  @Test
  void find_userWithoutPassword_isEmpty() {
    assertThat(store.passwords().find(practice, alice)).isEmpty();
  }

  @Test
  void put_thenFind_roundTripsEveryField() {
    PasswordRecord temp = new PasswordRecord(practice, alice, HASH_1, T0, true,
        Optional.of(T0.plus(Duration.ofDays(1))));
    store.passwords().put(temp);

    PasswordRecord got = store.passwords().find(practice, alice).orElseThrow();

    assertThat(got).isEqualTo(temp);
    assertThat(store.passwords().find(practice, bob)).isEmpty();
    assertThat(store.passwords().find(otherPractice, alice)).isEmpty();
  }

  @Test
  void put_again_replacesTheRecord() {
    store.passwords().put(new PasswordRecord(practice, alice, HASH_1, T0, true,
        Optional.of(T0.plusSeconds(60))));
    PasswordRecord next = new PasswordRecord(practice, alice, HASH_2, T0.plusSeconds(5), false,
        Optional.empty());

    store.passwords().put(next);

    assertThat(store.passwords().find(practice, alice)).contains(next);
  }

  @Test
  void replace_withTheStoredHash_replacesIt() {
    store.passwords().put(new PasswordRecord(practice, alice, HASH_1, T0, false,
        Optional.empty()));
    PasswordRecord next = new PasswordRecord(practice, alice, HASH_2, T0.plusSeconds(5), false,
        Optional.empty());

    assertThat(store.passwords().replace(practice, alice, HASH_1, next)).isTrue();
    assertThat(store.passwords().find(practice, alice)).contains(next);
  }

  @Test
  void replace_withAStaleHash_returnsFalseAndKeepsTheStoredOne() {
    PasswordRecord current = new PasswordRecord(practice, alice, HASH_2, T0, false,
        Optional.empty());
    store.passwords().put(current);

    assertThat(store.passwords().replace(practice, alice, HASH_1,
        new PasswordRecord(practice, alice, HASH_3, T0, false, Optional.empty()))).isFalse();
    assertThat(store.passwords().find(practice, alice)).contains(current);
  }

  @Test
  void replace_32ThreadsExpectingTheSameHash_exactlyOneWins() throws Exception {
    store.passwords().put(new PasswordRecord(practice, alice, HASH_1, T0, false,
        Optional.empty()));

    java.util.List<Boolean> results = race(THREADS, () -> store.passwords().replace(practice, alice,
        HASH_1, new PasswordRecord(practice, alice, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$"
            + unique(), T0.plusSeconds(1), false, Optional.empty())));

    assertThat(wins(results)).isEqualTo(1);
    assertThat(store.passwords().find(practice, alice).orElseThrow().hash()).isNotEqualTo(HASH_1);
  }

  @Test
  void replace_userWithoutPassword_returnsFalse() {
    assertThat(store.passwords().replace(practice, alice, HASH_1,
        new PasswordRecord(practice, alice, HASH_2, T0, false, Optional.empty()))).isFalse();
    assertThat(store.passwords().find(practice, alice)).isEmpty();
  }

  @Test
  void put_roundTripsLengthFailuresAndNextCheck() {
    PasswordRecord rec = new PasswordRecord(practice, alice, HASH_1, T0, false, Optional.empty(),
        17, 3, Optional.of(T0.plusSeconds(30)));
    store.passwords().put(rec);

    assertThat(store.passwords().find(practice, alice)).contains(rec);
  }

  @Test
  void recordFailure_countsOnlyFromTheExpectedCount() {
    store.passwords().put(new PasswordRecord(practice, alice, HASH_1, T0, false,
        Optional.empty(), 20, 0, Optional.empty()));

    assertThat(store.passwords().recordFailure(practice, alice, 0, Optional.empty())).isTrue();
    assertThat(store.passwords().recordFailure(practice, alice, 0, Optional.empty())).isFalse();
    assertThat(store.passwords().recordFailure(practice, alice, 1,
        Optional.of(T0.plusSeconds(60)))).isTrue();

    PasswordRecord got = store.passwords().find(practice, alice).orElseThrow();
    assertThat(got.failures()).isEqualTo(2);
    assertThat(got.nextCheck()).contains(T0.plusSeconds(60));
    assertThat(got.hash()).isEqualTo(HASH_1);
    assertThat(got.length()).isEqualTo(20);
    assertThat(store.passwords().recordFailure(practice, bob, 0, Optional.empty())).isFalse();
  }

  @Test
  void recordFailure_32ThreadsExpectingTheSameCount_exactlyOneWins() throws Exception {
    store.passwords().put(new PasswordRecord(practice, alice, HASH_1, T0, false,
        Optional.empty()));

    java.util.List<Boolean> results = race(THREADS,
        () -> store.passwords().recordFailure(practice, alice, 0, Optional.empty()));

    assertThat(wins(results)).isEqualTo(1);
    assertThat(store.passwords().find(practice, alice).orElseThrow().failures()).isEqualTo(1);
  }

  @Test
  void clearFailures_resetsCountAndNextCheckOfThatUserOnly() {
    store.passwords().put(new PasswordRecord(practice, alice, HASH_1, T0, false,
        Optional.empty(), 16, 7, Optional.of(T0.plusSeconds(60))));
    store.passwords().put(new PasswordRecord(practice, bob, HASH_2, T0, false,
        Optional.empty(), 16, 7, Optional.of(T0.plusSeconds(60))));

    store.passwords().clearFailures(practice, alice);

    PasswordRecord a = store.passwords().find(practice, alice).orElseThrow();
    assertThat(a.failures()).isZero();
    assertThat(a.nextCheck()).isEmpty();
    assertThat(a.hash()).isEqualTo(HASH_1);
    assertThat(store.passwords().find(practice, bob).orElseThrow().failures()).isEqualTo(7);
  }
}
