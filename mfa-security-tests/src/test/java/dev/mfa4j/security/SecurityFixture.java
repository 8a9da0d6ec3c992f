package dev.mfa4j.security;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.Assurance;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.MfaStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An engine over an in-memory store behind a {@link StoreSpy}, with one staff user who has
 * enrolled a {@link CodeFactor} (and so holds backup codes) and one open sign-in challenge.
 */
final class SecurityFixture {
  static final String PASSWORD = "correct horse battery staple";
  static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

  final InMemoryMfaStore memory = new InMemoryMfaStore();
  final StoreSpy spy = new StoreSpy(memory);
  final Clock clock = Clock.fixed(START, ZoneOffset.UTC);
  final MfaEngine engine;
  final UserRef user = UserRef.staff("sunrise", "u-1");
  final UserRef other = UserRef.staff("sunrise", "u-2");
  final RequestContext request = RequestContext.of("127.0.0.1", "Fuzz/1.0");
  FactorId factor;
  String code;
  List<String> backupCodes = List.of();
  ChallengeId challenge;
  /** The user's record of an earlier complete sign-in (password and the code factor). */
  Assurance assurance;

  SecurityFixture(FactorProvider... providers) {
    byte[] key = new byte[32];
    SecureRandom random = new SecureRandom();
    random.nextBytes(key);
    MfaEngine.Builder b = MfaEngine.builder()
        .store(spy.store())
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((u, p) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(p.chars()).getBytes(StandardCharsets.UTF_8)))
        .clock(clock)
        .random(random)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .defaultPolicy(PracticePolicy.builder()
            .staffMethods(Set.of(CodeFactor.KIND, FactorKind.TOTP, FactorKind.PHONE,
                FactorKind.PASSKEY, FactorKind.BACKUP_CODE))
            .build())
        .factor(new CodeFactor());
    for (FactorProvider p : providers) {
      b.factor(p);
    }
    engine = b.build();
  }

  /**
   * A fixture whose user has enrolled the code factor and has an open sign-in challenge; the given
   * providers are registered too.
   */
  static SecurityFixture enrolled(FactorProvider... providers) {
    SecurityFixture f = new SecurityFixture(providers);
    EnrollmentStart start = f.engine.account(f.user).beginEnrollment(CodeFactor.KIND, "Phone app",
        Password.of(PASSWORD), Map.of(), f.request);
    f.factor = start.factor();
    f.code = start.details(CodeFactor.Details.class).code();
    EnrollmentOutcome out = f.engine.account(f.user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), f.code), f.request);
    if (!(out instanceof EnrollmentOutcome.Confirmed c)) {
      throw new AssertionError("enrollment failed: " + out);
    }
    f.backupCodes = c.backupCodes().map(BackupCodes::reveal).orElseThrow();
    LoginStep first = f.engine.login().afterPrimary(f.user, f.request);
    if (!(first instanceof LoginStep.SecondFactorRequired s1)
        || !(f.engine.login().verify(f.user, s1.challenge(), Answer.code(f.factor, f.code),
            RememberDevice.NO, f.request) instanceof LoginStep.Authenticated a)) {
      throw new AssertionError("the fixture's sign-in failed");
    }
    f.assurance = a.assurance();
    LoginStep step = f.engine.login().afterPrimary(f.user, f.request);
    if (!(step instanceof LoginStep.SecondFactorRequired s)) {
      throw new AssertionError("expected a second step, got " + step);
    }
    f.challenge = s.challenge();
    f.spy.reset();
    return f;
  }

  /**
   * Everything about the user that the store lets one observe, as comparable values (the open
   * challenge only for the fixture's own user).
   */
  Snapshot snapshot(UserRef who) {
    MfaStore s = spy.target();
    List<String> factors = s.factors().list(who.practice(), who.user()).stream()
        .map(r -> String.join("|", r.id().value(), r.kind().id(), r.state().name(),
            Long.toString(r.counter()), Integer.toString(r.failures()),
            r.lastUsed().toString(), r.label(), r.attributes().toString()))
        .toList();
    Optional<String> ch = challenge == null || !who.sameSubject(user) ? Optional.empty()
        : s.challenges().find(challenge.hash())
            .map(c -> c.attempts() + "|" + c.consumed());
    int unused = s.backupCodes().countUnused(who.practice(), who.user());
    int devices = s.devices().list(who.practice(), who.user()).size();
    int audit = s.audit().find(new AuditQuery(who.practice(), Optional.of(who.user()),
        Optional.empty(), 500)).size();
    String state = s.users().find(who.practice(), who.user())
        .map(u -> u.consecutiveFailures() + "|" + u.lockedUntil() + "|" + u.lastSignIn())
        .orElse("none");
    return new Snapshot(factors, ch, unused, devices, audit, state);
  }

  /** The observable state of one user. */
  record Snapshot(List<String> factors, Optional<String> challenge, int unusedBackupCodes,
      int devices, int auditEvents, String userState) {}
}
