package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import dev.mfa4j.totp.Otp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An answer is one unit of work, and the lockout holds under concurrency: two app nodes (two
 * engines, each with its own pool) on one embedded PostgreSQL, answers fired behind a barrier,
 * under the default policy (5 failures lock, 5 answers per challenge, 100 per factor).
 */
class AtomicAnswerTest {
  private static final int THREADS = 32;
  private static SimplePool poolA;
  private static SimplePool poolB;
  private static JdbcMfaStore storeA;
  private static MfaEngine nodeA;
  private static MfaEngine nodeB;
  private static final MutableClock CLOCK = MutableClock.at("2026-04-01T08:00:00Z");

  @BeforeAll
  static void start() {
    String prefix = Databases.freshPrefix();
    poolA = Databases.secondPool(Dialect.POSTGRESQL, THREADS / 2 + 2);
    poolB = Databases.secondPool(Dialect.POSTGRESQL, THREADS / 2 + 2);
    storeA = JdbcMfaStore.builder(poolA).tablePrefix(prefix).build();
    JdbcMfaStore storeB = JdbcMfaStore.builder(poolB).tablePrefix(prefix).build();
    storeA.migrate();
    Nodes nodes = new Nodes();
    nodeA = nodes.engineWithTotp(storeA, CLOCK, PracticePolicy.defaults());
    nodeB = nodes.engineWithTotp(storeB, CLOCK, PracticePolicy.defaults());
  }

  @AfterAll
  static void stop() {
    poolA.close();
    poolB.close();
  }

  private static MfaEngine node(int i) {
    return i % 2 == 0 ? nodeA : nodeB;
  }

  /** Runs every task on its own thread, all released at once. */
  private static List<LoginStep> race(List<Callable<LoginStep>> tasks) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
    try {
      return Races.race(threads, tasks);
    } finally {
      threads.shutdownNow();
    }
  }

  private static long count(List<LoginStep> results, Class<?> type) {
    return results.stream().filter(type::isInstance).count();
  }

  private static List<AuditEvent> audit(UserRef user) {
    return storeA.audit().find(new AuditQuery(user.practice(), Optional.of(user.user()),
        Optional.empty(), 500));
  }

  /** Answers that were checked and found wrong (a refusal before checking is DENIED). */
  private static long checked(UserRef user) {
    return audit(user).stream().filter(e -> e.outcome() == AuditOutcome.FAILURE
        && (e.type() == AuditType.SECOND_FACTOR_FAILED || e.type() == AuditType.CODE_REPLAYED))
        .count();
  }

  private static int failures(UserRef user) {
    return storeA.users().find(user.practice(), user.user())
        .map(UserSecurityState::consecutiveFailures).orElse(0);
  }

  private static String wrong(String right) {
    return right.equals("000000") ? "111111" : "000000";
  }

  private static String now(Nodes.TotpEnrolled f) {
    return Otp.totp(f.uri().secret().reveal(), CLOCK.instant(), f.uri().parameters());
  }

  @Test
  void twoHundredWrongAnswersOverFortyChallenges_atMostTheThresholdChecked() throws Exception {
    UserRef user = UserRef.staff("atomic", "guessed-" + Databases.freshPrefix());
    Nodes.TotpEnrolled f = Nodes.enrollTotp(nodeA, user, CLOCK);
    CLOCK.advance(Duration.ofSeconds(30));
    String bad = wrong(now(f));
    List<Callable<LoginStep>> tasks = new ArrayList<>();
    for (int c = 0; c < 40; c++) {
      MfaEngine node = node(c);
      ChallengeId id = Nodes.challenge(node, user).challenge();
      for (int a = 0; a < 5; a++) {
        tasks.add(() -> node.login().verify(user, id, Answer.code(f.id(), bad),
            RememberDevice.NO, Nodes.REQUEST));
      }
    }

    List<LoginStep> results = race(tasks);

    int threshold = PracticePolicy.defaults().lockoutThreshold();
    assertThat(checked(user)).as("answers checked").isEqualTo(threshold);
    assertThat(count(results, LoginStep.Locked.class)).isEqualTo(200 - threshold + 1);
    assertThat(failures(user)).isEqualTo(threshold);
    // while locked, even the right code is not checked
    ChallengeId more = nodeB.login().afterPrimary(user, Nodes.REQUEST) instanceof LoginStep.Locked
        ? null : Nodes.challenge(nodeB, user).challenge();
    assertThat(more).as("afterPrimary while locked").isNull();
  }

  @Test
  void thirtyTwoCopiesOfOneCorrectCode_oneSignInNoFailureNotLocked() throws Exception {
    UserRef user = UserRef.staff("atomic", "double-" + Databases.freshPrefix());
    Nodes.TotpEnrolled f = Nodes.enrollTotp(nodeA, user, CLOCK);
    CLOCK.advance(Duration.ofSeconds(30));
    String code = now(f);
    ChallengeId id = Nodes.challenge(nodeA, user).challenge();
    List<Callable<LoginStep>> tasks = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      MfaEngine node = node(i);
      tasks.add(() -> node.login().verify(user, id, Answer.code(f.id(), code),
          RememberDevice.NO, Nodes.REQUEST));
    }

    List<LoginStep> results = race(tasks);

    assertThat(count(results, LoginStep.Authenticated.class)).isEqualTo(1);
    assertThat(results).filteredOn(r -> !(r instanceof LoginStep.Authenticated))
        .containsOnly(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    assertThat(failures(user)).isZero();
    assertThat(checked(user)).isZero();
    assertThat(nodeB.login().afterPrimary(user, Nodes.REQUEST))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
  }

  @Test
  void twoDifferentValidAnswersOnOneChallenge_oneSignInLosersBackupCodeUnspent()
      throws Exception {
    for (int trial = 0; trial < 20; trial++) {
      UserRef user = UserRef.staff("atomic", "two-" + trial + "-" + Databases.freshPrefix());
      Nodes.TotpEnrolled f = Nodes.enrollTotp(nodeA, user, CLOCK);
      CLOCK.advance(Duration.ofSeconds(30));
      String code = now(f);
      String backup = f.backupCodes().reveal().get(0);
      ChallengeId id = Nodes.challenge(nodeA, user).challenge();

      List<LoginStep> results = race(List.of(
          () -> nodeA.login().verify(user, id, Answer.code(f.id(), code), RememberDevice.NO,
              Nodes.REQUEST),
          () -> nodeB.login().verify(user, id, Answer.backupCode(backup), RememberDevice.NO,
              Nodes.REQUEST)));

      assertThat(count(results, LoginStep.Authenticated.class)).as("trial %d", trial)
          .isEqualTo(1);
      assertThat(results).contains(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
      boolean backupWon = ((LoginStep.Authenticated) results.stream()
          .filter(LoginStep.Authenticated.class::isInstance).findFirst().orElseThrow())
          .method().orElseThrow().id().equals("backup_code");
      assertThat(nodeB.account(user).backupCodesRemaining()).as("trial %d", trial)
          .isEqualTo(backupWon ? 9 : 10);
      assertThat(failures(user)).isZero();
      assertThat(checked(user)).isZero();
    }
  }

  @Test
  void parallelWrongAnswersToOneFactor_neverMoreThanTheFactorLimitChecked() throws Exception {
    UserRef user = UserRef.staff("atomic", "factor-" + Databases.freshPrefix());
    PracticePolicy lenient = PracticePolicy.builder().factorFailureLimit(10)
        .maxAttemptsPerChallenge(10).lockout(100, Duration.ofSeconds(1), Duration.ofSeconds(1))
        .build();
    storeA.policies().put(user.practice(), lenient);
    MfaEngine a = new Nodes().engineWithTotp(storeA, CLOCK, lenient);
    Nodes.TotpEnrolled f = Nodes.enrollTotp(a, user, CLOCK);
    CLOCK.advance(Duration.ofSeconds(30));
    String bad = wrong(now(f));
    List<Callable<LoginStep>> tasks = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      ChallengeId id = Nodes.challenge(a, user).challenge();
      for (int i = 0; i < 10; i++) {
        tasks.add(() -> a.login().verify(user, id, Answer.code(f.id(), bad), RememberDevice.NO,
            Nodes.REQUEST));
      }
    }

    race(tasks);

    long factorChecked = audit(user).stream()
        .filter(e -> e.type() == AuditType.SECOND_FACTOR_FAILED
            && f.id().value().equals(e.details().get("factor"))
            && !"unknown_factor".equals(e.details().get("reason")))
        .count();
    assertThat(factorChecked).isEqualTo(10);
    assertThat(audit(user)).filteredOn(e -> e.type() == AuditType.FACTOR_DISABLED).hasSize(1);
  }

  @Test
  void failureAtEveryStatement_typedErrorAndTheSameCodeWorksAfterwards() throws Exception {
    for (boolean backupCode : new boolean[] {false, true}) {
      SimplePool pool = Databases.secondPool(Dialect.POSTGRESQL, 4);
      FaultyDataSource faulty = new FaultyDataSource(pool);
      JdbcMfaStore store = JdbcMfaStore.builder(faulty).tablePrefix(Databases.freshPrefix())
          .dialect(Dialect.POSTGRESQL).build();
      store.migrate();
      MfaEngine engine = new Nodes().engineWithTotp(store, CLOCK, PracticePolicy.defaults());
      UserRef user = UserRef.staff("atomic", "faults-" + backupCode);
      Nodes.TotpEnrolled f = Nodes.enrollTotp(engine, user, CLOCK);
      CLOCK.advance(Duration.ofSeconds(30));
      // warm the policy cache, then count the statements of one answer
      engine.login().afterPrimary(user, Nodes.REQUEST);
      ChallengeId probe = Nodes.challenge(engine, user).challenge();
      long before = faulty.roundTrips();
      Answer probeAnswer = backupCode ? Answer.backupCode(f.backupCodes().reveal().get(9))
          : Answer.code(f.id(), now(f));
      assertThat(engine.login().verify(user, probe, probeAnswer, RememberDevice.YES,
          Nodes.REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
      long statements = faulty.roundTrips() - before;
      assertThat(statements).isPositive();

      for (int k = 1; k <= statements; k++) {
        CLOCK.advance(Duration.ofSeconds(30));
        Answer answer = backupCode ? Answer.backupCode(f.backupCodes().reveal().get(k % 9))
            : Answer.code(f.id(), now(f));
        ChallengeId c = Nodes.challenge(engine, user).challenge();
        faulty.failFrom(k);
        int step = k;
        Throwable thrown = catchThrowable(() -> engine.login().verify(user, c, answer,
            RememberDevice.YES, Nodes.REQUEST));
        faulty.heal();
        assertThat(thrown).as("%s: statement %d of %d", backupCode ? "backup" : "totp", step,
            statements).isInstanceOf(StoreException.class);
        // nothing was spent: the same answer on the same challenge signs in
        assertThat(engine.login().verify(user, c, answer, RememberDevice.YES, Nodes.REQUEST))
            .as("%s: after a failure at statement %d", backupCode ? "backup" : "totp", step)
            .isInstanceOf(LoginStep.Authenticated.class);
      }
      pool.close();
    }
  }
}
