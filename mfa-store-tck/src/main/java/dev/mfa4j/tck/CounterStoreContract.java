package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.CounterStore}; extend it and supply a store. */
public abstract class CounterStoreContract extends StoreContractSupport {
  private static final Instant WINDOW_END = T0.plus(Duration.ofHours(1));

  @Test
  void get_unknownKey_isZero() {
    assertThat(store.counters().get("sms:user:" + unique(), T0)).isZero();
  }

  @Test
  void increment_countsWithinTheWindow() {
    String key = "sms:user:" + unique();

    assertThat(store.counters().increment(key, T0, WINDOW_END)).isEqualTo(1);
    assertThat(store.counters().increment(key, T0.plusSeconds(1), WINDOW_END)).isEqualTo(2);
    assertThat(store.counters().increment(key, T0.plusSeconds(2), WINDOW_END.plusSeconds(99)))
        .as("a later windowEnd does not extend the running window").isEqualTo(3);
    assertThat(store.counters().get(key, T0.plusSeconds(3))).isEqualTo(3);
    assertThat(store.counters().get(key, WINDOW_END.minusNanos(1000))).isEqualTo(3);
  }

  @Test
  void increment_afterTheWindowEnded_restartsAtOne() {
    String key = "sms:user:" + unique();
    store.counters().increment(key, T0, WINDOW_END);
    store.counters().increment(key, T0, WINDOW_END);

    assertThat(store.counters().get(key, WINDOW_END)).as("window ended").isZero();
    Instant nextEnd = WINDOW_END.plus(Duration.ofHours(1));
    assertThat(store.counters().increment(key, WINDOW_END, nextEnd)).isEqualTo(1);
    assertThat(store.counters().increment(key, WINDOW_END.plusSeconds(1), nextEnd)).isEqualTo(2);
    assertThat(store.counters().get(key, nextEnd.minusSeconds(1))).isEqualTo(2);
    assertThat(store.counters().get(key, nextEnd)).isZero();
  }

  @Test
  void increment_keysAreIndependent() {
    String a = "a:" + unique();
    String b = "b:" + unique();
    store.counters().increment(a, T0, WINDOW_END);
    store.counters().increment(a, T0, WINDOW_END);

    assertThat(store.counters().increment(b, T0, WINDOW_END)).isEqualTo(1);
    assertThat(store.counters().get(a, T0)).isEqualTo(2);
  }

  @Test
  void increment_32ThreadsOnANewKey_countsEveryIncrementOnce() throws Exception {
    String key = "race:" + unique();

    List<Long> results = race(THREADS, () -> store.counters().increment(key, T0, WINDOW_END));

    assertThat(results).containsExactlyInAnyOrderElementsOf(
        LongStream.rangeClosed(1, THREADS).boxed().toList());
    assertThat(store.counters().get(key, T0)).isEqualTo(THREADS);
  }

  /** Long before {@link #T0}: only the purge tests make windows that end so early. */
  private static final Instant LONG_AGO = T0.minus(Duration.ofDays(4000));

  @Test
  void purgeExpired_deletesEndedWindowsOnly() {
    String ended = "purge:ended:" + unique();
    String edge = "purge:edge:" + unique();
    String running = "purge:running:" + unique();
    store.counters().increment(ended, LONG_AGO.minusSeconds(60), LONG_AGO);
    store.counters().increment(edge, LONG_AGO.minusSeconds(60), LONG_AGO.plusSeconds(60));
    store.counters().increment(running, T0, WINDOW_END);
    store.counters().increment(running, T0, WINDOW_END);

    assertThat(store.counters().purgeExpired(LONG_AGO.plusSeconds(60), 100)).isEqualTo(1);

    assertThat(store.counters().get(running, T0)).as("a running window keeps its count")
        .isEqualTo(2);
    assertThat(store.counters().get(edge, LONG_AGO)).as("ending at the cut-off: kept")
        .isEqualTo(1);
    assertThat(store.counters().purgeExpired(LONG_AGO.plusSeconds(60), 100))
        .as("the ended window is gone").isZero();
    assertThat(store.counters().increment(ended, LONG_AGO.minusSeconds(30), LONG_AGO))
        .as("the key starts afresh").isEqualTo(1);
  }

  @Test
  void purgeExpired_deletesAtMostTheLimit() {
    List<String> keys = LongStream.range(0, 5).mapToObj(i -> "purge:batch:" + i + ":" + unique())
        .toList();
    for (int i = 0; i < keys.size(); i++) {
      store.counters().increment(keys.get(i), LONG_AGO.minusSeconds(60),
          LONG_AGO.plusSeconds(i));
    }
    Instant cut = LONG_AGO.plusSeconds(10);

    assertThat(store.counters().purgeExpired(cut, 3)).isEqualTo(3);
    assertThat(store.counters().purgeExpired(cut, 3)).as("fewer than the limit: done")
        .isEqualTo(2);
    assertThat(store.counters().purgeExpired(cut, 3)).isZero();
  }
}
