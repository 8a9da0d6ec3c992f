package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.tck.SimplePool;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rows that mfa4j would never write (edited by hand, by a newer version, or corrupted): reading
 * one fails that call with a {@link StoreException}, and every other row stays readable.
 */
class BadDataTest {
  private static final Map<Dialect, JdbcMfaStore> STORES = new EnumMap<>(Dialect.class);
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static synchronized JdbcMfaStore store(Dialect dialect) {
    return STORES.computeIfAbsent(dialect, d -> {
      JdbcMfaStore s = JdbcMfaStore.builder(Databases.of(d)).tablePrefix("bad_").build();
      s.migrate();
      return s;
    });
  }

  private static void raw(Dialect dialect, String sql, Object... params) throws Exception {
    try (Connection c = Databases.of(dialect).getConnection()) {
      Jdbc.update(c, sql, params);
    }
  }

  private static String id() {
    return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
  }

  private static FactorRecord factor(PracticeId p, UserId u) {
    return new FactorRecord(FactorId.of("f" + id()), p, u, FactorKind.TOTP, "ok",
        FactorState.ACTIVE, T0, Optional.empty(), 0, 0, Optional.empty(), new byte[] {1},
        Map.of("k", "v"));
  }

  private static void assertTyped(Throwable t, String badValue) {
    assertThat(t).isInstanceOf(StoreException.class);
    assertThat(t.getMessage()).contains("unreadable row").doesNotContain(badValue);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void factor_unknownStateOrOversizedLabelOrBrokenAttributes_failsOnlyThatRead(Dialect dialect)
      throws Exception {
    JdbcMfaStore store = store(dialect);
    PracticeId p = PracticeId.of("p" + id());
    UserId alice = UserId.of("alice");
    UserId bob = UserId.of("bob");
    FactorRecord bad = factor(p, alice);
    FactorRecord good = factor(p, bob);
    store.factors().insert(bad);
    store.factors().insert(good);

    raw(dialect, "UPDATE bad_factor SET state = ? WHERE id = ?", "QUANTUM_STATE", bad.id().value());
    assertThatThrownBy(() -> store.factors().find(p, alice, bad.id()))
        .satisfies(t -> assertTyped(t, "QUANTUM_STATE"));
    assertThatThrownBy(() -> store.factors().list(p, alice))
        .satisfies(t -> assertTyped(t, "QUANTUM_STATE"));

    raw(dialect, "UPDATE bad_factor SET state = 'ACTIVE', label = ? WHERE id = ?", "L".repeat(200),
        bad.id().value());
    assertThatThrownBy(() -> store.factors().find(p, alice, bad.id()))
        .satisfies(t -> assertTyped(t, "LLLL"));

    raw(dialect, "UPDATE bad_factor SET label = 'x', attributes = ? WHERE id = ?", "%zz=1",
        bad.id().value());
    assertThatThrownBy(() -> store.factors().find(p, alice, bad.id()))
        .satisfies(t -> assertTyped(t, "%zz"));

    raw(dialect, "UPDATE bad_factor SET attributes = '', kind = ? WHERE id = ?", "Not A Kind!",
        bad.id().value());
    assertThatThrownBy(() -> store.factors().find(p, alice, bad.id()))
        .satisfies(t -> assertTyped(t, "Not A Kind!"));

    assertThat(store.factors().find(p, bob, good.id())).isPresent();
    assertThat(store.factors().list(p, bob)).hasSize(1);
    assertThat(store.factors().delete(p, alice, bad.id())).as("a bad row can be removed").isTrue();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void challengeDeviceAuditPolicy_badRows_throwStoreException(Dialect dialect) throws Exception {
    JdbcMfaStore store = store(dialect);
    PracticeId p = PracticeId.of("p" + id());
    UserId alice = UserId.of("alice");

    byte[] hash = new byte[32];
    RANDOM.nextBytes(hash);
    store.challenges().insert(new ChallengeRecord(hash, p, alice, ChallengePurpose.SIGN_IN,
        Optional.empty(), T0, T0.plusSeconds(300), 0, 5, Optional.empty()));
    raw(dialect, "UPDATE bad_challenge SET purpose = ? WHERE id_hash = ?", "TELEPORT", hash);
    assertThatThrownBy(() -> store.challenges().find(hash))
        .satisfies(t -> assertTyped(t, "TELEPORT"));
    assertThat(store.challenges().consume(hash, T0))
        .as("a conditional write needs no parsing").isTrue();

    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    String deviceId = "d" + id();
    store.devices().insert(new DeviceRecord(deviceId, p, alice, token, "Firefox", "192.0.2.1", T0,
        T0.plusSeconds(60), T0));
    raw(dialect, "UPDATE bad_device SET user_id = ? WHERE id = ?", "not a valid id!", deviceId);
    assertThatThrownBy(() -> store.devices().findByTokenHash(token))
        .satisfies(t -> assertTyped(t, "not a valid id!"));

    AuditEvent ev = new AuditEvent("e" + id(), T0, p, Optional.of(alice), Optional.empty(),
        AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, "", "", Map.of());
    store.atomically(() -> {
      dev.mfa4j.spi.AuditHead h = store.audit().head(p);
      store.audit().append(List.of(dev.mfa4j.spi.AuditEntry.chain(h.seq() + 1, h.digest(), ev)));
      return null;
    });
    raw(dialect, "UPDATE bad_audit SET outcome = ? WHERE practice = ?", "MAYBE", p.value());
    assertThatThrownBy(() -> store.audit().find(new AuditQuery(p, Optional.empty(),
        Optional.empty(), 10))).satisfies(t -> assertTyped(t, "MAYBE"));

    store.policies().put(p, PracticePolicy.defaults());
    raw(dialect, "UPDATE bad_policy SET policy = ? WHERE practice = ?",
        "requirement=EVERYBODY_TWICE", p.value());
    assertThatThrownBy(() -> store.policies().find(p))
        .satisfies(t -> assertTyped(t, "EVERYBODY_TWICE"));
    raw(dialect, "UPDATE bad_policy SET policy = ? WHERE practice = ?", "maxAttemptsPerChallenge=99",
        p.value());
    assertThatThrownBy(() -> store.policies().find(p)).isInstanceOf(StoreException.class);

    PracticeId other = PracticeId.of("p" + id());
    store.policies().put(other, PracticePolicy.defaults());
    assertThat(store.policies().find(other)).contains(PracticePolicy.defaults());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void closedDataSource_everyCallFailsWithStoreException(Dialect dialect) {
    SimplePool pool = Databases.secondPool(dialect, 2);
    JdbcMfaStore store = JdbcMfaStore.builder(pool).tablePrefix("bad_").dialect(dialect).build();
    pool.close();
    PracticeId p = PracticeId.of("p");
    UserId u = UserId.of("secret-user-id");

    assertThatThrownBy(() -> store.factors().list(p, u)).isInstanceOf(StoreException.class)
        .hasMessageNotContaining("secret-user-id").hasCauseInstanceOf(java.sql.SQLException.class);
    assertThatThrownBy(() -> store.challenges().consume(new byte[32], T0))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.backupCodes().consume(p, u, "abcd", T0))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.users().recordFailure(p, u)).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.counters().increment("k", T0, T0.plusSeconds(1)))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(store::migrate).isInstanceOf(StoreException.class);
  }
}
