package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.tck.SimplePool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Database round trips of an SMS answer through a real {@link MfaEngine} with mfa-sms-spi's
 * {@link OneTimeCodeFactor} (the code was sent by an untimed prompt): counted like {@link
 * RoundTripTest}. The SMS provider reads the ceremony's code state and writes it back spent, so an
 * SMS answer takes three round trips more than a TOTP answer (PostgreSQL 7, MariaDB and H2 11). The
 * bounds are the counts measured when this test was written; the counts are printed.
 */
class SmsRoundTripTest {
  private static final String NUMBER = "+447400123456";

  private static int budget(Dialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> 7;
      case MARIADB, H2 -> 11;
    };
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void anSmsAnswer_takesFewRoundTrips(Dialect dialect) {
    SimplePool pool = Databases.secondPool(dialect, 4);
    try {
      RoundTripTest.Counting counting = new RoundTripTest.Counting(pool);
      JdbcMfaStore store = JdbcMfaStore.builder(counting).tablePrefix(Databases.freshPrefix())
          .build();
      store.migrate();
      MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
      OutboxSender outbox = new OutboxSender();
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      MfaEngine engine = MfaEngine.builder()
          .store(store)
          .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
          .passwordVerifier((user, password) -> MessageDigest.isEqual(
              Nodes.PASSWORD.getBytes(StandardCharsets.UTF_8),
              new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
          .factor(OneTimeCodeFactor.builder().sender(outbox).practiceName(p -> "Trips").build())
          .clock(clock)
          .defaultPolicy(Nodes.permissive())
          .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
          .build();
      UserRef user = UserRef.staff("trips", "sms-" + Databases.freshPrefix());
      EnrollmentStart start = engine.account(user).beginEnrollment(FactorKind.PHONE, "Mobile",
          Password.of(Nodes.PASSWORD), Map.of("phone", NUMBER, "channel", "SMS"),
          Nodes.REQUEST);
      assertThat(engine.account(user).confirmEnrollment(start.ceremony(),
          Answer.code(start.factor(), lastCode(outbox)), Nodes.REQUEST))
          .isInstanceOf(EnrollmentOutcome.Confirmed.class);

      // warm-up: the policy is read once and cached
      clock.advance(Duration.ofMinutes(2));
      assertThat(answer(engine, user, start.factor(), outbox)).isInstanceOf(
          LoginStep.Authenticated.class);

      clock.advance(Duration.ofMinutes(2));
      ChallengeId c = Nodes.challenge(engine, user).challenge();
      engine.login().prompt(user, c, start.factor(), Map.of(), Nodes.REQUEST);
      String code = lastCode(outbox);
      counting.reset();
      LoginStep step = engine.login().verify(user, c, Answer.code(start.factor(), code),
          RememberDevice.NO, Nodes.REQUEST);
      String line = "round trips " + dialect + " SMS: " + counting.trips.get()
          + " (statements + commits + rollbacks); connections " + counting.connections.get()
          + ", auto-commit switches " + counting.autoCommitSwitches.get();
      System.out.println(line);
      assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
      assertThat(counting.connections.get()).as(line).isEqualTo(1);
      assertThat(counting.trips.get()).as(line).isLessThanOrEqualTo(budget(dialect));
    } finally {
      pool.close();
    }
  }

  private static LoginStep answer(MfaEngine engine, UserRef user, FactorId phone,
      OutboxSender outbox) {
    ChallengeId c = Nodes.challenge(engine, user).challenge();
    engine.login().prompt(user, c, phone, Map.of(), Nodes.REQUEST);
    return engine.login().verify(user, c, Answer.code(phone, lastCode(outbox)),
        RememberDevice.NO, Nodes.REQUEST);
  }

  private static String lastCode(OutboxSender outbox) {
    return outbox.last().orElseThrow().code(6).orElseThrow();
  }
}
