package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.DeviceToken;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.Password;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.SendResult;
import dev.mfa4j.totp.OtpAuthUri;
import dev.mfa4j.totp.TotpSecret;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * A refused input's exception message never repeats the input (it may be a code, a token, a
 * password or a phone number that ends up in a log). Each parser gets a malformed input carrying a
 * canary; the exception must be an {@link InvalidInputException} whose message, cause chain
 * included, lacks the canary. (The fuzz tests check the exception type over arbitrary input; a
 * canary is needed here because arbitrary input may match words of a message by chance.)
 */
class ErrorMessagesTest {
  private static final String CANARY = "Qz7canary81";

  static Stream<Arguments> parsers() {
    String big = CANARY.repeat(8);
    return Stream.of(
        Arguments.of("ChallengeId.of", (ThrowingConsumer<String>) ChallengeId::of, CANARY + "!"),
        Arguments.of("DeviceToken.of", (ThrowingConsumer<String>) DeviceToken::of, CANARY + "%"),
        Arguments.of("FactorId.of", (ThrowingConsumer<String>) FactorId::of, CANARY + "/"),
        Arguments.of("UserId.of", (ThrowingConsumer<String>) UserId::of, CANARY + " x"),
        Arguments.of("Password.of", (ThrowingConsumer<String>) Password::of,
            CANARY.repeat(100)),
        Arguments.of("Answer.code", (ThrowingConsumer<String>) s -> Answer.code(FactorId.of("f"),
            s), big),
        Arguments.of("Answer.backupCode", (ThrowingConsumer<String>) Answer::backupCode, big),
        Arguments.of("TotpSecret.fromBase32", (ThrowingConsumer<String>) TotpSecret::fromBase32,
            "JBSWY3DP" + CANARY + "189"),
        Arguments.of("OtpAuthUri.parse", (ThrowingConsumer<String>) OtpAuthUri::parse,
            "otpauth://totp/Acme:" + CANARY + "?secret=" + CANARY + "189&issuer=Other"),
        Arguments.of("phone number", (ThrowingConsumer<String>) ErrorMessagesTest::enrollPhone,
            "+1 415 " + CANARY),
        Arguments.of("phone number (too long)",
            (ThrowingConsumer<String>) ErrorMessagesTest::enrollPhone, "+1415" + CANARY.repeat(4)),
        Arguments.of("factor label (right-to-left override)",
            (ThrowingConsumer<String>) ErrorMessagesTest::enrollLabelled, CANARY + "\u202Eexe"),
        Arguments.of("factor label (zero-width space)",
            (ThrowingConsumer<String>) ErrorMessagesTest::enrollLabelled, CANARY + "\u200B"),
        Arguments.of("administrator's reason (right-to-left override)",
            (ThrowingConsumer<String>) ErrorMessagesTest::disableWithReason, CANARY + "\u202E"));
  }

  private static void enrollLabelled(String label) {
    SecurityFixture f = SecurityFixture.enrolled();
    f.engine.account(f.user).beginEnrollment(CodeFactor.KIND, label,
        Password.of(SecurityFixture.PASSWORD), Map.of(), f.request);
  }

  private static void disableWithReason(String reason) {
    SecurityFixture f = SecurityFixture.enrolled();
    f.engine.admin(UserRef.admin(f.user.practice().value(), "adm"))
        .disableTwoFactor(f.user, reason, f.request);
  }

  private static void enrollPhone(String phone) {
    SecurityFixture f = SecurityFixture.enrolled(OneTimeCodeFactor.builder()
        .sender(m -> SendResult.accepted("m")).build());
    f.engine.account(f.user).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(SecurityFixture.PASSWORD), Map.of("phone", phone), f.request);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parsers")
  void parse_malformedInput_messageOmitsInput(String name, ThrowingConsumer<String> parser,
      String input) {
    Throwable t = catchThrowable(() -> parser.accept(input));
    assertThat(t).as(name).isInstanceOf(InvalidInputException.class);
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).as(name).doesNotContain(CANARY);
    }
  }
}
