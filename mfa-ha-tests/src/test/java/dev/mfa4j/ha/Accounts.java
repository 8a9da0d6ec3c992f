package dev.mfa4j.ha;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.OtpAuthUri;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Engines ("app nodes") for the failover tests, each with its own HikariCP pool on the multi-host
 * URL, all sharing one secret key; and the users they sign in, each with a TOTP app, an SMS phone
 * and ten backup codes.
 */
final class Accounts {
  static final String PASSWORD = "correct horse battery staple";
  static final String TABLE_PREFIX = "ha_";
  static final RequestContext REQUEST = RequestContext.of("127.0.0.1", "JUnit Browser/1.0");

  private final byte[] key = new byte[32];
  private final PgCluster cluster;

  Accounts(PgCluster cluster) {
    this.cluster = cluster;
    new SecureRandom().nextBytes(key);
  }

  /**
   * The pool settings docs/high-availability.md recommends: a short connection timeout so that a
   * sign-in fails closed quickly while no server is primary; broken connections are evicted by
   * HikariCP on PgJDBC's 08xxx SQL states.
   */
  HikariDataSource pool(String name, int size) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(cluster.url());
    c.setUsername(PgCluster.APP_USER);
    c.setPassword(cluster.appPassword);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(1_000);
    c.setValidationTimeout(500);
    c.setKeepaliveTime(30_000);
    c.setMaxLifetime(600_000);
    c.setInitializationFailTimeout(10_000);
    return new HikariDataSource(c);
  }

  static JdbcMfaStore store(javax.sql.DataSource pool) {
    return JdbcMfaStore.builder(pool).tablePrefix(TABLE_PREFIX).build();
  }

  /** Many answers allowed, so that the replays after failover are refused for replay alone. */
  static PracticePolicy permissive() {
    return PracticePolicy.builder().maxAttemptsPerChallenge(10)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build();
  }

  MfaEngine engine(JdbcMfaStore store, Clock clock, OutboxSender outbox) {
    return MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((user, password) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(TotpFactor.builder().issuer("mfa4j ha tests").build())
        .factor(OneTimeCodeFactor.builder().sender(outbox).practiceName(p -> "HA").build())
        .clock(clock)
        .defaultPolicy(permissive())
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .build();
  }

  /** A user with the three kinds of single-use answer, and what the test knows to answer. */
  static final class Account {
    final UserRef user;
    final FactorId totp;
    final OtpAuthUri uri;
    final FactorId phone;
    final List<String> backupCodes;
    int nextBackupCode;

    Account(UserRef user, FactorId totp, OtpAuthUri uri, FactorId phone,
        List<String> backupCodes) {
      this.user = user;
      this.totp = totp;
      this.uri = uri;
      this.phone = phone;
      this.backupCodes = backupCodes;
    }

    @Override
    public String toString() {
      return user.user().value();
    }
  }

  /** Enrolls a TOTP app (which issues the backup codes) and an SMS phone for a new user. */
  static Account enroll(MfaEngine engine, Clock clock, OutboxSender outbox, UserRef user,
      String phoneNumber) {
    EnrollmentStart app = engine.account(user).beginEnrollment(FactorKind.TOTP, "Authenticator",
        Password.of(PASSWORD), Map.of(), REQUEST);
    OtpAuthUri uri = app.details(TotpEnrollment.class).keyUri();
    EnrollmentOutcome out = engine.account(user).confirmEnrollment(app.ceremony(),
        Answer.code(app.factor(), Otp.totp(uri.secret().reveal(), clock.instant(),
            uri.parameters())), REQUEST);
    if (!(out instanceof EnrollmentOutcome.Confirmed confirmed)) {
      throw new AssertionError("TOTP enrollment not confirmed: " + out);
    }
    List<String> codes = new ArrayList<>(confirmed.backupCodes().orElseThrow().reveal());
    EnrollmentStart phone = engine.account(user).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", phoneNumber, "channel", "SMS"), REQUEST);
    out = engine.account(user).confirmEnrollment(phone.ceremony(),
        Answer.code(phone.factor(), lastCode(outbox)), REQUEST);
    if (!(out instanceof EnrollmentOutcome.Confirmed)) {
      throw new AssertionError("phone enrollment not confirmed: " + out);
    }
    return new Account(user, app.factor(), uri, phone.factor(), codes);
  }

  static String lastCode(OutboxSender outbox) {
    return outbox.last().orElseThrow().code(6).orElseThrow();
  }
}
