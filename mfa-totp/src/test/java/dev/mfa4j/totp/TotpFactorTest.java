package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider alone, against a fake context (the engine test covers it end to end). */
class TotpFactorTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:10Z");
  static final FactorId ID = FactorId.of("f-totp-1");

  MutableClock clock;
  FakeFactorContext ctx;
  TotpFactor factor;
  FactorRecord active;
  TotpEnrollment enrollment;

  static FactorRecord pending() {
    return new FactorRecord(ID, PracticeId.of("p1"), UserId.of("u1"), FactorKind.TOTP, "Phone",
        FactorState.PENDING, T0, Optional.empty(), 0, 0, Optional.empty(), new byte[0], Map.of());
  }

  @BeforeEach
  void enroll() {
    clock = MutableClock.at(T0);
    ctx = FakeFactorContext.of(UserRef.staff("p1", "u1"), FactorKind.TOTP, clock);
    factor = TotpFactor.builder().issuer("Zoë's Clinic & Co").build();
    Enrollment e = factor.begin(ctx, pending(), Map.of("account", "amy@zoe.example"));
    enrollment = (TotpEnrollment) e.details();
    active = e.pending().withState(FactorState.ACTIVE);
  }

  byte[] key() {
    return TotpSecret.fromBase32(enrollment.groupedKey()).reveal();
  }

  String codeAt(Instant t) {
    return Otp.totp(key(), t, enrollment.parameters());
  }

  String codeAtOffset(int steps) {
    return codeAt(T0.plusSeconds(30L * steps));
  }

  Verification verify(String typed) {
    return factor.verify(ctx, active, Answer.code(ID, typed));
  }

  @Test
  void kind_isTotp() {
    assertThat(factor.kind()).isEqualTo(FactorKind.TOTP);
    assertThat(factor.restricted()).isFalse();
  }

  @Test
  void begin_sealsSecretAndStoresParameters() {
    FactorRecord p = active;
    assertThat(p.sealedSecret()).isNotEmpty().isNotEqualTo(key());
    assertThat(ctx.open(p)).isEqualTo(key());
    assertThat(p.attributes()).containsEntry("algorithm", "SHA1").containsEntry("digits", "6")
        .containsEntry("period", "30");
    assertThat(p.attributes().values()).noneMatch(v -> v.contains(enrollment.keyUri().secret()
        .base32()));
  }

  @Test
  void begin_detailsHoldUriKeyAndQr_withDefaults() {
    OtpAuthUri parsed = OtpAuthUri.parse(enrollment.otpauthUri());
    assertThat(parsed.issuer()).isEqualTo("Zoë's Clinic & Co");
    assertThat(parsed.account()).isEqualTo("amy@zoe.example");
    assertThat(parsed.parameters()).isEqualTo(TotpParameters.DEFAULTS);
    assertThat(parsed.secret().length()).isGreaterThanOrEqualTo(20);
    assertThat(parsed.secret().reveal()).isEqualTo(key());
    assertThat(enrollment.groupedKey()).matches("([A-Z2-7]{4} )*[A-Z2-7]{1,4}");
    assertThat(enrollment.qrDataUri()).startsWith("data:image/png;base64,");
    assertThat(enrollment.qrSvg()).startsWith("<svg");
  }

  @Test
  void begin_qrCodes_decodeToTheEnrollmentUri() throws Exception {
    String uri = enrollment.otpauthUri();
    assertThat(QrCodeTest.decode(QrCodeTest.readPng(enrollment.qrPng())).getText()).isEqualTo(uri);
    byte[] fromDataUri = java.util.Base64.getDecoder()
        .decode(enrollment.qrDataUri().substring("data:image/png;base64,".length()));
    assertThat(QrCodeTest.decode(QrCodeTest.readPng(fromDataUri)).getText()).isEqualTo(uri);
    int[] head = new int[4];
    var bits = QrCodeTest.rasterize(enrollment.qrSvg(), head);
    assertThat(QrCodeTest.decode(com.google.zxing.client.j2se.MatrixToImageWriter
        .toBufferedImage(bits)).getText()).isEqualTo(uri);
  }

  @Test
  void begin_detailsToString_isRedacted() {
    String s = enrollment.toString();
    assertThat(s).doesNotContain(enrollment.keyUri().secret().base32().substring(0, 8))
        .doesNotContain("otpauth").doesNotContain(enrollment.groupedKey().substring(0, 9));
  }

  @Test
  void begin_withoutAccount_usesUserId() {
    Enrollment e = factor.begin(ctx, pending(), Map.of());
    assertThat(((TotpEnrollment) e.details()).account()).isEqualTo("u1");
  }

  @Test
  void begin_unknownOrBadParameter_throwsTyped() {
    assertThatThrownBy(() -> factor.begin(ctx, pending(), Map.of("secret", "AAAA")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> factor.begin(ctx, pending(), Map.of("account", " ")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void begin_twice_givesDifferentSecrets() {
    Enrollment other = factor.begin(ctx, pending(), Map.of());
    assertThat(((TotpEnrollment) other.details()).groupedKey())
        .isNotEqualTo(enrollment.groupedKey());
  }

  @Test
  void begin_sha256Factor_has32ByteSecretAndSaysSoInUri() {
    TotpFactor f = TotpFactor.builder().issuer("X").algorithm(OtpAlgorithm.SHA256).digits(8)
        .period(Duration.ofSeconds(60)).build();
    Enrollment e = f.begin(ctx, pending(), Map.of());
    TotpEnrollment d = (TotpEnrollment) e.details();
    assertThat(d.keyUri().secret().length()).isEqualTo(32);
    assertThat(d.otpauthUri()).contains("algorithm=SHA256").contains("digits=8")
        .contains("period=60");
    assertThat(e.pending().attributes()).containsEntry("algorithm", "SHA256")
        .containsEntry("digits", "8").containsEntry("period", "60");
    assertThat(f.display(e.pending())).containsEntry("digits", "8");
  }

  @Test
  void confirm_currentCode_acceptedAndRecordsStep() {
    FactorRecord p = active.withState(FactorState.PENDING);
    Verification v = factor.confirm(ctx, p, Answer.code(ID, codeAtOffset(0)));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    long step = TotpParameters.DEFAULTS.step(T0);
    assertThat(v.updated()).isEmpty();
    assertThat(ctx.counter(ID)).isEqualTo(step);
    assertThat(v.details()).containsEntry("time_step", Long.toString(step))
        .containsEntry("drift_steps", "0");
  }

  @Test
  void confirm_wrongCode_invalid() {
    FactorRecord p = active.withState(FactorState.PENDING);
    Verification v = factor.confirm(ctx, p, Answer.code(ID, codeAtOffset(5)));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.INVALID);
    assertThat(ctx.counter(ID)).isZero();
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(ints = {-1, 0, 1})
  void verify_withinDefaultWindow_acceptedWithDrift(int offset) {
    Verification v = verify(codeAtOffset(offset));
    assertThat(v.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(v.details()).containsEntry("drift_steps", Integer.toString(offset));
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(ints = {-2, 2})
  void verify_twoStepsAway_invalid(int offset) {
    assertThat(verify(codeAtOffset(offset)).outcome()).isEqualTo(VerificationOutcome.INVALID);
  }

  @Test
  void verify_policyWindowTwo_acceptsTwoSteps_windowZeroOnlyCurrent() {
    ctx.policy(PracticePolicy.builder().totpWindow(2).build());
    assertThat(verify(codeAtOffset(-2)).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    ctx.policy(PracticePolicy.builder().totpWindow(0).build());
    clock.set(T0.plusSeconds(300));
    assertThat(verify(codeAt(T0.plusSeconds(270))).outcome())
        .isEqualTo(VerificationOutcome.INVALID);
    assertThat(verify(codeAt(T0.plusSeconds(300))).outcome())
        .isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void verify_sameCodeTwice_secondReplayed() {
    String code = codeAtOffset(0);
    assertThat(verify(code).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    active = active.withCounter(ctx.counter(ID));
    assertThat(verify(code).outcome()).isEqualTo(VerificationOutcome.REPLAYED);
  }

  @Test
  void verify_sameCodeTwiceWithStaleRecord_secondRefusedByCounter() {
    // the record read before the first success still says counter 0: the atomic counter decides
    String code = codeAtOffset(0);
    assertThat(verify(code).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(verify(code).outcome()).isEqualTo(VerificationOutcome.REPLAYED);
  }

  @Test
  void verify_codeOfTThenCodeOfTMinusOne_secondReplayed() {
    assertThat(verify(codeAtOffset(0)).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    active = active.withCounter(ctx.counter(ID));
    assertThat(verify(codeAtOffset(-1)).outcome()).isEqualTo(VerificationOutcome.REPLAYED);
    assertThat(verify(codeAtOffset(1)).outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void verify_lostRace_replayed() {
    ctx.loseRaces(true);
    assertThat(verify(codeAtOffset(0)).outcome()).isEqualTo(VerificationOutcome.REPLAYED);
  }

  @Test
  void verify_codeWithSpaces_accepted() {
    String c = codeAtOffset(0);
    assertThat(verify(c.substring(0, 3) + " " + c.substring(3)).outcome())
        .isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"12345", "1234567", "", "abcdef", "١٢٣٤٥٦", "１２３４５６", "12345６"})
  void verify_notSixAsciiDigits_malformedWithoutOpeningSecret(String typed) {
    assertThat(verify(typed).outcome()).isEqualTo(VerificationOutcome.MALFORMED);
    assertThat(ctx.opens()).isZero();
  }

  @Test
  void verify_rightCodeInArabicIndicDigits_malformed() {
    String c = codeAtOffset(0);
    StringBuilder b = new StringBuilder();
    for (char ch : c.toCharArray()) {
      b.append((char) ('\u0660' + ch - '0'));
    }
    assertThat(verify(b.toString()).outcome()).isEqualTo(VerificationOutcome.MALFORMED);
  }

  @Test
  void verify_answerForAnotherFactorOrNotACode_malformed() {
    assertThat(factor.verify(ctx, active, Answer.code(FactorId.of("other"), codeAtOffset(0)))
        .outcome()).isEqualTo(VerificationOutcome.MALFORMED);
    assertThat(factor.verify(ctx, active, Answer.backupCode(codeAtOffset(0))).outcome())
        .isEqualTo(VerificationOutcome.MALFORMED);
    assertThat(ctx.opens()).isZero();
  }

  @Test
  void verify_corruptAttributes_failsClosed() {
    FactorRecord corrupt = active.withAttributes(Map.of("algorithm", "MD5"));
    assertThatThrownBy(() -> factor.verify(ctx, corrupt, Answer.code(ID, codeAtOffset(0))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void prompt_isNone() {
    assertThat(factor.prompt(ctx, active, Map.of()).clientJson()).isEmpty();
  }

  @Test
  void builder_withoutIssuer_throws() {
    assertThatThrownBy(() -> TotpFactor.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TotpFactor.builder().issuer("X").digits(9).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
