package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mfa4j.Answer;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.Password;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.totp.InvalidOtpAuthUriException;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.OtpAuthUri;
import dev.mfa4j.totp.TotpCheck;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.totp.TotpParameters;
import dev.mfa4j.totp.TotpSecret;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fuzz tests of mfa-totp's parsers (otpauth URIs, Base32 secrets) and of typed TOTP codes, alone
 * and through the engine. Seeds: {@code TotpInputFuzzTestInputs/}.
 */
class TotpInputFuzzTest {
  private static final byte[] KEY = "12345678901234567890".getBytes(
      java.nio.charset.StandardCharsets.US_ASCII); // RFC 6238 Appendix B key (SHA1)

  /** Strict Key URI parsing: a typed refusal, or a URI that round-trips and never prints its key. */
  @FuzzTest
  void otpAuthUri_parse(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    OtpAuthUri uri;
    try {
      uri = OtpAuthUri.parse(s);
    } catch (InvalidOtpAuthUriException e) {
      return;
    }
    assertThat(uri.secret().length()).isBetween(TotpSecret.MIN_BYTES, TotpSecret.MAX_BYTES);
    assertThat(uri.issuer()).isNotEmpty();
    OtpAuthUri again = OtpAuthUri.parse(uri.uri());
    assertThat(again.issuer()).isEqualTo(uri.issuer());
    assertThat(again.account()).isEqualTo(uri.account());
    assertThat(again.parameters()).isEqualTo(uri.parameters());
    assertThat(again.secret().reveal()).isEqualTo(uri.secret().reveal());
    String secret = uri.secret().base32();
    // issuer and account are public and printed; a label that happens to hold the secret's text
    // (found by fuzzing: "account=Sample.comet=<secret>&i") is not a leak of the secret field
    if (!uri.issuer().contains(secret) && !uri.account().contains(secret)) {
      assertThat(uri.toString()).doesNotContain(secret);
    }
  }

  /** A typed or pasted secret: refused with InvalidInputException, or decoded within bounds. */
  @FuzzTest
  void totpSecret_fromBase32(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    TotpSecret secret;
    try {
      secret = TotpSecret.fromBase32(s);
    } catch (InvalidInputException e) {
      return;
    }
    assertThat(secret.length()).isBetween(TotpSecret.MIN_BYTES, TotpSecret.MAX_BYTES);
    assertThat(TotpSecret.fromBase32(secret.base32()).reveal()).isEqualTo(secret.reveal());
    assertThat(TotpSecret.fromBase32(secret.grouped()).reveal()).isEqualTo(secret.reveal());
    assertThat(secret.toString()).doesNotContain(secret.base32());
  }

  /**
   * Otp.verify never throws on a typed code and matches only a code of a step in the window; a
   * match at or before the last accepted step is a replay.
   */
  @FuzzTest
  void otp_verify_typedCode(FuzzedDataProvider data) {
    long epoch = data.consumeLong(0, 4_000_000_000L);
    int window = data.consumeInt(0, 2);
    long last = data.consumeLong(-1, 200_000_000L);
    String typed = data.consumeRemainingAsString();
    Instant now = Instant.ofEpochSecond(epoch);
    TotpParameters p = TotpParameters.DEFAULTS;
    TotpCheck check = Otp.verify(KEY, p, now, window, typed, last);
    String clean = typed.replace(" ", "");
    Set<Long> matching = new HashSet<>();
    long t = p.step(now);
    for (long step = t - window; step <= t + window; step++) {
      if (Otp.hotp(KEY, step, p.algorithm(), p.digits()).equals(clean)) {
        matching.add(step);
      }
    }
    switch (check.status()) {
      case MATCHED -> {
        assertThat(matching).contains(check.step());
        assertThat(check.step()).isGreaterThan(last);
      }
      case REPLAYED -> assertThat(matching).isNotEmpty().allMatch(step -> step <= last);
      case NO_MATCH, MALFORMED -> assertThat(matching).isEmpty();
      default -> throw new AssertionError(check);
    }
  }

  /**
   * Garbage typed as a TOTP code at sign-in: never authenticates unless it is a current code, never
   * advances the factor's counter, counts one failure.
   */
  @FuzzTest
  void verify_garbageTotpCode_neverAuthenticates(FuzzedDataProvider data) {
    SecurityFixture f = SecurityFixture.enrolled(TotpFactor.builder().issuer("Sunrise").build());
    EnrollmentStart start = f.engine.account(f.user).beginEnrollment(FactorKind.TOTP, "App",
        Password.of(SecurityFixture.PASSWORD), Map.of(), f.request);
    TotpEnrollment e = start.details(TotpEnrollment.class);
    byte[] key = e.keyUri().secret().reveal();
    Instant now = f.clock.instant();
    TotpParameters p = e.parameters();
    EnrollmentOutcome out = f.engine.account(f.user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), Otp.totp(key, now.minus(p.period()), p)), f.request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    f.spy.reset();

    String typed = data.consumeRemainingAsString();
    Answer answer;
    try {
      answer = Answer.code(start.factor(), typed);
    } catch (InvalidInputException ex) {
      assertThat(f.spy.writes()).isEmpty();
      return;
    }
    SecurityFixture.Snapshot before = f.snapshot(f.user);
    LoginStep step = f.engine.login().verify(f.user, f.challenge, answer, RememberDevice.NO,
        f.request);
    String clean = typed.replace(" ", "");
    boolean current = clean.equals(Otp.totp(key, now, p))
        || clean.equals(Otp.totp(key, now.plus(p.period()), p));
    if (current) {
      assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
      return;
    }
    assertThat(step).isInstanceOf(LoginStep.Retry.class);
    SecurityFixture.Snapshot after = f.snapshot(f.user);
    assertThat(after.factors()).hasSameSizeAs(before.factors());
    for (int i = 0; i < before.factors().size(); i++) {
      String[] b = before.factors().get(i).split("\\|", -1);
      String[] a = after.factors().get(i).split("\\|", -1);
      assertThat(a[2]).as("state").isEqualTo(b[2]);
      assertThat(a[3]).as("counter").isEqualTo(b[3]);
    }
    assertThat(f.spy.writes()).doesNotContain("challenges.consume", "factors.recordUse",
        "devices.insert");
  }
}
