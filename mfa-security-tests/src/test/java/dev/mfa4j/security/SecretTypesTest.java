package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.DeviceToken;
import dev.mfa4j.FactorId;
import dev.mfa4j.Password;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.TemporaryPassword;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.Channel;
import dev.mfa4j.sms.OutboundMessage;
import dev.mfa4j.sms.TwilioSender;
import dev.mfa4j.totp.OtpAuthUri;
import dev.mfa4j.totp.QrCode;
import dev.mfa4j.totp.QrOptions;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.totp.TotpParameters;
import dev.mfa4j.totp.TotpSecret;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every type that holds a secret, listed by name: it must exist (a renamed or removed type fails
 * here and must be listed anew), must be a final class and not a record (records print and compare
 * their fields), must not define {@code equals}/{@code hashCode} (no timing-leaky comparison), and
 * its {@code toString} must not print the secret: each is instantiated with a known secret and the
 * printed form is searched for it.
 */
class SecretTypesTest {

  /** A secret-bearing instance and the secret text that must never appear in its toString. */
  record Sample(String type, Supplier<Object> instance, List<String> secrets) {
    @Override
    public String toString() {
      return type;
    }
  }

  private static final String TOKEN = "Sx9_secretTokenValue-0123456789abcdefABCDEF";
  private static final String PASSWORD = "hunter2-correct-horse-battery";
  private static final String CODE = "31415926";
  private static final String BACKUP = "ABCD-EFGH-JKLM-NPQR-STUV";
  private static final FactorId FACTOR = FactorId.of("f1");

  static Stream<Sample> samples() {
    byte[] key = HexFormat.of().parseHex(
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    return Stream.of(
        new Sample("dev.mfa4j.ChallengeId", () -> ChallengeId.of(TOKEN), List.of(TOKEN)),
        new Sample("dev.mfa4j.DeviceToken", () -> DeviceToken.of(TOKEN), List.of(TOKEN)),
        new Sample("dev.mfa4j.Password", () -> Password.of(PASSWORD), List.of(PASSWORD)),
        new Sample("dev.mfa4j.Answer$Code", () -> Answer.code(FACTOR, CODE), List.of(CODE)),
        new Sample("dev.mfa4j.Answer$BackupCode", () -> Answer.backupCode(BACKUP),
            List.of(BACKUP, "ABCD")),
        new Sample("dev.mfa4j.Answer$Response",
            () -> Answer.response(FACTOR, "{\"signature\":\"" + TOKEN + "\"}"), List.of(TOKEN)),
        new Sample("dev.mfa4j.BackupCodes", SecretTypesTest::backupCodes, List.of()),
        new Sample("dev.mfa4j.totp.TotpSecret", () -> TotpSecret.of(TOTP_KEY),
            List.of(TotpSecret.of(TOTP_KEY).base32(), HexFormat.of().formatHex(TOTP_KEY))),
        new Sample("dev.mfa4j.totp.OtpAuthUri", () -> OtpAuthUri.of("Sunrise", "alice",
            TotpSecret.of(TOTP_KEY), TotpParameters.DEFAULTS), List.of(TotpSecret.of(TOTP_KEY)
            .base32(), "secret=")),
        new Sample("dev.mfa4j.totp.QrCode", () -> QrCode.of(OtpAuthUri.of("Sunrise", "alice",
            TotpSecret.of(TOTP_KEY), TotpParameters.DEFAULTS).uri(), QrOptions.DEFAULTS),
            List.of(TotpSecret.of(TOTP_KEY).base32(), "otpauth://")),
        new Sample("dev.mfa4j.totp.TotpEnrollment", SecretTypesTest::totpEnrollment, List.of()),
        new Sample("dev.mfa4j.sms.OutboundMessage", () -> new OutboundMessage(Channel.SMS,
            "+14155552671", "Sunrise: your code is " + CODE, Locale.ENGLISH, "idem-1"),
            List.of(CODE, "4155552671")),
        new Sample("dev.mfa4j.sms.TwilioSender", () -> TwilioSender.builder()
            .account("AC0123456789abcdef", "authTokenSecret42").from("+14155550000").build(),
            List.of("authTokenSecret42")),
        new Sample("dev.mfa4j.TemporaryPassword", SecretTypesTest::temporaryPassword, List.of()),
        new Sample("dev.mfa4j.AesGcmSecretProtector",
            () -> AesGcmSecretProtector.fromKey("k1", key),
            List.of("000102030405", "AAECAwQF", new String(key, java.nio.charset.StandardCharsets.ISO_8859_1))));
  }

  private static final byte[] TOTP_KEY = "12345678901234567890".getBytes(
      java.nio.charset.StandardCharsets.US_ASCII);

  private static Object totpEnrollment() {
    SecurityFixture f = SecurityFixture.enrolled(TotpFactor.builder().issuer("Sunrise").build());
    return f.engine.account(f.user).beginEnrollment(FactorKind.TOTP, "App",
        Password.of(SecurityFixture.PASSWORD), Map.of(), f.request)
        .details(TotpEnrollment.class);
  }

  private static Object temporaryPassword() {
    Passwords passwords = Passwords.builder(new InMemoryMfaStore().passwords())
        .argon2id(64, 1, 1).build();
    return passwords.issueTemporary(UserRef.staff("sunrise", "u-9"));
  }

  /** Real backup codes from an engine: their own text must not appear in toString. */
  private static Object backupCodes() {
    SecurityFixture f = SecurityFixture.enrolled();
    BackupCodes codes = f.engine.account(f.user).regenerateBackupCodes(
        Password.of(SecurityFixture.PASSWORD), f.request);
    assertThat(codes.reveal()).hasSize(codes.size()).isNotEmpty();
    return codes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void secretType_isFinalClassNotRecordWithoutEquals(Sample s) throws Exception {
    Class<?> type = Class.forName(s.type());
    assertThat(type.isRecord()).as("%s is a record", type).isFalse();
    assertThat(Modifier.isFinal(type.getModifiers())).as("%s is final", type).isTrue();
    assertThat(declares(type, "equals", Object.class)).as("%s defines equals", type).isFalse();
    assertThat(declares(type, "hashCode")).as("%s defines hashCode", type).isFalse();
    assertThat(declares(type, "toString")).as("%s overrides toString", type).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void secretType_toString_doesNotPrintSecret(Sample s) throws Exception {
    Object o = s.instance().get();
    assertThat(o).isInstanceOf(Class.forName(s.type()));
    String printed = o.toString();
    for (String secret : secrets(s, o)) {
      assertThat(printed).as("%s prints its secret", s.type()).doesNotContain(secret);
    }
    // a record holding it would print it through the record's toString: the type must redact
    assertThat(Map.of("held", o).toString()).doesNotContain(secrets(s, o));
  }

  private static String[] secrets(Sample s, Object o) {
    if (o instanceof TotpEnrollment e) {
      return new String[] {e.keyUri().secret().base32(), e.groupedKey(), e.otpauthUri(),
          "secret="};
    }
    if (o instanceof TemporaryPassword t) {
      return new String[] {t.reveal()};
    }
    if (o instanceof BackupCodes codes) {
      return Stream.concat(codes.reveal().stream(),
          codes.reveal().stream().map(c -> c.substring(5))).toArray(String[]::new);
    }
    return s.secrets().toArray(String[]::new);
  }

  private static boolean declares(Class<?> type, String name, Class<?>... params) {
    try {
      Method m = type.getDeclaredMethod(name, params);
      return m.getDeclaringClass() == type;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
