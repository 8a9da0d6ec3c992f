package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.AuditCheckpoint;
import dev.mfa4j.AuditSigner;
import dev.mfa4j.AuditTrail;
import dev.mfa4j.AuditVerification;
import dev.mfa4j.AuditVerification.Kind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit hash chain on PostgreSQL, MariaDB and H2: rows changed, deleted, inserted or reordered
 * directly in the database are reported where it happened; a rewrite of the whole chain is found
 * against a signed checkpoint; two engines appending in parallel leave one valid chain per
 * practice; a purge leaves a verifiable remainder; an export verifies without the database.
 */
class AuditChainDatabaseTest {
  private static final AuditSigner SIGNER = AuditSigner.generate("audit-test");
  private static final Map<String, java.security.PublicKey> KEYS =
      Map.of(SIGNER.keyId(), SIGNER.publicKey());

  /** One practice with a chain of sign-ins, on its own tables. */
  private static final class Scene {
    final Dialect dialect;
    final String prefix = Databases.freshPrefix();
    final MutableClock clock = MutableClock.at("2026-04-01T08:00:00Z");
    final JdbcMfaStore store;
    final MfaEngine engine;
    final UserRef user = UserRef.staff("audit-" + prefix, "alice");
    final Nodes.Enrolled factor;

    Scene(Dialect dialect, int signIns) {
      this.dialect = dialect;
      store = JdbcMfaStore.builder(Databases.of(dialect)).tablePrefix(prefix).clock(clock).build();
      store.migrate();
      engine = engine(new Nodes(), store);
      factor = Nodes.enroll(engine, user, Nodes.APP, Map.of());
      signIn(signIns);
    }

    MfaEngine engine(Nodes nodes, JdbcMfaStore s) {
      return nodes.engine(s, clock, Nodes.permissive(), b -> b.auditSigner(SIGNER));
    }

    void signIn(int n) {
      for (int i = 0; i < n; i++) {
        LoginStep.SecondFactorRequired c = Nodes.challenge(engine, user);
        assertThat(engine.login().verify(user, c.challenge(), Answer.code(factor.id(),
            factor.code()), RememberDevice.NO, Nodes.REQUEST))
            .isInstanceOf(LoginStep.Authenticated.class);
      }
    }

    PracticeId practice() {
      return user.practice();
    }

    AuditHead head() {
      return store.audit().head(practice());
    }

    AuditVerification verify() {
      return engine.auditTrail().verify(practice());
    }

    void sql(String text, Object... params) throws Exception {
      try (Connection c = Databases.of(dialect).getConnection()) {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        Jdbc.update(c, text.replace("{audit}", prefix + "audit")
            .replace("{head}", prefix + "audit_head")
            .replace("{checkpoint}", prefix + "audit_checkpoint"), params);
      }
    }

    AuditEntry entry(long seq) {
      return store.audit().chain(practice(), seq - 1, seq).get(0);
    }
  }

  private static void assertBreak(AuditVerification v, Kind kind, long seq) {
    assertThat(v.intact()).as("intact").isFalse();
    AuditVerification.Break b = v.firstBreak().get();
    assertThat(b.kind()).as(b.description()).isEqualTo(kind);
    assertThat(b.seq()).as(b.description()).isEqualTo(seq);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void intactChain_verifies(Dialect dialect) {
    Scene s = new Scene(dialect, 6);
    AuditVerification v = s.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.checked()).isEqualTo(s.head().seq()).isGreaterThan(6);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void changedRow_isReportedAtItsPlace(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    String id = s.entry(5).event().id();
    s.sql("UPDATE {audit} SET ip = ? WHERE practice = ? AND seq = ?", "203.0.113.9",
        s.practice().value(), 5L);

    AuditVerification v = s.verify();
    assertBreak(v, Kind.CHANGED, 5);
    assertThat(v.firstBreak().get().eventId()).contains(id);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void changedRowWithItsDigestRecomputed_isReportedAtItsPlace(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    AuditEntry e = s.entry(5);
    AuditEvent v = e.event();
    AuditEvent forged = new AuditEvent(v.id(), v.at(), v.practice(), v.subject(), v.actor(),
        v.type(), AuditOutcome.FAILURE, v.ip(), v.userAgent(), v.details());
    s.sql("UPDATE {audit} SET outcome = ?, digest = ? WHERE practice = ? AND seq = ?",
        "FAILURE", AuditEntry.digestOf(5, e.prev(), forged), s.practice().value(), 5L);

    assertBreak(s.verify(), Kind.CHANGED, 5);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rowChangedBeyondReading_isReportedAtItsPlace(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    s.sql("UPDATE {audit} SET type = ? WHERE practice = ? AND seq = ?", "NO_SUCH_TYPE",
        s.practice().value(), 4L);

    assertBreak(s.verify(), Kind.CHANGED, 4);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void deletedRow_isReportedAtItsPlace(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    s.sql("DELETE FROM {audit} WHERE practice = ? AND seq = ?", s.practice().value(), 5L);

    assertBreak(s.verify(), Kind.DELETED, 5);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void deletedLastRows_areReported(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    long head = s.head().seq();
    s.sql("DELETE FROM {audit} WHERE practice = ? AND seq >= ?", s.practice().value(), head - 1);

    assertBreak(s.verify(), Kind.DELETED, head - 1);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rowInsertedAfterTheHead_isReported(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    AuditHead h = s.head();
    AuditEntry forged = AuditEntry.chain(h.seq() + 1, h.digest(), forgedEvent(s));
    insert(s, forged);

    AuditVerification v = s.verify();
    assertBreak(v, Kind.INSERTED, h.seq() + 1);
    assertThat(v.firstBreak().get().eventId()).contains(forged.event().id());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rowInsertedWithTheRestRenumbered_isReportedAtItsPlace(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    AuditEntry four = s.entry(4);
    String p = s.practice().value();
    // make room at 5 (in two steps, as the unique (practice, seq) index wants)
    s.sql("UPDATE {audit} SET seq = seq + 1000000 WHERE practice = ? AND seq >= 5", p);
    s.sql("UPDATE {audit} SET seq = seq - 999999 WHERE practice = ? AND seq >= 1000000", p);
    AuditEntry forged = AuditEntry.chain(5, four.digest(), forgedEvent(s));
    insert(s, forged);
    s.sql("UPDATE {head} SET seq = seq + 1 WHERE practice = ?", p);

    AuditVerification v = s.verify();
    assertBreak(v, Kind.INSERTED, 5);
    assertThat(v.firstBreak().get().eventId()).contains(forged.event().id());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void swappedRows_areReportedAsReordered(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 6);
    String p = s.practice().value();
    String five = s.entry(5).event().id();
    s.sql("UPDATE {audit} SET seq = -4 WHERE practice = ? AND seq = 4", p);
    s.sql("UPDATE {audit} SET seq = 4 WHERE practice = ? AND seq = 5", p);
    s.sql("UPDATE {audit} SET seq = 5 WHERE practice = ? AND seq = -4", p);

    AuditVerification v = s.verify();
    assertBreak(v, Kind.REORDERED, 4);
    assertThat(v.firstBreak().get().eventId()).contains(five);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void wholeChainRewritten_isFoundAgainstTheSignedCheckpoint(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 4);
    AuditCheckpoint kept = s.engine.auditTrail().checkpoint(s.practice());
    s.signIn(2);
    String p = s.practice().value();
    // someone with database access changes entry 3 and recomputes every digest after it and the
    // head, and removes the checkpoints kept in the database
    AuditHead h = s.head();
    String prev = s.entry(2).digest();
    for (long seq = 3; seq <= h.seq(); seq++) {
      AuditEvent v = s.entry(seq).event();
      if (seq == 3) {
        v = new AuditEvent(v.id(), v.at(), v.practice(), v.subject(), v.actor(), v.type(),
            v.outcome(), "203.0.113.9", v.userAgent(), v.details());
        s.sql("UPDATE {audit} SET ip = ? WHERE practice = ? AND seq = 3", "203.0.113.9", p);
      }
      AuditEntry r = AuditEntry.chain(seq, prev, v);
      s.sql("UPDATE {audit} SET prev_digest = ?, digest = ? WHERE practice = ? AND seq = ?",
          r.prev(), r.digest(), p, seq);
      prev = r.digest();
    }
    s.sql("UPDATE {head} SET digest = ? WHERE practice = ?", prev, p);
    s.sql("DELETE FROM {checkpoint} WHERE practice = ?", p);

    assertThat(s.verify().intact()).as("a consistent rewrite, without the checkpoint").isTrue();
    AuditVerification v = s.engine.auditTrail().verify(s.practice(), List.of(kept));
    assertBreak(v, Kind.REWRITTEN, kept.seq());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void purge_leavesAVerifiableRemainder(Dialect dialect) throws Exception {
    Scene s = new Scene(dialect, 3);
    long old = s.head().seq();
    s.clock.advance(Duration.ofDays(365 * 6 - 30));
    s.signIn(3);
    s.clock.advance(Duration.ofDays(60));

    Map<PracticeId, Long> removed = s.engine.auditTrail().purgeExpired();

    assertThat(removed).containsEntry(s.practice(), old);
    AuditHead h = s.head();
    assertThat(h.baseSeq()).isEqualTo(old);
    assertThat(s.store.audit().chain(s.practice(), 0, old)).isEmpty();
    AuditVerification v = s.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.fromSeq()).isEqualTo(old + 1);
    assertThat(v.checkpoints()).as("the cut's signed checkpoint").isEqualTo(1);
    // deleting more of the remainder is still found
    s.sql("DELETE FROM {audit} WHERE practice = ? AND seq = ?", s.practice().value(), old + 1);
    assertBreak(s.verify(), Kind.DELETED, old + 1);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void export_verifiesOutsideTheDatabase(Dialect dialect, @TempDir Path dir) throws Exception {
    Scene s = new Scene(dialect, 5);
    AuditCheckpoint cp = s.engine.auditTrail().checkpoint(s.practice());
    Path file = dir.resolve("audit.jsonl");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      assertThat(s.engine.auditTrail().export(s.practice(), 0, w)).isEqualTo(cp.seq());
    }
    // the database is not consulted from here on
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      AuditVerification v = AuditTrail.verifyExport(r, List.of(cp), KEYS);
      assertThat(v.intact()).as(v.toString()).isTrue();
      assertThat(v.checked()).isEqualTo(cp.seq());
      assertThat(v.checkpoints()).isEqualTo(1);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    lines.remove(2);
    try (Reader r = new java.io.StringReader(String.join("\n", lines))) {
      assertBreak(AuditTrail.verifyExport(r, List.of(cp), KEYS), Kind.DELETED, 3);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void twoEnginesAppendingInParallel_leaveOneValidChainPerPractice(Dialect dialect)
      throws Exception {
    String prefix = Databases.freshPrefix();
    MutableClock clock = MutableClock.at("2026-04-01T08:00:00Z");
    int threads = 8;
    try (SimplePool a = Databases.secondPool(dialect, threads / 2 + 2);
        SimplePool b = Databases.secondPool(dialect, threads / 2 + 2)) {
      JdbcMfaStore storeA = JdbcMfaStore.builder(a).tablePrefix(prefix).clock(clock).build();
      JdbcMfaStore storeB = JdbcMfaStore.builder(b).tablePrefix(prefix).clock(clock).build();
      storeA.migrate();
      Nodes nodes = new Nodes();
      MfaEngine[] engines = {nodes.engine(storeA, clock, Nodes.permissive()),
          nodes.engine(storeB, clock, Nodes.permissive())};
      // two practices, four users each: the practices' appends must not wait for each other,
      // each practice's must form one line
      List<UserRef> users = new ArrayList<>();
      List<Nodes.Enrolled> factors = new ArrayList<>();
      for (String p : List.of("north", "south")) {
        for (int u = 0; u < 4; u++) {
          UserRef user = UserRef.staff(p + "-" + prefix, "user" + u);
          users.add(user);
          factors.add(Nodes.enroll(engines[0], user, Nodes.APP, Map.of()));
        }
      }
      int signIns = 1000;
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        tasks.add(() -> {
          for (int i = thread; i < signIns; i += threads) {
            MfaEngine engine = engines[i % 2];
            int k = (i / 2) % users.size();
            UserRef user = users.get(k);
            LoginStep.SecondFactorRequired c = Nodes.challenge(engine, user);
            LoginStep step = engine.login().verify(user, c.challenge(),
                Answer.code(factors.get(k).id(), factors.get(k).code()), RememberDevice.NO,
                Nodes.REQUEST);
            if (!(step instanceof LoginStep.Authenticated)) {
              throw new AssertionError("sign-in " + i + ": " + step);
            }
          }
          return true;
        });
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (Future<Boolean> f : pool.invokeAll(tasks, 10, TimeUnit.MINUTES)) {
          assertThat(f.get()).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
      long successes = 0;
      for (String p : List.of("north", "south")) {
        PracticeId practice = PracticeId.of(p + "-" + prefix);
        AuditVerification v = engines[1].auditTrail().verify(practice);
        assertThat(v.intact()).as(p + ": " + v).isTrue();
        assertThat(v.checked()).isEqualTo(storeA.audit().head(practice).seq());
        successes += storeA.audit().chain(practice, 0, Long.MAX_VALUE).stream()
            .filter(e -> e.event().type() == AuditType.SIGN_IN_SUCCEEDED).count();
      }
      assertThat(successes).isEqualTo(signIns);
    }
  }

  private static AuditEvent forgedEvent(Scene s) {
    return new AuditEvent("forged-" + Databases.freshPrefix(), s.clock.instant(), s.practice(),
        Optional.of(UserId.of("mallory")), Optional.empty(), AuditType.SIGN_IN_SUCCEEDED,
        AuditOutcome.SUCCESS, "198.51.100.7", "curl/8", Map.of());
  }

  private static void insert(Scene s, AuditEntry e) throws Exception {
    AuditEvent v = e.event();
    s.sql("INSERT INTO {audit} (id, occurred, practice, subject, actor, type, outcome, ip,"
        + " user_agent, details, seq, prev_digest, digest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        v.id(), v.at(), v.practice().value(), v.subject().get().value(), null, v.type().name(),
        v.outcome().name(), v.ip(), v.userAgent(), "", e.seq(), e.prev(), e.digest());
  }
}
