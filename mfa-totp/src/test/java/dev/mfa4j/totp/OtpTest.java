package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OtpTest {
  static final byte[] SEED20 = ascii("12345678901234567890");
  static final byte[] SEED32 = ascii("12345678901234567890123456789012");
  static final byte[] SEED64 =
      ascii("1234567890123456789012345678901234567890123456789012345678901234");

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** RFC 4226 Appendix D: count, truncated decimal, HOTP. */
  @ParameterizedTest(name = "RFC 4226 D count {0} -> {2}")
  @CsvSource({
      "0, 1284755224, 755224",
      "1, 1094287082, 287082",
      "2, 137359152, 359152",
      "3, 1726969429, 969429",
      "4, 1640338314, 338314",
      "5, 868254676, 254676",
      "6, 1918287922, 287922",
      "7, 82162583, 162583",
      "8, 673399871, 399871",
      "9, 645520489, 520489"})
  void hotp_rfc4226AppendixD_matches(long count, long truncated, String hotp) {
    assertThat(Otp.hotp(SEED20, count, OtpAlgorithm.SHA1, 6)).isEqualTo(hotp);
    assertThat(hotp).isEqualTo(String.valueOf(truncated % 1_000_000));
    // the 8-digit value keeps the truncated number's last 8 digits, zero-padded
    String eight = Otp.hotp(SEED20, count, OtpAlgorithm.SHA1, 8);
    assertThat(Long.parseLong(eight)).isEqualTo(truncated % 100_000_000);
    assertThat(eight).hasSize(8);
  }

  static Stream<Arguments> rfc6238() {
    Object[][] rows = {
        {59L, "94287082", "46119246", "90693936"},
        {1111111109L, "07081804", "68084774", "25091201"},
        {1111111111L, "14050471", "67062674", "99943326"},
        {1234567890L, "89005924", "91819424", "93441116"},
        {2000000000L, "69279037", "90698825", "38618901"},
        {20000000000L, "65353130", "77737706", "47863826"}};
    Stream.Builder<Arguments> b = Stream.builder();
    for (Object[] r : rows) {
      b.add(Arguments.of(r[0], OtpAlgorithm.SHA1, SEED20, r[1]));
      b.add(Arguments.of(r[0], OtpAlgorithm.SHA256, SEED32, r[2]));
      b.add(Arguments.of(r[0], OtpAlgorithm.SHA512, SEED64, r[3]));
    }
    return b.build();
  }

  @ParameterizedTest(name = "RFC 6238 B t={0} {1} -> {3}")
  @MethodSource("rfc6238")
  void totp_rfc6238AppendixB_matches(long seconds, OtpAlgorithm algorithm, byte[] seed,
      String expected) {
    TotpParameters p = TotpParameters.of(algorithm, 8, 30);
    assertThat(Otp.totp(seed, Instant.ofEpochSecond(seconds), p)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "RFC 6238 B verify t={0} {1}")
  @MethodSource("rfc6238")
  void verify_rfc6238AppendixB_matchesCurrentStep(long seconds, OtpAlgorithm algorithm,
      byte[] seed, String expected) {
    TotpParameters p = TotpParameters.of(algorithm, 8, 30);
    TotpCheck check = Otp.verify(seed, p, Instant.ofEpochSecond(seconds), 1, expected);
    assertThat(check.status()).isEqualTo(TotpCheck.Status.MATCHED);
    assertThat(check.step()).isEqualTo(seconds / 30);
    assertThat(check.offset()).isZero();
  }

  @Test
  void totp_leadingZeroCode_keepsZero() {
    TotpParameters p = TotpParameters.of(OtpAlgorithm.SHA1, 8, 30);
    assertThat(Otp.totp(SEED20, Instant.ofEpochSecond(1111111109L), p)).isEqualTo("07081804");
    assertThat(Otp.verify(SEED20, p, Instant.ofEpochSecond(1111111109L), 0, "07081804")
        .matched()).isTrue();
    // the same number without its leading zero is malformed, not a match
    assertThat(Otp.verify(SEED20, p, Instant.ofEpochSecond(1111111109L), 0, "7081804").status())
        .isEqualTo(TotpCheck.Status.MALFORMED);
  }

  @Test
  void totp_sixDigits_isLastSixOfEight() {
    Instant t = Instant.ofEpochSecond(1234567890L);
    assertThat(Otp.totp(SEED20, t, TotpParameters.DEFAULTS)).isEqualTo("005924");
  }

  @Test
  void totp_sixtySecondPeriod_usesStepOfSixtySeconds() {
    TotpParameters p60 = TotpParameters.of(OtpAlgorithm.SHA1, 6, 60);
    // t = 1111111109 -> T = 18518518 with X = 60
    assertThat(Otp.totp(SEED20, Instant.ofEpochSecond(1111111109L), p60))
        .isEqualTo(Otp.hotp(SEED20, 1111111109L / 60, OtpAlgorithm.SHA1, 6));
    assertThat(p60.step(Instant.ofEpochSecond(119))).isEqualTo(1);
  }

  @Test
  void defaults_areSha1SixDigitsThirtySeconds() {
    assertThat(TotpParameters.DEFAULTS.algorithm()).isEqualTo(OtpAlgorithm.SHA1);
    assertThat(TotpParameters.DEFAULTS.digits()).isEqualTo(6);
    assertThat(TotpParameters.DEFAULTS.periodSeconds()).isEqualTo(30);
  }

  static final Instant NOW = Instant.ofEpochSecond(1_700_000_015L);

  static String codeAt(int offsetSteps) {
    return Otp.totp(SEED20, NOW.plusSeconds(30L * offsetSteps), TotpParameters.DEFAULTS);
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(ints = {-1, 0, 1})
  void verify_withinOneStep_matchesAndReportsDrift(int offset) {
    TotpCheck check = Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, codeAt(offset));
    assertThat(check.status()).isEqualTo(TotpCheck.Status.MATCHED);
    assertThat(check.offset()).isEqualTo(offset);
    assertThat(check.step()).isEqualTo(TotpParameters.DEFAULTS.step(NOW) + offset);
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(ints = {-2, 2, -3, 3})
  void verify_twoOrMoreStepsAway_noMatch(int offset) {
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, codeAt(offset)).status())
        .isEqualTo(TotpCheck.Status.NO_MATCH);
  }

  @Test
  void verify_windowTwo_acceptsTwoStepsAway() {
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 2, codeAt(-2)).offset())
        .isEqualTo(-2);
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 0, codeAt(-1)).status())
        .isEqualTo(TotpCheck.Status.NO_MATCH);
  }

  @Test
  void verify_stepAtOrBeforeLastAccepted_isReplayed() {
    long current = TotpParameters.DEFAULTS.step(NOW);
    TotpCheck same = Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, codeAt(0), current);
    assertThat(same.status()).isEqualTo(TotpCheck.Status.REPLAYED);
    TotpCheck older = Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, codeAt(-1), current);
    assertThat(older.status()).isEqualTo(TotpCheck.Status.REPLAYED);
    TotpCheck newer = Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, codeAt(1), current);
    assertThat(newer.status()).isEqualTo(TotpCheck.Status.MATCHED);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "12345", "1234567", "12a456", "12-456", "+12345", "123456\n",
      "١٢٣٤٥٦", "１２３４５６", "۱۲۳۴۵۶", "123\u00a0456", "12345\u0669"})
  void verify_notSixAsciiDigits_malformed(String typed) {
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, typed).status())
        .isEqualTo(TotpCheck.Status.MALFORMED);
  }

  @Test
  void verify_nonAsciiDigitsOfRightCode_malformed() {
    String code = codeAt(0);
    StringBuilder arabic = new StringBuilder();
    for (char c : code.toCharArray()) {
      arabic.append((char) ('\u0660' + (c - '0')));
    }
    assertThat(Character.getNumericValue(arabic.charAt(0))).isEqualTo(code.charAt(0) - '0');
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, arabic).status())
        .isEqualTo(TotpCheck.Status.MALFORMED);
  }

  @Test
  void verify_spacesInsideCode_areIgnored() {
    String code = codeAt(0);
    String spaced = " " + code.substring(0, 3) + " " + code.substring(3) + " ";
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, spaced).matched()).isTrue();
  }

  @Test
  void verify_wrongLength_rejectedBeforeAnyHmac() {
    // An empty key would make any HMAC throw: a malformed code must return before keying a Mac.
    byte[] noKey = new byte[0];
    assertThat(Otp.verify(noKey, TotpParameters.DEFAULTS, NOW, 1, "12345").status())
        .isEqualTo(TotpCheck.Status.MALFORMED);
    assertThat(Otp.verify(noKey, TotpParameters.DEFAULTS, NOW, 1, "１２３４５６").status())
        .isEqualTo(TotpCheck.Status.MALFORMED);
    assertThatThrownBy(() -> Otp.verify(noKey, TotpParameters.DEFAULTS, NOW, 1, "123456"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_wrongCode_noMatch() {
    String code = codeAt(0);
    String wrong = (code.charAt(0) == '9' ? "0" : String.valueOf((char) (code.charAt(0) + 1)))
        + code.substring(1);
    boolean anyNeighbour = wrong.equals(codeAt(-1)) || wrong.equals(codeAt(1));
    assertThat(anyNeighbour).isFalse();
    assertThat(Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 1, wrong).status())
        .isEqualTo(TotpCheck.Status.NO_MATCH);
  }

  @Test
  void verify_codeOfOtherAlgorithm_noMatch() {
    TotpParameters sha256 = TotpParameters.of(OtpAlgorithm.SHA256, 6, 30);
    String sha1Code = codeAt(0);
    String sha256Code = Otp.totp(SEED20, NOW, sha256);
    assertThat(sha256Code).isNotEqualTo(sha1Code);
    assertThat(Otp.verify(SEED20, sha256, NOW, 0, sha1Code).status())
        .isEqualTo(TotpCheck.Status.NO_MATCH);
    assertThat(Otp.verify(SEED20, sha256, NOW, 0, sha256Code).matched()).isTrue();
  }

  @Test
  void verify_windowOutOfRange_throws() {
    assertThatThrownBy(() -> Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, -1, "123456"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Otp.verify(SEED20, TotpParameters.DEFAULTS, NOW, 11, "123456"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parameters_outOfRange_throw() {
    assertThatThrownBy(() -> TotpParameters.of(OtpAlgorithm.SHA1, 5, 30))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TotpParameters.of(OtpAlgorithm.SHA1, 9, 30))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TotpParameters.of(OtpAlgorithm.SHA1, 6, 45))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hotp_alternatingAlgorithmsOnOneThread_staysCorrect() {
    // the per-thread Macs are re-keyed on every call
    for (int i = 0; i < 3; i++) {
      assertThat(Otp.hotp(SEED20, 0, OtpAlgorithm.SHA1, 6)).isEqualTo("755224");
      assertThat(Otp.totp(SEED32, Instant.ofEpochSecond(59), TotpParameters.of(
          OtpAlgorithm.SHA256, 8, 30))).isEqualTo("46119246");
      assertThat(Otp.hotp(ascii("another key of 20 b."), 0, OtpAlgorithm.SHA1, 6))
          .isNotEqualTo("755224");
    }
  }
}
