package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.StoreConflictException;
import dev.mfa4j.StoreException;
import dev.mfa4j.StoreOutcomeUnknownException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.SecurityNotification;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import dev.mfa4j.totp.Otp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A distributed SQL database (CockroachDB, YugabyteDB) may report a serialization failure
 * (SQLState 40001) at any statement of a transaction or at its {@code COMMIT}. A proxy data
 * source ({@link FaultyDataSource}) makes it so: a dry run first counts the round trips S of one
 * answer (TOTP, backup code, SMS code), then for every N from 1 to S a fresh user's answer gets a
 * 40001 at round trip N, once. Each time the engine runs the whole unit again and the answer is
 * {@link LoginStep.Authenticated} exactly once: the challenge took one attempt, the audit rows
 * and the listener calls are those of one sign-in (the same event ids), a backup code is spent
 * once, and the same code a second time is refused. With a 40001 at every attempt the answer
 * fails with a typed {@link StoreConflictException}, changes nothing, counts no failure, and the
 * same code then still signs in. Runs on H2 and embedded PostgreSQL.
 */
class ConflictRetryTest {
  private static final Duration STEP = Duration.ofSeconds(30);

  /** One answer kind. */
  enum Kind { TOTP, BACKUP_CODE, SMS }

  /** An engine over a faulty data source, with listeners that record what they were told. */
  private static final class Rig implements AutoCloseable {
    final SimplePool pool;
    final FaultyDataSource faulty;
    final String prefix = Databases.freshPrefix();
    final JdbcMfaStore store;
    final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    final OutboxSender outbox = new OutboxSender();
    final List<AuditEvent> told = new CopyOnWriteArrayList<>();
    final List<SecurityNotification> noticed = new CopyOnWriteArrayList<>();
    final MfaEngine engine;
    private final AtomicInteger users = new AtomicInteger();

    Rig(Dialect dialect) {
      pool = Databases.secondPool(dialect, 4);
      faulty = new FaultyDataSource(pool);
      store = JdbcMfaStore.builder(faulty).tablePrefix(prefix).dialect(dialect).build();
      store.migrate();
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      engine = MfaEngine.builder()
          .store(store)
          .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
          .passwordVerifier((user, password) -> MessageDigest.isEqual(
              Nodes.PASSWORD.getBytes(StandardCharsets.UTF_8),
              new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
          .factor(dev.mfa4j.totp.TotpFactor.builder().issuer("retry tests").build())
          .factor(OneTimeCodeFactor.builder().sender(outbox).practiceName(p -> "Retry").build())
          .clock(clock)
          .defaultPolicy(Nodes.permissive())
          // read the policy at every step, so that every answer makes the same statements
          .policyCache(Duration.ZERO)
          .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
          .auditListener(told::add)
          .securityListener(noticed::add)
          .build();
    }

    /** A new user of a practice of its own, enrolled with the kind's factor. */
    Subject enroll(Kind kind) {
      int n = users.incrementAndGet();
      UserRef user = UserRef.staff("p" + n + prefix, "u" + n);
      clock.advance(Duration.ofMinutes(2));
      if (kind == Kind.SMS) {
        String number = String.format("+4474001234%02d", n % 100);
        EnrollmentStart start = engine.account(user).beginEnrollment(FactorKind.PHONE, "Mobile",
            Password.of(Nodes.PASSWORD), Map.of("phone", number, "channel", "SMS"),
            request("enroll"));
        EnrollmentOutcome out = engine.account(user).confirmEnrollment(start.ceremony(),
            Answer.code(start.factor(), lastCode()), request("enroll"));
        assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
        return new Subject(kind, user, start.factor(), null,
            ((EnrollmentOutcome.Confirmed) out).backupCodes().orElseThrow().reveal());
      }
      Nodes.TotpEnrolled t = Nodes.enrollTotp(engine, user, clock);
      return new Subject(kind, user, t.id(), t.uri(), t.backupCodes().reveal());
    }

    String lastCode() {
      return outbox.last().orElseThrow().code(6).orElseThrow();
    }

    /** A challenge, prompted (an SMS sent, outside any unit) for an SMS answer. */
    ChallengeId challenge(Subject s) {
      clock.advance(Duration.ofMinutes(2));
      ChallengeId c = Nodes.challenge(engine, s.user()).challenge();
      if (s.kind() == Kind.SMS) {
        engine.login().prompt(s.user(), c, s.factor(), Map.of(), request("prompt"));
      }
      return c;
    }

    /** The answer the user would type now: a TOTP code, the i-th backup code, the sent code. */
    Answer answerFor(Subject s, int backup) {
      return switch (s.kind()) {
        case TOTP -> Answer.code(s.factor(), Otp.totp(s.uri().secret().reveal(),
            clock.instant(), s.uri().parameters()));
        case BACKUP_CODE -> Answer.backupCode(s.backupCodes().get(backup));
        case SMS -> Answer.code(s.factor(), lastCode());
      };
    }

    LoginStep verify(Subject s, ChallengeId c, Answer a, String browser) {
      return engine.login().verify(s.user(), c, a, RememberDevice.NO, request(browser));
    }

    /** A first sign-in, without faults, so that the next one is from a new browser. */
    void warmUp(Subject s) {
      ChallengeId c = challenge(s);
      assertThat(verify(s, c, answerFor(s, 0), "warm-up")).isInstanceOf(
          LoginStep.Authenticated.class);
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /** An enrolled user. */
  private record Subject(Kind kind, UserRef user, FactorId factor,
      dev.mfa4j.totp.OtpAuthUri uri, List<String> backupCodes) {}

  private static RequestContext request(String browser) {
    return RequestContext.of("127.0.0.1", "Browser " + browser);
  }

  /** What the database holds about one user's sign-in, read past the faulty data source. */
  private record Seen(Set<String> auditIds, long signIns, int attempts, boolean consumed,
      int failures, long unusedBackupCodes, long counter) {}

  private static Seen seen(Rig rig, Subject s, ChallengeId c) throws Exception {
    String p = rig.prefix;
    Object[] user = {s.user().practice().value(), s.user().user().value()};
    try (Connection con = rig.pool.getConnection()) {
      Set<String> ids = new HashSet<>(Jdbc.query(con, "SELECT id FROM " + p + "audit WHERE"
          + " practice = ? AND subject = ?", rs -> rs.getString(1), user));
      long signIns = Jdbc.queryOne(con, "SELECT COUNT(*) FROM " + p + "audit WHERE practice = ?"
          + " AND subject = ? AND type = 'SIGN_IN_SUCCEEDED'", rs -> rs.getLong(1), user)
          .orElseThrow();
      List<Object> challenge = Jdbc.queryOne(con, "SELECT attempts, consumed FROM " + p
          + "challenge WHERE id_hash = ?", rs -> List.<Object>of(rs.getInt(1),
              rs.getObject(2) != null), (Object) c.hash()).orElseThrow();
      int failures = Jdbc.queryOne(con, "SELECT failures FROM " + p + "user_state WHERE"
          + " practice = ? AND user_id = ?", rs -> rs.getInt(1), user).orElseThrow();
      long unused = Jdbc.queryOne(con, "SELECT COUNT(*) FROM " + p + "backup_code WHERE"
          + " practice = ? AND user_id = ? AND used IS NULL", rs -> rs.getLong(1), user)
          .orElseThrow();
      long counter = Jdbc.queryOne(con, "SELECT counter FROM " + p + "factor WHERE id = ?",
          rs -> rs.getLong(1), s.factor().value()).orElseThrow();
      return new Seen(ids, signIns, (Integer) challenge.get(0), (Boolean) challenge.get(1),
          failures, unused, counter);
    }
  }

  /** The round trips of one answer of this kind, and what each was (SQL or COMMIT). */
  private static List<String> dryRun(Rig rig, Kind kind) {
    Subject s = rig.enroll(kind);
    rig.warmUp(s);
    ChallengeId c = rig.challenge(s);
    Answer a = rig.answerFor(s, 1);
    long before = rig.faulty.roundTrips();
    rig.faulty.log.clear();
    assertThat(rig.verify(s, c, a, "dry run")).isInstanceOf(LoginStep.Authenticated.class);
    long trips = rig.faulty.roundTrips() - before;
    List<String> log = new ArrayList<>(rig.faulty.log);
    assertThat(log).as("one logged statement or commit per round trip").hasSize((int) trips);
    return log;
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"H2", "POSTGRESQL"})
  void aConflictAtAnyRoundTrip_isRetried_andTheAnswerCountsOnce(Dialect dialect)
      throws Exception {
    try (Rig rig = new Rig(dialect)) {
      for (Kind kind : Kind.values()) {
        List<String> trips = dryRun(rig, kind);
        int total = trips.size();
        System.out.println("round trips " + dialect + " " + kind + " answer: " + total);
        for (int n = 1; n <= total; n++) {
          String where = dialect + " " + kind + " conflict at round trip " + n + " of " + total
              + " (" + abbreviate(trips.get(n - 1)) + ")";
          Subject s = rig.enroll(kind);
          rig.warmUp(s);
          ChallengeId c = rig.challenge(s);
          Answer a = rig.answerFor(s, 1);
          Seen before = seen(rig, s, c);
          int sentBefore = rig.outbox.calls();
          rig.told.clear();
          rig.noticed.clear();
          long tripsBefore = rig.faulty.roundTrips();
          long conflictsBefore = rig.faulty.conflicts();

          rig.faulty.conflictOnce(n);
          LoginStep step = rig.verify(s, c, a, "new " + n);
          rig.faulty.heal();

          assertThat(step).as(where).isInstanceOf(LoginStep.Authenticated.class);
          assertThat(rig.faulty.conflicts() - conflictsBefore).as(where).isEqualTo(1);
          // the failed run took n round trips, then the whole unit ran again
          assertThat(rig.faulty.roundTrips() - tripsBefore).as(where).isEqualTo(n + total);
          Seen after = seen(rig, s, c);
          assertThat(after.attempts()).as(where + ": challenge attempts").isEqualTo(1);
          assertThat(after.consumed()).as(where + ": challenge consumed").isTrue();
          assertThat(after.signIns() - before.signIns()).as(where + ": SIGN_IN rows")
              .isEqualTo(1);
          assertThat(after.failures()).as(where + ": user failures").isZero();
          assertThat(before.unusedBackupCodes() - after.unusedBackupCodes())
              .as(where + ": backup codes spent").isEqualTo(kind == Kind.BACKUP_CODE ? 1 : 0);
          // the audit listeners were told exactly the events that committed, once each
          Set<String> written = new HashSet<>(after.auditIds());
          written.removeAll(before.auditIds());
          assertThat(rig.told).as(where + ": audit listener calls").extracting(AuditEvent::id)
              .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written);
          assertThat(rig.told).filteredOn(e -> e.type() == dev.mfa4j.spi.AuditType
              .SIGN_IN_SUCCEEDED).as(where).hasSize(1);
          List<NotificationType> expected = kind == Kind.BACKUP_CODE
              ? List.of(NotificationType.BACKUP_CODE_USED, NotificationType.NEW_DEVICE_SIGN_IN)
              : List.of(NotificationType.NEW_DEVICE_SIGN_IN);
          assertThat(rig.noticed).as(where + ": notices").extracting(SecurityNotification::type)
              .containsExactlyElementsOf(expected);
          assertThat(rig.outbox.calls()).as(where + ": messages sent").isEqualTo(sentBefore);
          if (kind == Kind.TOTP) {
            assertThat(after.counter()).as(where + ": TOTP counter advanced to the code's step")
                .isEqualTo(rig.clock.instant().getEpochSecond() / STEP.getSeconds());
          }

          // the same code again is refused: a replay, not a second sign-in
          ChallengeId again = kind == Kind.SMS ? c : rig.challenge(s);
          LoginStep replay = rig.verify(s, again, a, "replay");
          assertThat(replay).as(where + ": replay").isNotInstanceOf(
              LoginStep.Authenticated.class);
          assertThat(seen(rig, s, c).signIns()).as(where).isEqualTo(after.signIns());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"H2", "POSTGRESQL"})
  void aConflictAtEveryAttempt_failsClosedWithATypedError_andBurnsNothing(Dialect dialect)
      throws Exception {
    try (Rig rig = new Rig(dialect)) {
      for (Kind kind : Kind.values()) {
        int total = dryRun(rig, kind).size();
        for (int n : new int[] {1, total}) {
          String where = dialect + " " + kind + " conflict at round trip " + n + " of " + total
              + " of every attempt";
          Subject s = rig.enroll(kind);
          rig.warmUp(s);
          ChallengeId c = rig.challenge(s);
          Answer a = rig.answerFor(s, 1);
          Seen before = seen(rig, s, c);
          rig.told.clear();
          rig.noticed.clear();
          long tripsBefore = rig.faulty.roundTrips();

          rig.faulty.conflictEvery(n);
          Throwable thrown = catchThrowable(() -> rig.verify(s, c, a, "conflicted"));
          rig.faulty.heal();

          assertThat(thrown).as(where).isInstanceOf(StoreConflictException.class);
          assertThat(((StoreException) thrown).retryable()).isTrue();
          assertThat(thrown.getMessage()).as(where).contains("40001").doesNotContain(
              s.user().user().value());
          assertThat(rig.faulty.roundTrips() - tripsBefore).as(where + ": three attempts")
              .isEqualTo(3L * n);
          assertThat(seen(rig, s, c)).as(where + ": nothing changed").isEqualTo(before);
          assertThat(rig.told).as(where).isEmpty();
          assertThat(rig.noticed).as(where).isEmpty();

          // the code was not burned and no failure was counted: the same answer signs in
          assertThat(rig.verify(s, c, a, "after")).as(where).isInstanceOf(
              LoginStep.Authenticated.class);
          Seen after = seen(rig, s, c);
          assertThat(after.attempts()).isEqualTo(1);
          assertThat(after.signIns() - before.signIns()).isEqualTo(1);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"H2", "POSTGRESQL"})
  void aCommitWithAnUnknownOutcome_isNeverRetried(Dialect dialect) throws Exception {
    try (Rig rig = new Rig(dialect)) {
      int total = dryRun(rig, Kind.TOTP).size();
      Subject s = rig.enroll(Kind.TOTP);
      rig.warmUp(s);
      ChallengeId c = rig.challenge(s);
      Answer a = rig.answerFor(s, 1);
      Seen before = seen(rig, s, c);
      long tripsBefore = rig.faulty.roundTrips();

      rig.faulty.failFrom(total); // the COMMIT: the connection breaks (08006)
      Throwable thrown = catchThrowable(() -> rig.verify(s, c, a, "unknown"));
      rig.faulty.heal();

      assertThat(thrown).isInstanceOf(StoreOutcomeUnknownException.class);
      assertThat(((StoreException) thrown).retryable()).isFalse();
      assertThat(rig.faulty.roundTrips() - tripsBefore).as("one attempt only").isEqualTo(total);
      // (the proxy failed the commit before the database saw it: nothing was written)
      assertThat(seen(rig, s, c)).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"H2", "POSTGRESQL"})
  void aUnitThatCaughtAConflict_neverCommits(Dialect dialect) throws Exception {
    try (Rig rig = new Rig(dialect)) {
      Instant now = rig.clock.instant();
      byte[] id = new byte[32];
      new SecureRandom().nextBytes(id);
      ChallengeRecord rec = new ChallengeRecord(id, dev.mfa4j.PracticeId.of("swallow"),
          dev.mfa4j.UserId.of("u1"), ChallengePurpose.SIGN_IN, Optional.empty(), now,
          now.plus(Duration.ofMinutes(5)), 0, 3, Optional.empty());
      rig.faulty.conflictOnce(2);
      Throwable thrown = catchThrowable(() -> rig.store.atomically(() -> {
        rig.store.challenges().insert(rec); // round trip 1: written in the unit
        try {
          rig.store.challenges().find(id); // round trip 2: 40001, caught
        } catch (StoreConflictException e) {
          // a careless caller carries on
        }
        // later statements of the unit fail at once, without reaching the database
        assertThat(catchThrowable(() -> rig.store.challenges().find(id)))
            .isInstanceOf(StoreConflictException.class);
        return null;
      }));
      rig.faulty.heal();
      assertThat(thrown).isInstanceOf(StoreConflictException.class);
      assertThat(rig.store.challenges().find(id)).as("the insert was rolled back").isEmpty();
    }
  }

  /** MariaDB's deadlock (error 1213) and PostgreSQL's (40P01) are conflicts too. */
  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"H2"})
  void deadlocks_areRetriedLikeSerializationFailures(Dialect dialect) throws Exception {
    try (Rig rig = new Rig(dialect)) {
      String[][] kinds = {{"40P01", "0"}, {"40001", "1213"}, {"HY000", "1213"}};
      for (String[] k : kinds) {
        Subject s = rig.enroll(Kind.TOTP);
        rig.warmUp(s);
        ChallengeId c = rig.challenge(s);
        Answer a = rig.answerFor(s, 1);
        long conflicts = rig.faulty.conflicts();
        rig.faulty.conflict(1, false, k[0], Integer.parseInt(k[1]));
        LoginStep step = rig.verify(s, c, a, "deadlock");
        rig.faulty.heal();
        assertThat(rig.faulty.conflicts() - conflicts).isEqualTo(1);
        assertThat(step).as("SQLState %s error %s", k[0], k[1])
            .isInstanceOf(LoginStep.Authenticated.class);
      }
    }
  }

  private static String abbreviate(String sql) {
    String s = sql.replaceAll("\\s+", " ");
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}
