package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Single-use edges of the in-memory store that mutation testing found unpinned: a counter of 0 is a
 * real counter (a replay of step 0 must be refused), and removing a user's factors reports how many
 * went.
 */
class InMemoryMfaStoreMutationTest {
  private static final PracticeId P = PracticeId.of("p1");
  private static final UserId U = UserId.of("alice");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static FactorRecord factor(String id, long counter) {
    return new FactorRecord(FactorId.of(id), P, U, FactorKind.TOTP, "l", FactorState.ACTIVE, T0,
        Optional.empty(), counter, 0, Optional.empty(), new byte[] {1}, Map.of());
  }

  @Test
  void recordUse_counterZeroOnFactorAtZero_isAReplay() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    s.factors().insert(factor("f1", 0));
    assertThat(s.factors().recordUse(P, U, FactorId.of("f1"), 0, T0)).isFalse();
    assertThat(s.factors().find(P, U, FactorId.of("f1")).orElseThrow().lastUsed()).isEmpty();
    assertThat(s.factors().recordUse(P, U, FactorId.of("f1"), 1, T0)).isTrue();
  }

  @Test
  void deleteAll_reportsHowManyOfTheUsersFactorsWent() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    s.factors().insert(factor("f1", 0));
    s.factors().insert(factor("f2", 0));
    assertThat(s.factors().deleteAll(P, U)).isEqualTo(2);
    assertThat(s.factors().deleteAll(P, U)).isZero();
    assertThat(s.factors().list(P, U)).isEmpty();
  }
}
