package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.BackupCodeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.BackupCodeStore}; extend it and supply a store. */
public abstract class BackupCodeStoreContract extends StoreContractSupport {

  private List<BackupCodeRecord> set(PracticeId p, UserId user, String tag) {
    List<BackupCodeRecord> codes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      codes.add(new BackupCodeRecord(p, user, tag + i,
          "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$" + unique(), T0, Optional.empty()));
    }
    return codes;
  }

  @Test
  void replaceAll_thenFind_roundTripsEveryField() {
    List<BackupCodeRecord> codes = set(practice, alice, "a");
    store.backupCodes().replaceAll(practice, alice, codes);

    BackupCodeRecord got = store.backupCodes().find(practice, alice, "a3").orElseThrow();

    assertThat(got).isEqualTo(codes.get(3));
    assertThat(store.backupCodes().countUnused(practice, alice)).isEqualTo(10);
  }

  @Test
  void replaceAll_replacesTheWholeSet() {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "old"));
    store.backupCodes().consume(practice, alice, "old0", T0);

    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "new"));

    assertThat(store.backupCodes().find(practice, alice, "old1")).isEmpty();
    assertThat(store.backupCodes().find(practice, alice, "old0")).isEmpty();
    assertThat(store.backupCodes().find(practice, alice, "new1")).isPresent();
    assertThat(store.backupCodes().countUnused(practice, alice)).isEqualTo(10);
  }

  @Test
  void replaceAll_withAnEmptyList_clearsTheSet() {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));

    store.backupCodes().replaceAll(practice, alice, List.of());

    assertThat(store.backupCodes().countUnused(practice, alice)).isZero();
    assertThat(store.backupCodes().find(practice, alice, "a1")).isEmpty();
  }

  @Test
  void replaceAll_leavesOtherUsersSetsAlone() {
    store.backupCodes().replaceAll(practice, bob, set(practice, bob, "b"));
    store.backupCodes().replaceAll(otherPractice, alice, set(otherPractice, alice, "c"));

    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));

    assertThat(store.backupCodes().countUnused(practice, bob)).isEqualTo(10);
    assertThat(store.backupCodes().countUnused(otherPractice, alice)).isEqualTo(10);
  }

  @Test
  void consume_twice_secondReturnsFalse() {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));

    assertThat(store.backupCodes().consume(practice, alice, "a1", T0.plusSeconds(9))).isTrue();
    assertThat(store.backupCodes().consume(practice, alice, "a1", T0.plusSeconds(10))).isFalse();

    assertThat(store.backupCodes().find(practice, alice, "a1").orElseThrow().used())
        .contains(T0.plusSeconds(9));
    assertThat(store.backupCodes().countUnused(practice, alice)).isEqualTo(9);
  }

  @Test
  void consume_withAnotherUsersIds_returnsFalseAndLeavesTheCodeUnused() {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));

    assertThat(store.backupCodes().consume(practice, bob, "a1", T0)).isFalse();
    assertThat(store.backupCodes().consume(otherPractice, alice, "a1", T0)).isFalse();
    assertThat(store.backupCodes().find(practice, bob, "a1")).isEmpty();
    assertThat(store.backupCodes().find(practice, alice, "a1").orElseThrow().used()).isEmpty();
  }

  @Test
  void consume_unknownLookupId_returnsFalse() {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));

    assertThat(store.backupCodes().consume(practice, alice, "zz", T0)).isFalse();
    assertThat(store.backupCodes().countUnused(practice, alice)).isEqualTo(10);
  }

  @Test
  void consume_32Threads_exactlyOneWins() throws Exception {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));
    for (int trial = 0; trial < 5; trial++) {
      String lookup = "a" + trial;

      List<Boolean> results = race(THREADS,
          () -> store.backupCodes().consume(practice, alice, lookup, T0));

      assertThat(wins(results)).as("trial " + trial).isEqualTo(1);
    }
    assertThat(store.backupCodes().countUnused(practice, alice)).isEqualTo(5);
  }

  @Test
  void deleteAll_removesTheUsersSetOnly() {
    store.backupCodes().replaceAll(practice, alice, set(practice, alice, "a"));
    store.backupCodes().replaceAll(practice, bob, set(practice, bob, "b"));

    assertThat(store.backupCodes().deleteAll(practice, alice)).isEqualTo(10);
    assertThat(store.backupCodes().countUnused(practice, alice)).isZero();
    assertThat(store.backupCodes().countUnused(practice, bob)).isEqualTo(10);
    assertThat(store.backupCodes().deleteAll(practice, alice)).isZero();
  }
}
