package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  private static final int THREADS = 32;
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static ExecutorService pool;

  @BeforeAll
  static void start() {
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static List<LoginStep> race(List<Callable<LoginStep>> tasks) throws Exception {
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<LoginStep>> futures = new ArrayList<>();
    for (Callable<LoginStep> t : tasks) {
      futures.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        return t.call();
      }));
    }
    ready.await();
    go.countDown();
    List<LoginStep> out = new ArrayList<>();
    for (Future<LoginStep> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  private static PracticePolicy permissive() {
    return PracticePolicy.builder().maxAttemptsPerChallenge(10)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build();
  }

  @Test
  void sameBackupCode_32ThreadsOwnChallenges_exactlyOneWinsEachTrial() throws Exception {
    for (int trial = 0; trial < 15; trial++) {
      Fixture fx = new Fixture(permissive());
      String code = fx.enroll(ALICE).backupCodes().orElseThrow().reveal().get(trial % 10);
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        ChallengeId c = fx.challenge(ALICE).challenge();
        tasks.add(() -> fx.engine.login().verify(ALICE, c, Answer.backupCode(code),
            RememberDevice.NO, fx.request));
      }

      List<LoginStep> results = race(tasks);

      assertThat(results).filteredOn(r -> r instanceof LoginStep.Authenticated).hasSize(1);
      assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(9);
    }
  }

  @Test
  void sameChallenge_32ThreadsRightCode_exactlyOneWinsEachTrial() throws Exception {
    for (int trial = 0; trial < 40; trial++) {
      Fixture fx = new Fixture(permissive());
      Fixture.Enrolled f = fx.enroll(ALICE);
      ChallengeId c = fx.challenge(ALICE).challenge();
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        tasks.add(() -> fx.answer(ALICE, c, f.id(), f.code()));
      }

      List<LoginStep> results = race(tasks);

      assertThat(results).filteredOn(r -> r instanceof LoginStep.Authenticated).hasSize(1);
      assertThat(results).filteredOn(r -> !(r instanceof LoginStep.Authenticated))
          .allMatch(r -> r instanceof LoginStep.Rejected);
    }
  }

  @Test
  void sameChallenge_32ThreadsBackupCodes_exactlyOneWinsEachTrial() throws Exception {
    for (int trial = 0; trial < 10; trial++) {
      Fixture fx = new Fixture(permissive());
      List<String> codes = fx.enroll(ALICE).backupCodes().orElseThrow().reveal();
      ChallengeId c = fx.challenge(ALICE).challenge();
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        String code = codes.get(i % codes.size());
        tasks.add(() -> fx.engine.login().verify(ALICE, c, Answer.backupCode(code),
            RememberDevice.NO, fx.request));
      }

      List<LoginStep> results = race(tasks);

      assertThat(results).filteredOn(r -> r instanceof LoginStep.Authenticated).hasSize(1);
    }
  }

  @Test
  void wrongGuesses_32Threads_allCountedTowardsFactorLimit() throws Exception {
    Fixture fx = new Fixture(PracticePolicy.builder().maxAttemptsPerChallenge(10)
        .factorFailureLimit(32).lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    fx.enroll(ALICE, Fixture.PHONE);
    List<Callable<LoginStep>> tasks = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      ChallengeId c = fx.challenge(ALICE).challenge();
      tasks.add(() -> fx.answer(ALICE, c, f.id(), "00000000"));
    }

    race(tasks);

    assertThat(fx.store.users().find(ALICE.practice(), ALICE.user()).get().consecutiveFailures())
        .isEqualTo(THREADS);
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), f.id()).get().state())
        .isEqualTo(dev.mfa4j.spi.FactorState.DISABLED);
    assertThat(fx.auditCount(dev.mfa4j.spi.AuditType.FACTOR_DISABLED)).isEqualTo(1);
  }
}
