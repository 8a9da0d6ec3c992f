package dev.mfa4j.store.jdbc;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two app nodes — two engines, each with its own connection pool — on one embedded PostgreSQL.
 * In each of 1,000 trials, {@value #RACERS} requests split over both nodes answer at once with the
 * same TOTP code (mfa-totp's real provider; the clock moves one period per trial), the same backup
 * code, or into the same challenge: exactly one may sign in (RFC 6238 §5.2, NIST SP 800-63B-4
 * single use; keycloak#26106). Two wide races add {@value #WIDE} threads per trial (same TOTP
 * code, same backup code) over 100 trials. {@code -Dmfa4j.raceTrials=N} and {@code
 * -Dmfa4j.wideRaceTrials=N} change the numbers of trials.
 */
class TwoNodeRaceTest {
  static final int TRIALS = Integer.getInteger("mfa4j.raceTrials", 1000);
  static final int RACERS = 4;
  /** Threads of the wide races (the checklist's 32), over fewer trials. */
  static final int WIDE = 32;
  static final int WIDE_TRIALS = Integer.getInteger("mfa4j.wideRaceTrials", 100);

  private static SimplePool poolA;
  private static SimplePool poolB;
  private static MfaEngine nodeA;
  private static MfaEngine nodeB;
  private static ExecutorService threads;
  private static MutableClock clock;

  @BeforeAll
  static void startNodes() {
    String prefix = Databases.freshPrefix();
    poolA = Databases.secondPool(Dialect.POSTGRESQL, WIDE / 2 + 2);
    poolB = Databases.secondPool(Dialect.POSTGRESQL, WIDE / 2 + 2);
    JdbcMfaStore storeA = JdbcMfaStore.builder(poolA).tablePrefix(prefix).build();
    JdbcMfaStore storeB = JdbcMfaStore.builder(poolB).tablePrefix(prefix).build();
    storeA.migrate();
    storeB.migrate();
    clock = MutableClock.at("2026-03-02T08:00:00Z");
    Nodes nodes = new Nodes();
    nodeA = nodes.engineWithTotp(storeA, clock, Nodes.permissive());
    nodeB = nodes.engineWithTotp(storeB, clock, Nodes.permissive());
    threads = Executors.newFixedThreadPool(WIDE);
  }

  @AfterAll
  static void stopNodes() {
    threads.shutdownNow();
    poolA.close();
    poolB.close();
  }

  private static MfaEngine node(int i) {
    return i % 2 == 0 ? nodeA : nodeB;
  }

  private static List<LoginStep> race(List<Callable<LoginStep>> tasks) throws Exception {
    return Races.race(threads, tasks);
  }

  private static long authenticated(List<LoginStep> results) {
    return results.stream().filter(r -> r instanceof LoginStep.Authenticated).count();
  }

  @Test
  void sameTotpCode_onTwoNodes_exactlyOneSuccessPerTrial() throws Exception {
    UserRef user = UserRef.staff("race", "totp-" + Databases.freshPrefix());
    Nodes.TotpEnrolled f = Nodes.enrollTotp(nodeA, user, clock);
    int failedTrials = 0;
    for (int trial = 1; trial <= TRIALS; trial++) {
      clock.advance(java.time.Duration.ofSeconds(f.uri().parameters().periodSeconds()));
      String answer = dev.mfa4j.totp.Otp.totp(f.uri().secret().reveal(), clock.instant(),
          f.uri().parameters());
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        MfaEngine node = node(i);
        ChallengeId c = Nodes.challenge(node, user).challenge();
        tasks.add(() -> node.login().verify(user, c, Answer.code(f.id(), answer),
            RememberDevice.NO, Nodes.REQUEST));
      }
      List<LoginStep> results = race(tasks);
      if (authenticated(results) != 1) {
        failedTrials++;
        assertThat(authenticated(results)).as("trial %d: %s", trial, results).isEqualTo(1);
      }
    }
    assertThat(failedTrials).isZero();
  }

  @Test
  void sameBackupCode_onTwoNodes_exactlyOneSuccessPerTrial() throws Exception {
    UserRef user = UserRef.staff("race", "backup-" + Databases.freshPrefix());
    Nodes.Enrolled f = Nodes.enroll(nodeA, user, FactorKind.PHONE, Map.of());
    List<String> codes = f.backupCodes().reveal();
    for (int trial = 0; trial < TRIALS; trial++) {
      if (trial > 0 && trial % codes.size() == 0) {
        codes = node(trial / codes.size()).account(user)
            .regenerateBackupCodes(dev.mfa4j.Password.of(Nodes.PASSWORD), Nodes.REQUEST).reveal();
      }
      String code = codes.get(trial % codes.size());
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        MfaEngine node = node(i);
        ChallengeId c = Nodes.challenge(node, user).challenge();
        tasks.add(() -> node.login().verify(user, c, Answer.backupCode(code), RememberDevice.NO,
            Nodes.REQUEST));
      }
      List<LoginStep> results = race(tasks);
      assertThat(authenticated(results)).as("trial %d: %s", trial, results).isEqualTo(1);
      assertThat(nodeB.account(user).backupCodesRemaining()).as("the used code is marked used")
          .isEqualTo(codes.size() - 1 - trial % codes.size());
    }
  }

  @Test
  void sameTotpCode_32ThreadsOnTwoNodes_exactlyOneSuccessPerTrial() throws Exception {
    for (int trial = 1; trial <= WIDE_TRIALS; trial++) {
      // a fresh user per trial: 31 refused answers must not add up to a lockout across trials
      UserRef user = UserRef.staff("race", "wide-totp-" + trial + "-" + Databases.freshPrefix());
      Nodes.TotpEnrolled f = Nodes.enrollTotp(node(trial), user, clock);
      clock.advance(java.time.Duration.ofSeconds(f.uri().parameters().periodSeconds()));
      String answer = dev.mfa4j.totp.Otp.totp(f.uri().secret().reveal(), clock.instant(),
          f.uri().parameters());
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < WIDE; i++) {
        MfaEngine node = node(i);
        ChallengeId c = Nodes.challenge(node, user).challenge();
        tasks.add(() -> node.login().verify(user, c, Answer.code(f.id(), answer),
            RememberDevice.NO, Nodes.REQUEST));
      }
      List<LoginStep> results = race(tasks);
      assertThat(authenticated(results)).as("trial %d: %s", trial, results).isEqualTo(1);
    }
  }

  @Test
  void sameBackupCode_32ThreadsOnTwoNodes_exactlyOneSuccessPerTrial() throws Exception {
    for (int trial = 0; trial < WIDE_TRIALS; trial++) {
      // a fresh user per trial: 31 refused answers must not add up to a lockout across trials
      UserRef user = UserRef.staff("race", "wide-backup-" + trial + "-" + Databases.freshPrefix());
      Nodes.Enrolled f = Nodes.enroll(node(trial), user, FactorKind.PHONE, Map.of());
      String code = f.backupCodes().reveal().get(trial % 10);
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < WIDE; i++) {
        MfaEngine node = node(i);
        ChallengeId c = Nodes.challenge(node, user).challenge();
        tasks.add(() -> node.login().verify(user, c, Answer.backupCode(code), RememberDevice.NO,
            Nodes.REQUEST));
      }
      List<LoginStep> results = race(tasks);
      assertThat(authenticated(results)).as("trial %d: %s", trial, results).isEqualTo(1);
      assertThat(node(trial + 1).account(user).backupCodesRemaining()).isEqualTo(9);
    }
  }

  @Test
  void sameChallenge_onTwoNodes_exactlyOneSuccessPerTrial() throws Exception {
    UserRef user = UserRef.staff("race", "challenge-" + Databases.freshPrefix());
    Nodes.Enrolled f = Nodes.enroll(nodeA, user, FactorKind.PHONE, Map.of());
    for (int trial = 0; trial < TRIALS; trial++) {
      ChallengeId c = Nodes.challenge(node(trial), user).challenge();
      List<Callable<LoginStep>> tasks = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        MfaEngine node = node(i);
        tasks.add(() -> node.login().verify(user, c, Answer.code(f.id(), f.code()),
            RememberDevice.NO, Nodes.REQUEST));
      }
      List<LoginStep> results = race(tasks);
      assertThat(authenticated(results)).as("trial %d: %s", trial, results).isEqualTo(1);
    }
  }
}
