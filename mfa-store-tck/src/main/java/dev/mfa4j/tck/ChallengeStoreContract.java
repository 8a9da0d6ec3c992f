package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.FactorId;
import dev.mfa4j.StoreException;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.ChallengeStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.ChallengeStore}; extend it and supply a store. */
public abstract class ChallengeStoreContract extends StoreContractSupport {
  /** When test challenges expire: five minutes after {@link #T0}. */
  protected static final Instant EXPIRES = T0.plus(Duration.ofMinutes(5));

  private ChallengeRecord challenge(int maxAttempts) {
    return new ChallengeRecord(hash32(), practice, alice, ChallengePurpose.SIGN_IN,
        Optional.empty(), T0, EXPIRES, 0, maxAttempts, Optional.empty());
  }

  private ChallengeRecord inserted(int maxAttempts) {
    ChallengeRecord c = challenge(maxAttempts);
    store.challenges().insert(c);
    return c;
  }

  @Test
  void insert_thenFind_roundTripsEveryField() {
    FactorId factor = FactorId.of(unique());
    ChallengeRecord c = new ChallengeRecord(hash32(), practice, alice, ChallengePurpose.ENROLLMENT,
        Optional.of(factor), T0, EXPIRES, 2, 7, Optional.of(T0.plusSeconds(3)));
    store.challenges().insert(c);

    ChallengeRecord got = store.challenges().find(c.idHash()).orElseThrow();

    assertSameBytes(got.idHash(), c.idHash());
    assertThat(got.practice()).isEqualTo(practice);
    assertThat(got.user()).isEqualTo(alice);
    assertThat(got.purpose()).isEqualTo(ChallengePurpose.ENROLLMENT);
    assertThat(got.factor()).contains(factor);
    assertThat(got.created()).isEqualTo(T0);
    assertThat(got.expires()).isEqualTo(EXPIRES);
    assertThat(got.attempts()).isEqualTo(2);
    assertThat(got.maxAttempts()).isEqualTo(7);
    assertThat(got.consumed()).contains(T0.plusSeconds(3));
  }

  @Test
  void insert_everyPurpose_roundTrips() {
    for (ChallengePurpose purpose : ChallengePurpose.values()) {
      ChallengeRecord c = new ChallengeRecord(hash32(), practice, alice, purpose,
          Optional.empty(), T0, EXPIRES, 0, 5, Optional.empty());
      store.challenges().insert(c);
      ChallengeRecord got = store.challenges().find(c.idHash()).orElseThrow();
      assertThat(got.purpose()).isEqualTo(purpose);
      assertThat(got.factor()).isEmpty();
      assertThat(got.consumed()).isEmpty();
    }
  }

  @Test
  void insert_duplicateIdHash_throwsStoreException() {
    ChallengeRecord c = inserted(5);

    assertThatThrownBy(() -> store.challenges().insert(c)).isInstanceOf(StoreException.class);
  }

  @Test
  void find_unknownHash_isEmpty() {
    inserted(5);

    assertThat(store.challenges().find(hash32())).isEmpty();
  }

  @Test
  void takeAttempt_stopsAtMaxAttempts() {
    ChallengeRecord c = inserted(3);

    assertThat(store.challenges().takeAttempt(c.idHash(), T0)).isTrue();
    assertThat(store.challenges().takeAttempt(c.idHash(), T0)).isTrue();
    assertThat(store.challenges().takeAttempt(c.idHash(), T0)).isTrue();
    assertThat(store.challenges().takeAttempt(c.idHash(), T0)).isFalse();
    assertThat(store.challenges().find(c.idHash()).orElseThrow().attempts()).isEqualTo(3);
  }

  @Test
  void takeAttempt_atOrAfterExpiry_isRefused() {
    ChallengeRecord c = inserted(5);

    assertThat(store.challenges().takeAttempt(c.idHash(), EXPIRES.minusNanos(1000))).isTrue();
    assertThat(store.challenges().takeAttempt(c.idHash(), EXPIRES)).isFalse();
    assertThat(store.challenges().takeAttempt(c.idHash(), EXPIRES.plusSeconds(1))).isFalse();
    assertThat(store.challenges().find(c.idHash()).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void takeAttempt_afterConsume_isRefused() {
    ChallengeRecord c = inserted(5);
    assertThat(store.challenges().consume(c.idHash(), T0)).isTrue();

    assertThat(store.challenges().takeAttempt(c.idHash(), T0)).isFalse();
  }

  @Test
  void takeAttempt_unknownChallenge_isRefused() {
    assertThat(store.challenges().takeAttempt(hash32(), T0)).isFalse();
  }

  @Test
  void takeAttempt_32Threads_takeExactlyMaxAttempts() throws Exception {
    ChallengeRecord c = inserted(5);

    List<Boolean> results = race(THREADS, () -> store.challenges().takeAttempt(c.idHash(), T0));

    assertThat(wins(results)).isEqualTo(5);
    assertThat(store.challenges().find(c.idHash()).orElseThrow().attempts()).isEqualTo(5);
  }

  @Test
  void consume_twice_secondReturnsFalse() {
    ChallengeRecord c = inserted(5);

    assertThat(store.challenges().consume(c.idHash(), T0.plusSeconds(10))).isTrue();
    assertThat(store.challenges().consume(c.idHash(), T0.plusSeconds(11))).isFalse();
    assertThat(store.challenges().find(c.idHash()).orElseThrow().consumed())
        .contains(T0.plusSeconds(10));
  }

  @Test
  void consume_atOrAfterExpiry_returnsFalse() {
    ChallengeRecord c = inserted(5);

    assertThat(store.challenges().consume(c.idHash(), EXPIRES)).isFalse();
    assertThat(store.challenges().find(c.idHash()).orElseThrow().consumed()).isEmpty();
  }

  @Test
  void consume_unknownChallenge_returnsFalse() {
    assertThat(store.challenges().consume(hash32(), T0)).isFalse();
  }

  @Test
  void consume_32Threads_exactlyOneWins() throws Exception {
    for (int trial = 0; trial < 5; trial++) {
      ChallengeRecord c = inserted(5);

      List<Boolean> results = race(THREADS, () -> store.challenges().consume(c.idHash(), T0));

      assertThat(wins(results)).as("trial " + trial).isEqualTo(1);
    }
  }

  @Test
  void putState_thenState_returnsTheLatestValuePerKey() {
    ChallengeRecord c = inserted(5);
    ChallengeRecord other = inserted(5);

    store.challenges().putState(c.idHash(), "code", "hash-1");
    store.challenges().putState(c.idHash(), "channel", "sms");
    store.challenges().putState(c.idHash(), "code", "hash-2");
    store.challenges().putState(other.idHash(), "code", "other");

    assertThat(store.challenges().state(c.idHash(), "code")).contains("hash-2");
    assertThat(store.challenges().state(c.idHash(), "channel")).contains("sms");
    assertThat(store.challenges().state(c.idHash(), "missing")).isEmpty();
    assertThat(store.challenges().state(other.idHash(), "code")).contains("other");
  }

  @Test
  void putState_valueOf16KiB_roundTrips() {
    ChallengeRecord c = inserted(5);
    String big = "ü".repeat(16 * 1024);

    store.challenges().putState(c.idHash(), "options", big);

    assertThat(store.challenges().state(c.idHash(), "options")).contains(big);
  }

  /** Long before {@link #T0}: only this class's purge tests make rows that expire so early. */
  private static final Instant LONG_AGO = T0.minus(java.time.Duration.ofDays(4000));

  private ChallengeRecord expiring(Instant expires) {
    ChallengeRecord c = new ChallengeRecord(hash32(), practice, alice, ChallengePurpose.SIGN_IN,
        Optional.empty(), expires.minusSeconds(300), expires, 0, 5, Optional.empty());
    store.challenges().insert(c);
    return c;
  }

  @Test
  void purgeExpired_deletesOnlyExpiredChallengesAndTheirState() {
    ChallengeRecord expired = expiring(LONG_AGO);
    store.challenges().putState(expired.idHash(), "code", "x");
    ChallengeRecord edge = expiring(LONG_AGO.plusSeconds(60));
    ChallengeRecord live = inserted(5);
    store.challenges().putState(live.idHash(), "code", "y");

    int purged = store.challenges().purgeExpired(LONG_AGO.plusSeconds(60), 100);

    assertThat(purged).isEqualTo(1);
    assertThat(store.challenges().find(expired.idHash())).isEmpty();
    assertThat(store.challenges().state(expired.idHash(), "code")).isEmpty();
    assertThat(store.challenges().find(edge.idHash()))
        .as("expiring exactly at the cut-off is not yet before it").isPresent();
    assertThat(store.challenges().find(live.idHash())).isPresent();
    assertThat(store.challenges().state(live.idHash(), "code")).contains("y");
  }

  @Test
  void purgeExpired_deletesAtMostTheLimit_oldestFirst() {
    List<ChallengeRecord> old = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(expiring(LONG_AGO.plusSeconds(i)));
    }
    ChallengeRecord live = inserted(5);
    Instant cut = LONG_AGO.plusSeconds(10);

    assertThat(store.challenges().purgeExpired(cut, 2)).isEqualTo(2);
    assertThat(store.challenges().find(old.get(0).idHash())).as("oldest first").isEmpty();
    assertThat(store.challenges().find(old.get(1).idHash())).isEmpty();
    assertThat(store.challenges().find(old.get(2).idHash())).isPresent();
    assertThat(store.challenges().purgeExpired(cut, 2)).isEqualTo(2);
    assertThat(store.challenges().purgeExpired(cut, 2)).as("fewer than the limit: done")
        .isEqualTo(1);
    assertThat(store.challenges().purgeExpired(cut, 2)).isZero();
    assertThat(old).allSatisfy(c -> assertThat(store.challenges().find(c.idHash())).isEmpty());
    assertThat(store.challenges().find(live.idHash())).isPresent();
  }

  @Test
  void purgeExpired_refusesALimitOutOfRange() {
    assertThatThrownBy(() -> store.challenges().purgeExpired(T0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.challenges().purgeExpired(T0, ChallengeStore.MAX_PURGE + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
