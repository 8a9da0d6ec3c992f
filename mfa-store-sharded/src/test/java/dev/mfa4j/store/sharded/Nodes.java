package dev.mfa4j.store.sharded;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.tck.StepCodeFactor;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Engines ("app nodes") over JDBC stores for the end-to-end tests, sharing one secret key. */
final class Nodes {
  static final String PASSWORD = "correct horse battery staple";
  static final FactorKind APP = FactorKind.TOTP;
  static final RequestContext REQUEST = RequestContext.of("127.0.0.1", "JUnit Browser/1.0");

  private final byte[] key = new byte[32];

  Nodes() {
    new SecureRandom().nextBytes(key);
  }

  /** A policy allowing many answers, so that races are decided by the store alone. */
  static PracticePolicy permissive() {
    return PracticePolicy.builder().maxAttemptsPerChallenge(10)
        .lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)).build();
  }

  MfaEngine engine(MfaStore store, Clock clock, PracticePolicy policy) {
    return builder(store, clock, policy).factor(new StepCodeFactor(APP)).build();
  }

  /** An engine with mfa-totp's real {@link TotpFactor} as the TOTP kind. */
  MfaEngine engineWithTotp(MfaStore store, Clock clock, PracticePolicy policy) {
    return builder(store, clock, policy)
        .factor(TotpFactor.builder().issuer("mfa4j store tests").build()).build();
  }

  private MfaEngine.Builder builder(MfaStore store, Clock clock, PracticePolicy policy) {
    return MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((user, password) -> MessageDigest.isEqual(
            PASSWORD.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            new String(password.chars()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .factor(new StepCodeFactor(FactorKind.PHONE))
        .clock(clock)
        .defaultPolicy(policy)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1));
  }

  /** An enrolled factor: its id, its code and the backup codes issued with it. */
  record Enrolled(FactorId id, String code, BackupCodes backupCodes) {}

  static Enrolled enroll(MfaEngine engine, UserRef user, FactorKind kind,
      Map<String, String> params) {
    EnrollmentStart start = engine.account(user).beginEnrollment(kind, "My " + kind.id(),
        Password.of(PASSWORD), params, REQUEST);
    String code = start.details(StepCodeFactor.Details.class).code();
    EnrollmentOutcome out = engine.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), code), REQUEST);
    if (!(out instanceof EnrollmentOutcome.Confirmed c)) {
      throw new AssertionError("enrollment not confirmed: " + out);
    }
    return new Enrolled(start.factor(), code, c.backupCodes().orElse(null));
  }

  /** A real TOTP factor: its id and the key-URI holding its secret. */
  record TotpEnrolled(FactorId id, dev.mfa4j.totp.OtpAuthUri uri, BackupCodes backupCodes) {}

  static TotpEnrolled enrollTotp(MfaEngine engine, UserRef user, Clock clock) {
    EnrollmentStart start = engine.account(user).beginEnrollment(APP, "Authenticator",
        Password.of(PASSWORD), Map.of(), REQUEST);
    dev.mfa4j.totp.OtpAuthUri uri = start.details(TotpEnrollment.class).keyUri();
    String code = dev.mfa4j.totp.Otp.totp(uri.secret().reveal(), clock.instant(),
        uri.parameters());
    EnrollmentOutcome out = engine.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), code), REQUEST);
    if (!(out instanceof EnrollmentOutcome.Confirmed c)) {
      throw new AssertionError("enrollment not confirmed: " + out);
    }
    return new TotpEnrolled(start.factor(), uri, c.backupCodes().orElse(null));
  }

  static LoginStep.SecondFactorRequired challenge(MfaEngine engine, UserRef user) {
    LoginStep step = engine.login().afterPrimary(user, REQUEST);
    if (!(step instanceof LoginStep.SecondFactorRequired s)) {
      throw new AssertionError("expected a second step, got " + step);
    }
    return s;
  }
}
