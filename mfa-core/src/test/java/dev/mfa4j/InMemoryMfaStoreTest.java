package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine-facing guarantees of the in-memory store (the TCK module covers the full contract). */
class InMemoryMfaStoreTest {
  private static final PracticeId P = PracticeId.of("p1");
  private static final UserId U = UserId.of("alice");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static FactorRecord factor(String id, Optional<String> lookup) {
    return new FactorRecord(FactorId.of(id), P, U, FactorKind.TOTP, "l", FactorState.ACTIVE, T0,
        Optional.empty(), 0, 0, lookup, new byte[] {1, 2, 3}, Map.of());
  }

  private static ChallengeRecord challenge(byte[] hash, int max) {
    return new ChallengeRecord(hash, P, U, ChallengePurpose.SIGN_IN, Optional.empty(), T0,
        T0.plusSeconds(60), 0, max, Optional.empty());
  }

  @Test
  void recordUse_counterOnlyMovesForward() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    s.factors().insert(factor("f1", Optional.empty()));

    assertThat(s.factors().recordUse(P, U, FactorId.of("f1"), 5, T0)).isTrue();
    assertThat(s.factors().recordUse(P, U, FactorId.of("f1"), 5, T0)).isFalse();
    assertThat(s.factors().recordUse(P, U, FactorId.of("f1"), 4, T0)).isFalse();
    assertThat(s.factors().recordUse(P, U, FactorId.of("f1"), -1, T0)).isTrue();
    assertThat(s.factors().find(P, U, FactorId.of("f1")).get().counter()).isEqualTo(5);
    assertThat(s.factors().recordUse(P, UserId.of("bob"), FactorId.of("f1"), 9, T0)).isFalse();
  }

  @Test
  void insert_duplicateIdOrLookupKey_storeException() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    s.factors().insert(factor("f1", Optional.of("cred")));
    assertThatThrownBy(() -> s.factors().insert(factor("f1", Optional.empty())))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> s.factors().insert(factor("f2", Optional.of("cred"))))
        .isInstanceOf(StoreException.class);
    assertThat(s.factors().findByLookupKey(FactorKind.TOTP, "cred")).isPresent();
  }

  @Test
  void factorLookups_takeTheOwner() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    s.factors().insert(factor("f1", Optional.empty()));
    assertThat(s.factors().find(P, UserId.of("bob"), FactorId.of("f1"))).isEmpty();
    assertThat(s.factors().find(PracticeId.of("p2"), U, FactorId.of("f1"))).isEmpty();
    assertThat(s.factors().delete(P, UserId.of("bob"), FactorId.of("f1"))).isFalse();
  }

  @Test
  void challenge_attemptsCappedConsumedOnceAndNotAfterExpiry() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    byte[] h = new byte[32];
    s.challenges().insert(challenge(h, 2));

    assertThat(s.challenges().takeAttempt(h, T0)).isTrue();
    assertThat(s.challenges().takeAttempt(h, T0)).isTrue();
    assertThat(s.challenges().takeAttempt(h, T0)).isFalse();
    assertThat(s.challenges().consume(h, T0.plusSeconds(60))).isFalse();
    assertThat(s.challenges().consume(h, T0)).isTrue();
    assertThat(s.challenges().consume(h, T0)).isFalse();
  }

  @Test
  void challenge_hashArrayCopied() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    byte[] h = new byte[32];
    s.challenges().insert(challenge(h, 2));
    byte[] read = s.challenges().find(h).get().idHash();
    read[0] = 9;
    h[1] = 9;
    assertThat(s.challenges().find(new byte[32])).isPresent();
  }

  @Test
  void challengeState_replacedAndPurgedWithChallenge() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    byte[] h = new byte[32];
    s.challenges().insert(challenge(h, 2));
    s.challenges().putState(h, "k", "v1");
    s.challenges().putState(h, "k", "v2");
    assertThat(s.challenges().state(h, "k")).contains("v2");
    assertThatThrownBy(() -> s.challenges().putState(h, "k", "x".repeat(16 * 1024 + 1)))
        .isInstanceOf(StoreException.class);

    assertThat(s.challenges().purgeExpired(T0.plusSeconds(61), 100)).isEqualTo(1);
    assertThat(s.challenges().state(h, "k")).isEmpty();
  }

  @Test
  void backupCodes_consumeOnceAndReplaceAll() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    s.backupCodes().replaceAll(P, U, List.of(
        new BackupCodeRecord(P, U, "AAAA", "$h1", T0, Optional.empty()),
        new BackupCodeRecord(P, U, "BBBB", "$h2", T0, Optional.empty())));

    assertThat(s.backupCodes().consume(P, U, "AAAA", T0)).isTrue();
    assertThat(s.backupCodes().consume(P, U, "AAAA", T0)).isFalse();
    assertThat(s.backupCodes().consume(P, UserId.of("bob"), "BBBB", T0)).isFalse();
    assertThat(s.backupCodes().countUnused(P, U)).isEqualTo(1);
    s.backupCodes().replaceAll(P, U, List.of(
        new BackupCodeRecord(P, U, "CCCC", "$h3", T0, Optional.empty())));
    assertThat(s.backupCodes().find(P, U, "BBBB")).isEmpty();
    assertThat(s.backupCodes().deleteAll(P, U)).isEqualTo(1);
  }

  @Test
  void counters_windowed() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    assertThat(s.counters().increment("k", T0, T0.plusSeconds(10))).isEqualTo(1);
    assertThat(s.counters().increment("k", T0.plusSeconds(5), T0.plusSeconds(99))).isEqualTo(2);
    assertThat(s.counters().get("k", T0.plusSeconds(9))).isEqualTo(2);
    assertThat(s.counters().get("k", T0.plusSeconds(10))).isZero();
    assertThat(s.counters().increment("k", T0.plusSeconds(10), T0.plusSeconds(20))).isEqualTo(1);
  }

  @Test
  void users_failuresClearedBySignIn() {
    InMemoryMfaStore s = new InMemoryMfaStore();
    assertThat(s.users().recordFailure(P, U)).isEqualTo(1);
    assertThat(s.users().recordFailure(P, U)).isEqualTo(2);
    s.users().lockUntil(P, U, T0);
    s.users().recordSignIn(P, U, new dev.mfa4j.spi.SignIn(T0, "127.0.0.1", "ua"));
    assertThat(s.users().find(P, U).get().consecutiveFailures()).isZero();
    assertThat(s.users().find(P, U).get().lockedUntil()).isEmpty();
    assertThat(s.users().recordGraceSignIn(P, U, T0)).isEqualTo(1);
    assertThat(s.users().recordGraceSignIn(P, U, T0.plusSeconds(1))).isEqualTo(2);
    assertThat(s.users().find(P, U).get().graceStarted()).contains(T0);
  }
}
