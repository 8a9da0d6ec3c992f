package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.DeviceToken;
import dev.mfa4j.FactorId;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserId;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fuzz tests of every mfa-core entry point that parses outside input. Each asserts that only the
 * documented exception escapes ({@link InvalidInputException}, or the documented refusal) and that a
 * refused input leaves the store as it was. {@code mvn verify} replays the committed seeds in
 * {@code src/test/resources/dev/mfa4j/security/CoreInputFuzzTestInputs/}; {@code
 * scripts/fuzz.sh} runs a campaign.
 */
class CoreInputFuzzTest {
  private static final Pattern BASE64URL_43 = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

  @FuzzTest
  void challengeId_of(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    try {
      ChallengeId id = ChallengeId.of(s);
      assertThat(s).matches(BASE64URL_43);
      assertThat(id.reveal()).isEqualTo(s);
      assertThat(id.hash()).hasSize(32);
      assertThat(id.toString()).doesNotContain(s);
    } catch (InvalidInputException e) {
      assertThat(s).doesNotMatch(BASE64URL_43);
    }
  }

  @FuzzTest
  void deviceToken_of(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    try {
      DeviceToken t = DeviceToken.of(s);
      assertThat(s).matches(BASE64URL_43);
      assertThat(t.reveal()).isEqualTo(s);
      assertThat(t.toString()).doesNotContain(s);
    } catch (InvalidInputException e) {
      assertThat(s).doesNotMatch(BASE64URL_43);
    }
  }

  /** A forged or stale remembered-device cookie never skips the second step nor touches devices. */
  @FuzzTest
  void afterPrimary_forgedDeviceToken_neverSkipsSecondStep(FuzzedDataProvider data) {
    SecurityFixture f = SecurityFixture.enrolled();
    f.spy.target().policies().put(f.user.practice(),
        PracticePolicy.defaults().toBuilder().rememberDevice(Duration.ofDays(30))
            .staffMethods(java.util.Set.of(CodeFactor.KIND, dev.mfa4j.FactorKind.BACKUP_CODE))
            .build());
    String s = data.consumeRemainingAsString();
    DeviceToken token;
    try {
      token = DeviceToken.of(s);
    } catch (InvalidInputException e) {
      assertThat(f.spy.writes()).isEmpty();
      return;
    }
    SecurityFixture.Snapshot before = f.snapshot(f.user);
    LoginStep step = f.engine.login().afterPrimary(f.user, f.request.withDeviceToken(token));
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(f.spy.writes()).doesNotContain("devices.touch", "users.recordSignIn");
    assertThat(f.snapshot(f.user).factors()).isEqualTo(before.factors());
  }

  @FuzzTest
  void factorId_of(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    try {
      FactorId id = FactorId.of(s);
      assertThat(id.value()).isEqualTo(s).matches("[A-Za-z0-9_-]{1,64}");
    } catch (InvalidInputException e) {
      assertThat(s).doesNotMatch("[A-Za-z0-9_-]{1,64}");
    }
  }

  @FuzzTest
  void practiceIdAndUserId_of(FuzzedDataProvider data) {
    boolean practice = data.consumeBoolean();
    String s = data.consumeRemainingAsString();
    try {
      String value = practice ? PracticeId.of(s).value() : UserId.of(s).value();
      assertThat(value).isEqualTo(s).matches(ID);
    } catch (InvalidInputException e) {
      assertThat(s).doesNotMatch(ID);
    }
  }

  /** Any typed password is either wrapped whole or refused as too long; it never prints itself. */
  @FuzzTest
  void password_of(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    try {
      Password p = Password.of(s);
      assertThat(p.length()).isEqualTo(s.length()).isLessThanOrEqualTo(Password.MAX_LENGTH);
      assertThat(new String(p.chars())).isEqualTo(s);
      if (s.length() >= 6) {
        assertThat(p.toString()).doesNotContain(s);
      }
    } catch (InvalidInputException e) {
      assertThat(s.length()).isGreaterThan(Password.MAX_LENGTH);
    }
  }

  /**
   * A wrong password at a sensitive change is refused with {@link PasswordRejectedException}: no
   * factor, challenge, backup code or device changes; only the failure is counted and audited.
   */
  @FuzzTest
  void beginEnrollment_wrongPassword_refusedWithoutChange(FuzzedDataProvider data) {
    SecurityFixture f = SecurityFixture.enrolled();
    String typed = data.consumeRemainingAsString();
    if (typed.equals(SecurityFixture.PASSWORD) || typed.length() > Password.MAX_LENGTH) {
      return;
    }
    SecurityFixture.Snapshot before = f.snapshot(f.user);
    assertThatThrownBy(() -> f.engine.account(f.user).beginEnrollment(CodeFactor.KIND, "Second",
        Password.of(typed), Map.of(), f.request))
        .isInstanceOf(PasswordRejectedException.class);
    SecurityFixture.Snapshot after = f.snapshot(f.user);
    assertThat(after.factors()).isEqualTo(before.factors());
    assertThat(after.challenge()).isEqualTo(before.challenge());
    assertThat(after.unusedBackupCodes()).isEqualTo(before.unusedBackupCodes());
    assertThat(f.spy.writes()).containsOnly("users.recordFailure", "audit.append");
  }

  /**
   * Garbage typed as a code or a backup code on the second step: either refused at parse time with
   * nothing written, or counted as one failed attempt; never authenticates unless it is a real code,
   * never consumes anything, never touches another user.
   */
  @FuzzTest
  void verify_garbageCodeOrBackupCode_neverAuthenticates(FuzzedDataProvider data) {
    SecurityFixture f = SecurityFixture.enrolled();
    boolean backup = data.consumeBoolean();
    String typed = data.consumeRemainingAsString();
    SecurityFixture.Snapshot before = f.snapshot(f.user);
    SecurityFixture.Snapshot otherBefore = f.snapshot(f.other);
    Answer answer;
    try {
      answer = backup ? Answer.backupCode(typed) : Answer.code(f.factor, typed);
    } catch (InvalidInputException e) {
      assertThat(typed.length()).isGreaterThan(64);
      assertThat(f.spy.writes()).isEmpty();
      return;
    }
    LoginStep step = f.engine.login().verify(f.user, f.challenge, answer, RememberDevice.NO,
        f.request);
    boolean real = backup ? isBackupCode(f, typed) : typed.equals(f.code);
    if (real) {
      assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
      return;
    }
    assertThat(step).isInstanceOf(LoginStep.Retry.class);
    SecurityFixture.Snapshot after = f.snapshot(f.user);
    assertThat(after.unusedBackupCodes()).isEqualTo(before.unusedBackupCodes());
    assertThat(after.devices()).isZero();
    assertThat(after.challenge()).isPresent().get().asString().endsWith("Optional.empty");
    assertThat(after.challenge().get()).startsWith("1|");
    assertThat(after.factors()).hasSize(1);
    String factorBefore = before.factors().get(0);
    String factorAfter = after.factors().get(0);
    // only the factor's failure count moves, and only for a code aimed at the factor
    assertThat(stripFailures(factorAfter)).isEqualTo(stripFailures(factorBefore));
    assertThat(failures(factorAfter)).isEqualTo(failures(factorBefore) + (backup ? 0 : 1));
    assertThat(f.snapshot(f.other)).isEqualTo(otherBefore);
    assertThat(f.spy.writes()).doesNotContain("challenges.consume", "backupCodes.consume",
        "factors.recordUse", "factors.delete", "factors.insert", "devices.insert");
  }

  /** A well-formed but unknown challenge id is rejected; the only write is the audit record. */
  @FuzzTest
  void verify_unknownChallengeId_rejectedAndOnlyAudited(FuzzedDataProvider data) {
    SecurityFixture f = SecurityFixture.enrolled();
    String s = data.consumeRemainingAsString();
    ChallengeId forged;
    try {
      forged = ChallengeId.of(s);
    } catch (InvalidInputException e) {
      assertThat(f.spy.writes()).isEmpty();
      return;
    }
    if (s.equals(f.challenge.reveal())) {
      return; // 2^-256
    }
    SecurityFixture.Snapshot before = f.snapshot(f.user);
    LoginStep step = f.engine.login().verify(f.user, forged, Answer.code(f.factor, f.code),
        RememberDevice.YES, f.request);
    assertThat(step).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(f.spy.writes()).containsOnly("audit.append");
    SecurityFixture.Snapshot after = f.snapshot(f.user);
    assertThat(after.factors()).isEqualTo(before.factors());
    assertThat(after.challenge()).isEqualTo(before.challenge());
  }

  private static boolean isBackupCode(SecurityFixture f, String typed) {
    String t = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    return f.backupCodes.stream().anyMatch(c -> c.replace("-", "").equals(t))
        && typed.chars().allMatch(c -> c == '-' || c == ' ' || c < 128);
  }

  private static String stripFailures(String factor) {
    String[] p = factor.split("\\|", -1);
    p[4] = "";
    return String.join("|", p);
  }

  private static int failures(String factor) {
    return Integer.parseInt(factor.split("\\|", -1)[4]);
  }
}
