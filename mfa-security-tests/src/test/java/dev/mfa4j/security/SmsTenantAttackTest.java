package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.sms.RegionNotAcceptedException;
import dev.mfa4j.sms.SendLimit;
import dev.mfa4j.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * SMS send limits between tenants, through the engine: one practice's users cannot use up a
 * number's sends for another practice, the ceiling over all practices still holds, and numbers of
 * regions a practice did not choose are refused by default.
 */
class SmsTenantAttackTest {
  static final String PASSWORD = "correct horse battery staple";
  static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  static final String VICTIM = number("US");

  final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
  final OutboxSender outbox = new OutboxSender();
  int requests;

  static String number(String region) {
    return UTIL.format(UTIL.getExampleNumberForType(region, PhoneNumberType.MOBILE),
        PhoneNumberFormat.E164);
  }

  MfaEngine engine(UnaryOperator<OneTimeCodeFactor.Builder> options) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return MfaEngine.builder()
        .store(new InMemoryMfaStore())
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((u, p) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(p.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(options.apply(OneTimeCodeFactor.builder().sender(outbox)).build())
        .clock(clock)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .defaultPolicy(PracticePolicy.defaults())
        .build();
  }

  /** A user of {@code practice} starts enrolling {@code phone}: one code is sent, or refused. */
  EnrollmentStart enroll(MfaEngine engine, String practice, String phone) {
    UserRef user = UserRef.staff(practice, "u-" + (++requests));
    // each attempt from its own address: the per-IP limit is not what this test is about
    RequestContext request = RequestContext.of("10.0." + (requests / 200) + "." + (requests % 200),
        "Attack/1.0");
    return engine.account(user).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", phone), request);
  }

  @Test
  void practiceExhaustsANumber_anotherPracticesUserStillReceivesACode() {
    MfaEngine engine = engine(b -> b);
    for (int i = 0; i < 20; i++) {
      enroll(engine, "attacker", VICTIM);
    }
    assertThat(outbox.calls()).isEqualTo(20);
    assertThatThrownBy(() -> enroll(engine, "attacker", VICTIM))
        .isInstanceOf(RateLimitedException.class);
    assertThat(outbox.calls()).isEqualTo(20);

    enroll(engine, "sunrise", VICTIM);
    assertThat(outbox.calls()).isEqualTo(21);
    assertThat(outbox.last().orElseThrow().message().destination()).isEqualTo(VICTIM);
  }

  @Test
  void ceilingOverAllPractices_holds() {
    MfaEngine engine = engine(b -> b);
    // five practices of 20 each reach the default ceiling of 100 a day
    for (int p = 0; p < 5; p++) {
      for (int i = 0; i < 20; i++) {
        enroll(engine, "tenant-" + p, VICTIM);
      }
    }
    assertThat(outbox.calls()).isEqualTo(100);
    assertThatThrownBy(() -> enroll(engine, "tenant-5", VICTIM))
        .isInstanceOf(RateLimitedException.class)
        .hasMessage("too many codes were sent to this number; try again later");
    assertThat(outbox.calls()).isEqualTo(100);
  }

  @Test
  void numberBlock_perPracticeAndCeiling() {
    MfaEngine engine = engine(b -> b.perPrefix(SendLimit.perHour(3))
        .perPrefixAllPractices(SendLimit.perHour(5)));
    String block = VICTIM.substring(0, VICTIM.length() - 4);
    for (int i = 0; i < 3; i++) {
      enroll(engine, "attacker", block + "010" + i);
    }
    assertThatThrownBy(() -> enroll(engine, "attacker", block + "0103"))
        .isInstanceOf(RateLimitedException.class);
    enroll(engine, "sunrise", block + "0104");
    enroll(engine, "sunrise", block + "0105");
    assertThatThrownBy(() -> enroll(engine, "moonrise", block + "0106"))
        .isInstanceOf(RateLimitedException.class);
    assertThat(outbox.calls()).isEqualTo(5);
  }

  @Test
  void regionOutsideThePracticesSet_refusedByDefault() {
    MfaEngine engine = engine(b -> b);
    String abroad = number("NG");
    assertThatThrownBy(() -> enroll(engine, "sunrise", abroad))
        .isInstanceOfSatisfying(RegionNotAcceptedException.class, e -> {
          assertThat(e.region()).isEqualTo("NG");
          assertThat(e.getMessage()).contains("Nigeria").doesNotContain(abroad.substring(1));
        });
    assertThat(outbox.calls()).isZero();
  }

  @Test
  void regionOutsideAnExplicitSet_refused_allRegionsOnlyWhenAskedFor() {
    MfaEngine usOnly = engine(b -> b.allowedRegions(p -> Set.of("US")));
    assertThatThrownBy(() -> enroll(usOnly, "sunrise", number("GB")))
        .isInstanceOf(RegionNotAcceptedException.class)
        .hasMessage("Phone numbers from United Kingdom can't be used with this practice."
            + " Please use a phone number from United States.");
    enroll(usOnly, "sunrise", VICTIM);
    assertThat(outbox.calls()).isEqualTo(1);

    MfaEngine open = engine(OneTimeCodeFactor.Builder::allowAllRegions);
    enroll(open, "sunrise", number("NG"));
    assertThat(outbox.calls()).isEqualTo(2);
  }
}
