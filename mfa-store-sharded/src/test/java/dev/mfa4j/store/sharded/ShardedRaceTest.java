package dev.mfa4j.store.sharded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import dev.mfa4j.totp.Otp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two-engine races of mfa-store-jdbc's {@code TwoNodeRaceTest}, across shards: two app nodes,
 * each a {@link ShardedMfaStore} with its own pools over the same three PostgreSQL servers. In
 * each trial one user per shard is raced at once ({@value #RACERS} answers per user split over
 * both nodes, {@value #USERS} users on three shards): exactly one answer per user signs in.
 * {@code -Dmfa4j.shardedRaceTrials=N} changes the number of trials (default 100).
 */
class ShardedRaceTest {
  static final int TRIALS = Integer.getInteger("mfa4j.shardedRaceTrials", 100);
  static final int RACERS = 4;
  static final int USERS = 3;

  private static List<SimplePool> poolsA;
  private static List<SimplePool> poolsB;
  private static MfaEngine nodeA;
  private static MfaEngine nodeB;
  private static ExecutorService threads;
  private static MutableClock clock;
  private static final List<UserRef> users = new ArrayList<>();

  @BeforeAll
  static void startNodes() {
    String prefix = Shards.freshPrefix();
    poolsA = Shards.pools(RACERS * USERS / 2 + 2);
    poolsB = Shards.pools(RACERS * USERS / 2 + 2);
    ShardDirectory dirA = ShardDirectory.withDefault("a");
    ShardDirectory dirB = ShardDirectory.withDefault("a");
    for (String shard : Shards.NAMES) {
      UserRef u = UserRef.staff("race-" + shard + "-" + prefix, "user");
      dirA.assign(u.practice(), shard);
      dirB.assign(u.practice(), shard);
      users.add(u);
    }
    ShardedMfaStore storeA = Shards.builder(dirA, poolsA).tablePrefix(prefix).build();
    ShardedMfaStore storeB = Shards.builder(dirB, poolsB).tablePrefix(prefix).build();
    storeA.migrate();
    clock = MutableClock.at("2026-03-02T08:00:00Z");
    Nodes nodes = new Nodes();
    nodeA = nodes.engineWithTotp(storeA, clock, Nodes.permissive());
    nodeB = nodes.engineWithTotp(storeB, clock, Nodes.permissive());
    threads = Executors.newFixedThreadPool(RACERS * USERS);
  }

  @AfterAll
  static void stopNodes() {
    threads.shutdownNow();
    poolsA.forEach(SimplePool::close);
    poolsB.forEach(SimplePool::close);
  }

  private static MfaEngine node(int i) {
    return i % 2 == 0 ? nodeA : nodeB;
  }

  /** Runs every task at once; returns the results in order. */
  private static List<LoginStep> race(List<Callable<LoginStep>> tasks) throws Exception {
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<LoginStep>> futures = new ArrayList<>();
    for (Callable<LoginStep> t : tasks) {
      futures.add(threads.submit(() -> {
        ready.countDown();
        go.await();
        return t.call();
      }));
    }
    ready.await();
    go.countDown();
    List<LoginStep> out = new ArrayList<>();
    for (Future<LoginStep> f : futures) {
      out.add(f.get(120, TimeUnit.SECONDS));
    }
    return out;
  }

  private static long authenticated(List<LoginStep> results, int user) {
    return results.subList(user * RACERS, (user + 1) * RACERS).stream()
        .filter(r -> r instanceof LoginStep.Authenticated).count();
  }

  @Test
  void sameTotpCode_onTwoNodes_onThreeShards_exactlyOneSuccessPerUserAndTrial() throws Exception {
    List<Nodes.TotpEnrolled> factors = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      factors.add(Nodes.enrollTotp(node(u), users.get(u), clock));
    }
    int period = factors.get(0).uri().parameters().periodSeconds();
    for (int trial = 1; trial <= TRIALS; trial++) {
      clock.advance(Duration.ofSeconds(period));
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        UserRef user = users.get(u);
        Nodes.TotpEnrolled f = factors.get(u);
        String code = Otp.totp(f.uri().secret().reveal(), clock.instant(), f.uri().parameters());
        for (int i = 0; i < RACERS; i++) {
          MfaEngine node = node(i);
          ChallengeId c = Nodes.challenge(node, user).challenge();
          tasks.add(() -> node.login().verify(user, c, Answer.code(f.id(), code),
              RememberDevice.NO, Nodes.REQUEST));
        }
      }
      List<LoginStep> results = race(tasks);
      for (int u = 0; u < USERS; u++) {
        assertThat(authenticated(results, u)).as("trial %d, user on shard %s: %s", trial,
            Shards.NAMES.get(u), results).isEqualTo(1);
      }
    }
  }

  @Test
  void sameBackupCode_onTwoNodes_onThreeShards_exactlyOneSuccessPerUserAndTrial()
      throws Exception {
    List<UserRef> fresh = new ArrayList<>();
    List<List<String>> codes = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      // a user of its own in the same practice, so the TOTP race's lockouts do not interfere
      UserRef user = UserRef.staff(users.get(u).practice().value(), "backup");
      fresh.add(user);
      codes.add(Nodes.enroll(node(u), user, FactorKind.PHONE, Map.of()).backupCodes().reveal());
    }
    int trials = Math.min(TRIALS, 10);
    for (int trial = 0; trial < trials; trial++) {
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        UserRef user = fresh.get(u);
        String code = codes.get(u).get(trial);
        for (int i = 0; i < RACERS; i++) {
          MfaEngine node = node(i);
          ChallengeId c = Nodes.challenge(node, user).challenge();
          tasks.add(() -> node.login().verify(user, c, Answer.backupCode(code),
              RememberDevice.NO, Nodes.REQUEST));
        }
      }
      List<LoginStep> results = race(tasks);
      for (int u = 0; u < USERS; u++) {
        assertThat(authenticated(results, u)).as("trial %d: %s", trial, results).isEqualTo(1);
        assertThat(node(trial + u).account(fresh.get(u)).backupCodesRemaining())
            .isEqualTo(9 - trial);
      }
    }
  }

  @Test
  void sameChallenge_onTwoNodes_onThreeShards_exactlyOneSuccessPerUserAndTrial()
      throws Exception {
    List<UserRef> fresh = new ArrayList<>();
    List<Nodes.Enrolled> factors = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      UserRef user = UserRef.staff(users.get(u).practice().value(), "challenge");
      fresh.add(user);
      factors.add(Nodes.enroll(node(u), user, FactorKind.PHONE, Map.of()));
    }
    for (int trial = 0; trial < TRIALS; trial++) {
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        UserRef user = fresh.get(u);
        Nodes.Enrolled f = factors.get(u);
        ChallengeId c = Nodes.challenge(node(trial + u), user).challenge();
        for (int i = 0; i < RACERS; i++) {
          MfaEngine node = node(i);
          tasks.add(() -> node.login().verify(user, c, Answer.code(f.id(), f.code()),
              RememberDevice.NO, Nodes.REQUEST));
        }
      }
      List<LoginStep> results = race(tasks);
      for (int u = 0; u < USERS; u++) {
        assertThat(authenticated(results, u)).as("trial %d: %s", trial, results).isEqualTo(1);
      }
    }
  }
}
