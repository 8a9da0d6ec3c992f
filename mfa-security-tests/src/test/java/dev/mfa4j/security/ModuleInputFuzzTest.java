package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mfa4j.Answer;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.passwords.PasswordChecker;
import dev.mfa4j.passwords.PasswordOutcome;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.TemporaryPassword;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.OutboundMessage;
import dev.mfa4j.sms.SendResult;
import dev.mfa4j.webauthn.PasskeyFactor;
import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzz tests of the outside input that mfa-sms-spi (phone numbers, typed SMS codes), mfa-webauthn
 * (browser JSON) and the built-in passwords (typed and temporary passwords) take. Seeds: {@code
 * ModuleInputFuzzTestInputs/}.
 */
class ModuleInputFuzzTest {
  private static final Pattern SENT_CODE = Pattern.compile("(?<![0-9])([0-9]{6,8})(?![0-9])");

  /**
   * A typed phone number at enrollment: a valid one gets exactly one message to its E.164 form;
   * anything else is refused with InvalidInputException (or a rate limit) before any factor,
   * challenge or message exists.
   */
  @FuzzTest
  void beginPhoneEnrollment_typedNumber(FuzzedDataProvider data) {
    List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    SecurityFixture f = SecurityFixture.enrolled(OneTimeCodeFactor.builder()
        .sender(m -> {
          sent.add(m);
          return SendResult.accepted("m-" + sent.size());
        }).build());
    String typed = data.consumeRemainingAsString();
    SecurityFixture.Snapshot before = f.snapshot(f.user);
    EnrollmentStart start;
    try {
      start = f.engine.account(f.user).beginEnrollment(FactorKind.PHONE, "Mobile",
          Password.of(SecurityFixture.PASSWORD), Map.of("phone", typed), f.request);
    } catch (InvalidInputException | RateLimitedException e) {
      assertThat(sent).isEmpty();
      SecurityFixture.Snapshot after = f.snapshot(f.user);
      assertThat(after.factors()).isEqualTo(before.factors());
      assertThat(f.spy.writes()).doesNotContain("factors.insert", "challenges.insert");
      return;
    }
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).destination()).matches("\\+[1-9][0-9]{5,14}");
    assertThat(start.kind()).isEqualTo(FactorKind.PHONE);
  }

  /**
   * A typed code confirming a phone number: only the code that was sent confirms it; anything else
   * leaves the factor pending.
   */
  @FuzzTest
  void confirmPhoneEnrollment_typedCode(FuzzedDataProvider data) {
    List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    SecurityFixture f = SecurityFixture.enrolled(OneTimeCodeFactor.builder()
        .sender(m -> {
          sent.add(m);
          return SendResult.accepted("m-" + sent.size());
        }).build());
    EnrollmentStart start = f.engine.account(f.user).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(SecurityFixture.PASSWORD), Map.of("phone", "+14155552671"), f.request);
    Matcher m = SENT_CODE.matcher(sent.get(0).revealText());
    assertThat(m.find()).as("a code in the message").isTrue();
    String code = m.group(1);
    String typed = data.consumeRemainingAsString();
    Answer answer;
    try {
      answer = Answer.code(start.factor(), typed);
    } catch (InvalidInputException e) {
      return;
    }
    EnrollmentOutcome out = f.engine.account(f.user).confirmEnrollment(start.ceremony(), answer,
        f.request);
    if (typed.replace(" ", "").equals(code)) {
      assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
      return;
    }
    assertThat(out).isNotInstanceOf(EnrollmentOutcome.Confirmed.class);
    assertThat(f.snapshot(f.user).factors())
        .filteredOn(s -> s.startsWith(start.factor().value() + "|"))
        .allMatch(s -> s.contains("|PENDING|"));
  }

  /**
   * Garbage JSON as a passkey registration response: never confirms, never throws anything but
   * InvalidInputException, leaves the factor pending.
   */
  @FuzzTest
  void confirmPasskeyEnrollment_garbageJson(FuzzedDataProvider data) {
    SecurityFixture f = SecurityFixture.enrolled(PasskeyFactor.builder()
        .relyingParty("localhost", "Sunrise").origins(Set.of("https://localhost")).build());
    EnrollmentStart start = f.engine.account(f.user).beginEnrollment(FactorKind.PASSKEY, "Key",
        Password.of(SecurityFixture.PASSWORD), Map.of(), f.request);
    String json = data.consumeRemainingAsString();
    EnrollmentOutcome out;
    try {
      out = f.engine.account(f.user).confirmEnrollment(start.ceremony(),
          Answer.response(start.factor(), json), f.request);
    } catch (InvalidInputException e) {
      return;
    }
    assertThat(out).isNotInstanceOf(EnrollmentOutcome.Confirmed.class);
    assertThat(f.snapshot(f.user).factors())
        .filteredOn(s -> s.startsWith(start.factor().value() + "|"))
        .allMatch(s -> s.contains("|PENDING|"));
    assertThat(f.spy.writes()).doesNotContain("factors.transition");
  }

  /**
   * A typed password at sign-in against a stored password and a temporary one: only the right one
   * (after NFKC) passes; a wrong one changes nothing in the password store.
   */
  @FuzzTest
  void passwords_authenticate_typedPassword(FuzzedDataProvider data) {
    InMemoryMfaStore store = new InMemoryMfaStore();
    Passwords passwords = Passwords.builder(store.passwords()).argon2id(64, 1, 1).build();
    UserRef user = UserRef.staff("sunrise", "u-1");
    UserRef temp = UserRef.staff("sunrise", "u-2");
    String real = "correct horse battery staple";
    assertThat(passwords.set(user, Password.of(real), dev.mfa4j.PracticePolicy.defaults(), true)
        .accepted()).isTrue();
    TemporaryPassword issued = passwords.issueTemporary(temp);
    String typed = data.consumeRemainingAsString();
    Password p;
    try {
      p = Password.of(typed);
    } catch (InvalidInputException e) {
      return;
    }
    String userHash = store.passwords().find(user.practice(), user.user()).orElseThrow().hash();
    PasswordOutcome a = passwords.authenticate(user, p);
    PasswordOutcome b = passwords.authenticate(temp, p);
    String nfkc = Normalizer.normalize(typed, Normalizer.Form.NFKC);
    if (!nfkc.equals(real)) {
      assertThat(a).isEqualTo(PasswordOutcome.REJECTED);
      assertThat(store.passwords().find(user.practice(), user.user()).orElseThrow().hash())
          .isEqualTo(userHash);
    }
    if (!nfkc.equals(issued.reveal())) {
      assertThat(b).isEqualTo(PasswordOutcome.REJECTED);
    }
  }

  /** The NIST checker never throws on a candidate, and accepts only lengths within its bounds. */
  @FuzzTest
  void passwordChecker_check(FuzzedDataProvider data) {
    int min = data.consumeInt(8, 64);
    String typed = data.consumeRemainingAsString();
    Password p;
    try {
      p = Password.of(typed);
    } catch (InvalidInputException e) {
      return;
    }
    PasswordCheck check = CHECKER.check(p, min, List.of("sunrise", "u-1"));
    int codePoints = Normalizer.normalize(typed, Normalizer.Form.NFKC).codePointCount(0,
        Normalizer.normalize(typed, Normalizer.Form.NFKC).length());
    if (check.accepted()) {
      assertThat(codePoints).isGreaterThanOrEqualTo(min);
      assertThat(check.problems()).isEmpty();
    } else {
      assertThat(check.problems()).isNotEmpty();
    }
  }

  private static final PasswordChecker CHECKER = PasswordChecker.nist();
}
