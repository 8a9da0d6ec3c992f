package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.totp.TotpParameters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rotation of the sealing key, end to end: a phone and an authenticator app enrolled under k1 keep
 * working after k2 becomes current, the SMS send counters keep counting (they are keyed by the MAC
 * root, which the rotation does not move), phone lookup keys stay the same, and new secrets are
 * sealed under k2.
 */
class KeyRotationTest {
  static final String PASSWORD = "correct horse battery staple";
  static final String NUMBER = PhoneNumberUtil.getInstance().format(PhoneNumberUtil.getInstance()
      .getExampleNumberForType("US", PhoneNumberType.MOBILE), PhoneNumberFormat.E164);
  static final RequestContext REQUEST = RequestContext.of("192.0.2.10", "Rotation/1.0");

  /** How the deployment chose its MAC root before and after the rotation. */
  enum Setup {
    /** One key for each job from the start: {@code fromKeys}, then {@code macRootKey}. */
    SEPARATE_MAC_ROOT,
    /** Started with {@code fromKey("k1", …)}; the rotation pins the MAC root to k1 by id. */
    LEGACY_PINNED_BY_ID
  }

  final byte[] k1 = random32();
  final byte[] k2 = random32();
  final byte[] m1 = random32();
  final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
  final OutboxSender outbox = new OutboxSender();
  final InMemoryMfaStore store = new InMemoryMfaStore();
  final UserRef alice = UserRef.staff("sunrise", "alice");

  static byte[] random32() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  AesGcmSecretProtector before(Setup setup) {
    return setup == Setup.SEPARATE_MAC_ROOT
        ? AesGcmSecretProtector.fromKeys("k1", k1, "m1", m1)
        : AesGcmSecretProtector.fromKey("k1", k1);
  }

  AesGcmSecretProtector after(Setup setup) {
    AesGcmSecretProtector.Builder ring = AesGcmSecretProtector.builder().key("k1", k1)
        .key("k2", k2).current("k2");
    return (setup == Setup.SEPARATE_MAC_ROOT ? ring.macRootKey("m1", m1) : ring.macKey("k1"))
        .build();
  }

  MfaEngine engine(AesGcmSecretProtector protector) {
    return MfaEngine.builder()
        .store(store)
        .secretProtector(protector)
        .passwordVerifier((u, p) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(p.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(TotpFactor.builder().issuer("Sunrise Therapy").build())
        .factor(OneTimeCodeFactor.builder().sender(outbox).build())
        .clock(clock)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .defaultPolicy(PracticePolicy.defaults())
        .build();
  }

  String lastCode() {
    return outbox.last().orElseThrow().code(6).orElseThrow();
  }

  FactorRecord stored(UserRef user, FactorId id) {
    return store.factors().find(user.practice(), user.user(), id).orElseThrow();
  }

  static String sealedWith(FactorRecord f) {
    byte[] s = f.sealedSecret();
    return new String(s, 2, s[1] & 0xff, StandardCharsets.US_ASCII);
  }

  static String numberPart(FactorRecord f) {
    String key = f.lookupKey().orElseThrow();
    return key.substring(0, key.lastIndexOf('.'));
  }

  record Totp(FactorId id, byte[] key, TotpParameters parameters) {}

  Totp enrollTotp(MfaEngine engine, UserRef user) {
    EnrollmentStart start = engine.account(user).beginEnrollment(FactorKind.TOTP, "App",
        Password.of(PASSWORD), Map.of("account", user.user().value() + "@sunrise.example"),
        REQUEST);
    TotpEnrollment details = start.details(TotpEnrollment.class);
    Totp totp = new Totp(start.factor(), details.keyUri().secret().reveal(), details.parameters());
    assertThat(engine.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), Otp.totp(totp.key, clock.instant(), totp.parameters)),
        REQUEST)).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return totp;
  }

  FactorId enrollPhone(MfaEngine engine, UserRef user) {
    EnrollmentStart start = engine.account(user).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", NUMBER), REQUEST);
    assertThat(engine.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), lastCode()), REQUEST))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return start.factor();
  }

  /** Another user of the practice starts enrolling the same number: one more send to it. */
  void anotherSendToTheNumber(MfaEngine engine, String practice, int n) {
    UserRef user = UserRef.staff(practice, "other-" + n);
    engine.account(user).beginEnrollment(FactorKind.PHONE, "Mobile", Password.of(PASSWORD),
        Map.of("phone", NUMBER), RequestContext.of("192.0.2." + (20 + n), "Rotation/1.0"));
  }

  LoginStep.SecondFactorRequired signIn(MfaEngine engine) {
    LoginStep step = engine.login().afterPrimary(alice, REQUEST);
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    return (LoginStep.SecondFactorRequired) step;
  }

  @ParameterizedTest
  @EnumSource(Setup.class)
  void rotateToK2_factorsThrottlesAndLookupsKeepWorking_newSecretsSealedUnderK2(Setup setup) {
    // --- under k1 ---
    MfaEngine old = engine(before(setup));
    FactorId phone = enrollPhone(old, alice);                                     // send 1
    clock.advance(Duration.ofMinutes(1));
    Totp totp = enrollTotp(old, alice);
    for (int n = 1; n <= 17; n++) {
      anotherSendToTheNumber(old, "sunrise", n);                                 // sends 2..18
    }
    clock.advance(Duration.ofMinutes(1));
    LoginStep.SecondFactorRequired pending = signIn(old);
    old.login().prompt(alice, pending.challenge(), phone, Map.of(), REQUEST);    // send 19
    String codeSentUnderK1 = lastCode();
    assertThat(sealedWith(stored(alice, phone))).isEqualTo("k1");
    assertThat(sealedWith(stored(alice, totp.id))).isEqualTo("k1");
    String lookupUnderK1 = numberPart(stored(alice, phone));

    // --- rotate: k2 seals, k1 still opens, the MAC root stays ---
    MfaEngine rotated = engine(after(setup));

    // the code sent before the rotation (its keyed hash is in the ceremony) still signs in
    assertThat(rotated.login().verify(alice, pending.challenge(),
        Answer.code(phone, codeSentUnderK1), RememberDevice.NO, REQUEST))
        .isInstanceOf(LoginStep.Authenticated.class);

    // the authenticator app sealed under k1 signs in
    clock.advance(Duration.ofMinutes(1));
    LoginStep.SecondFactorRequired s = signIn(rotated);
    assertThat(rotated.login().verify(alice, s.challenge(),
        Answer.code(totp.id, Otp.totp(totp.key, clock.instant(), totp.parameters)),
        RememberDevice.NO, REQUEST)).isInstanceOf(LoginStep.Authenticated.class);

    // the phone sealed under k1 signs in with a new code: the 20th send of the day to the number
    clock.advance(Duration.ofMinutes(1));
    s = signIn(rotated);
    rotated.login().prompt(alice, s.challenge(), phone, Map.of(), REQUEST);
    assertThat(rotated.login().verify(alice, s.challenge(), Answer.code(phone, lastCode()),
        RememberDevice.NO, REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(outbox.calls()).isEqualTo(20);

    // the 21st send of the day to the number is refused: the counters kept counting
    assertThatThrownBy(() -> anotherSendToTheNumber(rotated, "sunrise", 18))
        .isInstanceOf(RateLimitedException.class);
    assertThat(outbox.calls()).isEqualTo(20);

    // phone lookup keys are the same keyed hash as before the rotation
    UserRef elsewhere = UserRef.staff("moonrise", "carol");
    FactorId carolsPhone = enrollPhone(rotated, elsewhere);
    assertThat(numberPart(stored(elsewhere, carolsPhone))).isEqualTo(lookupUnderK1);

    // new secrets are sealed under k2; the old ones still read k1 until re-sealed
    clock.advance(Duration.ofMinutes(1));
    Totp carolsApp = enrollTotp(rotated, elsewhere);
    assertThat(sealedWith(stored(elsewhere, carolsApp.id))).isEqualTo("k2");
    assertThat(sealedWith(stored(elsewhere, carolsPhone))).isEqualTo("k2");
    assertThat(sealedWith(stored(alice, totp.id))).isEqualTo("k1");
  }

  @Test
  void rotationThatDoesNotNameTheMacRoot_refusedAtStartUp() {
    assertThatThrownBy(() -> AesGcmSecretProtector.builder().key("k1", k1).key("k2", k2)
        .current("k2").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAC root");
  }
}
