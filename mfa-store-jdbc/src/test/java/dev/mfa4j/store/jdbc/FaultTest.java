package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database goes away in the middle of a sign-in: the engine fails closed with a typed {@link
 * StoreException}, never {@link LoginStep.Authenticated}; once the database is back the flow works
 * and no half-written rows remain.
 */
class FaultTest {
  private final Nodes nodes = new Nodes();
  private final MutableClock clock = MutableClock.at("2026-03-03T09:00:00Z");

  private static LoginStep verify(MfaEngine engine, UserRef user, ChallengeId c,
      Nodes.Enrolled f, String answer) {
    return engine.login().verify(user, c, Answer.code(f.id(), answer), RememberDevice.NO,
        Nodes.REQUEST);
  }

  private static List<List<Object>> backupRows(javax.sql.DataSource ds, String prefix,
      UserRef user) throws Exception {
    try (Connection c = ds.getConnection()) {
      return Jdbc.query(c, "SELECT created, used FROM " + prefix + "backup_code WHERE practice = ?"
          + " AND user_id = ?", rs -> List.of(String.valueOf(rs.getObject(1)),
              String.valueOf(rs.getObject(2))), user.practice().value(), user.user().value());
    }
  }

  @Test
  void verify_databaseFailsAtEachStatement_failsClosedAndRecovers() throws Exception {
    SimplePool pool = Databases.secondPool(Dialect.POSTGRESQL, 4);
    FaultyDataSource faulty = new FaultyDataSource(pool);
    String prefix = Databases.freshPrefix();
    JdbcMfaStore store = JdbcMfaStore.builder(faulty).tablePrefix(prefix)
        .dialect(Dialect.POSTGRESQL).build();
    store.migrate();
    MfaEngine engine = nodes.engine(store, clock, Nodes.permissive());
    UserRef user = UserRef.staff("faults", "alice");
    Nodes.Enrolled f = Nodes.enroll(engine, user, Nodes.APP, Map.of());

    ChallengeId warmUp = Nodes.challenge(engine, user).challenge();
    assertThat(verify(engine, user, warmUp, f, f.code() + "#1"))
        .isInstanceOf(LoginStep.Authenticated.class);
    ChallengeId first = Nodes.challenge(engine, user).challenge();
    long before = faulty.roundTrips();
    faulty.log.clear();
    assertThat(verify(engine, user, first, f, f.code() + "#2"))
        .isInstanceOf(LoginStep.Authenticated.class);
    long statements = faulty.roundTrips() - before;
    assertThat(statements).isPositive();

    for (int i = 1; i <= statements; i++) {
      int k = i;
      ChallengeId c = Nodes.challenge(engine, user).challenge();
      String answer = f.code() + "#" + (10 + 2 * k);
      faulty.failFrom(k);
      Throwable thrown = catchThrowable(() -> {
        LoginStep step = verify(engine, user, c, f, answer);
        assertThat(step).as("round trip %d failed", k)
            .isNotInstanceOf(LoginStep.Authenticated.class);
      });
      faulty.heal();
      assertThat(thrown).as("round trip %d of %d failed: %s", k, statements, faulty.log.get(k - 1))
          .isInstanceOf(StoreException.class);

      assertThat(store.factors().find(user.practice(), user.user(), f.id()).orElseThrow().state())
          .isEqualTo(FactorState.ACTIVE);
      ChallengeId fresh = Nodes.challenge(engine, user).challenge();
      assertThat(verify(engine, user, fresh, f, f.code() + "#" + (11 + 2 * k)))
          .as("sign-in after failure at round trip %d", k)
          .isInstanceOf(LoginStep.Authenticated.class);
    }
    pool.close();
  }

  @Test
  void regenerateBackupCodes_databaseFailsAtEachStatement_leavesOneWholeSet() throws Exception {
    SimplePool pool = Databases.secondPool(Dialect.POSTGRESQL, 4);
    FaultyDataSource faulty = new FaultyDataSource(pool);
    String prefix = Databases.freshPrefix();
    JdbcMfaStore store = JdbcMfaStore.builder(faulty).tablePrefix(prefix)
        .dialect(Dialect.POSTGRESQL).build();
    store.migrate();
    MfaEngine engine = nodes.engine(store, clock, Nodes.permissive());
    UserRef user = UserRef.staff("faults", "bob");
    Nodes.enroll(engine, user, Nodes.APP, Map.of());

    long before = faulty.roundTrips();
    engine.account(user).regenerateBackupCodes(Password.of(Nodes.PASSWORD), Nodes.REQUEST);
    long statements = faulty.roundTrips() - before;

    for (int k = 1; k <= statements; k++) {
      clock.advance(java.time.Duration.ofSeconds(1));
      faulty.failFrom(k);
      Throwable thrown = catchThrowable(() -> engine.account(user)
          .regenerateBackupCodes(Password.of(Nodes.PASSWORD), Nodes.REQUEST));
      faulty.heal();

      assertThat(thrown).as("round trip %d", k).isInstanceOf(StoreException.class);
      List<List<Object>> rows = backupRows(pool, prefix, user);
      assertThat(rows).as("one whole set after a failure at round trip %d", k).hasSize(10);
      assertThat(rows.stream().map(r -> r.get(0)).distinct()).as("a single issue time").hasSize(1);
    }
    pool.close();
  }

  @Test
  void postgresStopsMidSignIn_typedErrorThenWorksAfterRestart() throws Exception {
    Path dataDir = Files.createTempDirectory("mfa4j-pg-fault");
    int port = Databases.freePort();
    EmbeddedPostgres pg = Databases.startPostgres(dataDir, port);
    SimplePool pool = new SimplePool(pg.getPostgresDatabase(), 4);
    try {
      JdbcMfaStore store = JdbcMfaStore.builder(pool).tablePrefix("mfa_").build();
      store.migrate();
      MfaEngine engine = nodes.engine(store, clock, Nodes.permissive());
      UserRef user = UserRef.staff("faults", "carol");
      Nodes.Enrolled f = Nodes.enroll(engine, user, Nodes.APP, Map.of());
      List<String> oldCodes = f.backupCodes().reveal();
      ChallengeId pending = Nodes.challenge(engine, user).challenge();

      pg.close();

      assertThatThrownBy(() -> verify(engine, user, pending, f, f.code() + "#1"))
          .isInstanceOf(StoreException.class)
          .hasMessageNotContaining(f.code());
      assertThatThrownBy(() -> engine.login().afterPrimary(user, Nodes.REQUEST))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> engine.account(user).regenerateBackupCodes(
          Password.of(Nodes.PASSWORD), Nodes.REQUEST)).isInstanceOf(StoreException.class);

      pg = Databases.startPostgres(dataDir, port);
      pool.evictIdle();

      ChallengeId c = Nodes.challenge(engine, user).challenge();
      assertThat(verify(engine, user, c, f, f.code() + "#2"))
          .isInstanceOf(LoginStep.Authenticated.class);
      ChallengeId c2 = Nodes.challenge(engine, user).challenge();
      assertThat(engine.login().verify(user, c2, Answer.backupCode(oldCodes.get(0)),
          RememberDevice.NO, Nodes.REQUEST)).as("the old set survived the failed regeneration")
          .isInstanceOf(LoginStep.Authenticated.class);
      assertThat(backupRows(pool, "mfa_", user)).hasSize(10);
      try (Connection conn = pool.getConnection()) {
        assertThat(Jdbc.query(conn, "SELECT COUNT(*) FROM mfa_challenge_state s WHERE NOT EXISTS"
            + " (SELECT 1 FROM mfa_challenge c WHERE c.id_hash = s.id_hash)",
            rs -> rs.getLong(1))).containsExactly(0L);
      }
    } finally {
      pool.close();
      pg.close();
    }
  }
}
