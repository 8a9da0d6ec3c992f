package dev.mfa4j.store.sharded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What sharding adds to the contract: a unit that needs two shards is refused and writes nothing;
 * lookups not scoped to a practice find rows on any shard; counters are global; a shard that is
 * down fails closed for its practices and no others; a frozen practice is refused alone.
 */
class ShardingTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static List<SimplePool> pools;
  private static List<Switch> switches;
  private static String prefix;
  private static ShardDirectory directory;
  private static ShardedMfaStore store;
  private static MutableClock clock;
  private static MfaEngine engine;

  @BeforeAll
  static void start() {
    pools = Shards.pools(16);
    switches = new ArrayList<>();
    for (SimplePool p : pools) {
      switches.add(new Switch(p));
    }
    prefix = Shards.freshPrefix();
    directory = ShardDirectory.withDefault("a");
    store = Shards.builder(directory, switches).tablePrefix(prefix).build();
    store.migrate();
    clock = MutableClock.at("2026-03-02T08:00:00Z");
    engine = new Nodes().engine(store, clock, Nodes.permissive());
  }

  @AfterAll
  static void stop() {
    pools.forEach(SimplePool::close);
  }

  @AfterEach
  void allUp() {
    switches.forEach(s -> s.down = false);
  }

  /** A practice new to this test, put on {@code shard}. */
  private static PracticeId practiceOn(String shard) {
    PracticeId p = PracticeId.of("p-" + Shards.freshPrefix());
    directory.assign(p, shard);
    return p;
  }

  private static JdbcMfaStore plain(String shard) {
    return JdbcMfaStore.builder(pools.get(Shards.NAMES.indexOf(shard))).tablePrefix(prefix)
        .build();
  }

  private static FactorRecord passkey(PracticeId p, UserId user, String credentialId) {
    return new FactorRecord(FactorId.of("f-" + Shards.freshPrefix()), p, user, FactorKind.PASSKEY,
        "Key", FactorState.ACTIVE, T0, Optional.empty(), 0, 0, Optional.of(credentialId),
        new byte[40], Map.of());
  }

  @Test
  void aUnitOnTwoShards_isRefused_andWritesNothingOnEither() {
    PracticeId onA = practiceOn("a");
    PracticeId onB = practiceOn("b");
    UserId u = UserId.of("alice");

    assertThatThrownBy(() -> store.atomically(() -> {
      store.users().recordFailure(onA, u);
      return store.users().recordFailure(onB, u);
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("two shards");

    assertThat(store.users().find(onA, u)).as("the first shard's write is undone").isEmpty();
    assertThat(store.users().find(onB, u)).isEmpty();
    assertThat(plain("b").users().find(onB, u)).isEmpty();
  }

  @Test
  void aUnitOnTwoPracticesOfOneShard_commits() {
    PracticeId one = practiceOn("b");
    PracticeId two = practiceOn("b");
    UserId u = UserId.of("alice");

    store.atomically(() -> {
      store.users().recordFailure(one, u);
      return store.users().recordFailure(two, u);
    });

    assertThat(plain("b").users().find(one, u)).isPresent();
    assertThat(plain("b").users().find(two, u)).isPresent();
    assertThat(plain("a").users().find(one, u)).isEmpty();
  }

  @Test
  void aPasskeyCredential_isFoundOnAnyShard_evenFromAUnitOnAnother() {
    PracticeId onC = practiceOn("c");
    PracticeId onA = practiceOn("a");
    FactorRecord key = passkey(onC, UserId.of("carol"), "cred-" + Shards.freshPrefix());
    store.factors().insert(key);

    assertThat(store.factors().findByLookupKey(FactorKind.PASSKEY, key.lookupKey().get()))
        .map(FactorRecord::id).contains(key.id());
    Optional<FactorRecord> inUnit = store.atomically(() -> {
      store.users().lock(onA, UserId.of("alice"));
      return store.factors().findByLookupKey(FactorKind.PASSKEY, key.lookupKey().get());
    });
    assertThat(inUnit).map(FactorRecord::id).contains(key.id());
    assertThat(plain("c").factors().findByLookupKey(FactorKind.PASSKEY, key.lookupKey().get()))
        .as("kept on its practice's shard").isPresent();
    assertThat(plain("a").factors().findByLookupKey(FactorKind.PASSKEY, key.lookupKey().get()))
        .isEmpty();
  }

  @Test
  void aCredentialIdOnTwoShards_failsClosed() {
    String id = "cred-" + Shards.freshPrefix();
    store.factors().insert(passkey(practiceOn("a"), UserId.of("a1"), id));
    store.factors().insert(passkey(practiceOn("b"), UserId.of("b1"), id));

    assertThatThrownBy(() -> store.factors().findByLookupKey(FactorKind.PASSKEY, id))
        .isInstanceOf(StoreException.class).hasMessageContaining("two shards");
  }

  @Test
  void counters_areGlobalAcrossShards_andAnUndoneUnitTakesItsIncrementBack() {
    String key = "sms:number:" + Shards.freshPrefix();
    Instant end = T0.plusSeconds(3600);
    for (String shard : Shards.NAMES) {
      PracticeId p = practiceOn(shard);
      store.atomically(() -> {
        store.users().lock(p, UserId.of("u"));
        return store.counters().increment(key, T0, end);
      });
    }
    assertThat(store.counters().get(key, T0)).as("one ceiling for every shard").isEqualTo(3);
    assertThat(plain(store.counterHome()).counters().get(key, T0)).isEqualTo(3);

    PracticeId p = practiceOn("c");
    assertThatThrownBy(() -> store.atomically(() -> {
      store.users().lock(p, UserId.of("u"));
      assertThat(store.counters().increment(key, T0, end)).isEqualTo(4);
      throw new IllegalStateException("undo");
    })).hasMessage("undo");
    assertThat(store.counters().get(key, T0)).isEqualTo(3);
  }

  @Test
  void aShardDown_failsClosedForItsPractices_andNoOthers() {
    UserRef onA = UserRef.staff("pa-" + Shards.freshPrefix(), "alice");
    UserRef onC = UserRef.staff("pc-" + Shards.freshPrefix(), "carol");
    directory.assign(onA.practice(), "a").assign(onC.practice(), "c");
    Nodes.Enrolled a = Nodes.enroll(engine, onA, FactorKind.PHONE, Map.of());
    Nodes.Enrolled c = Nodes.enroll(engine, onC, FactorKind.PHONE, Map.of());
    LoginStep.SecondFactorRequired cStep = Nodes.challenge(engine, onC);

    switches.get(2).down = true;

    LoginStep.SecondFactorRequired aStep = Nodes.challenge(engine, onA);
    assertThat(engine.login().verify(onA, aStep.challenge(), Answer.code(a.id(), a.code()),
        RememberDevice.NO, Nodes.REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(engine.account(onA).backupCodesRemaining()).isEqualTo(10);

    assertThatThrownBy(() -> Nodes.challenge(engine, onC)).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> engine.login().verify(onC, cStep.challenge(),
        Answer.code(c.id(), c.code()), RememberDevice.NO, Nodes.REQUEST))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.challenges().find(new byte[32]))
        .as("absence cannot be told while a shard is down").isInstanceOf(StoreException.class);

    switches.get(2).down = false;
    assertThat(engine.login().verify(onC, cStep.challenge(), Answer.code(c.id(), c.code()),
        RememberDevice.NO, Nodes.REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void aFrozenPractice_isRefusedAlone_untilThawed() {
    UserRef frozen = UserRef.staff("pf-" + Shards.freshPrefix(), "fay");
    UserRef other = UserRef.staff("po-" + Shards.freshPrefix(), "otto");
    directory.assign(frozen.practice(), "b").assign(other.practice(), "b");
    Nodes.Enrolled f = Nodes.enroll(engine, frozen, FactorKind.PHONE, Map.of());
    Nodes.Enrolled o = Nodes.enroll(engine, other, FactorKind.PHONE, Map.of());

    directory.freeze(frozen.practice(), Duration.ofSeconds(5));
    try {
      assertThatThrownBy(() -> Nodes.challenge(engine, frozen))
          .isInstanceOf(StoreException.class).hasMessageContaining("moved");
      LoginStep.SecondFactorRequired s = Nodes.challenge(engine, other);
      assertThat(engine.login().verify(other, s.challenge(), Answer.code(o.id(), o.code()),
          RememberDevice.NO, Nodes.REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
    } finally {
      directory.thaw(frozen.practice());
    }
    LoginStep.SecondFactorRequired s = Nodes.challenge(engine, frozen);
    assertThat(engine.login().verify(frozen, s.challenge(), Answer.code(f.id(), f.code()),
        RememberDevice.NO, Nodes.REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
  }
}
