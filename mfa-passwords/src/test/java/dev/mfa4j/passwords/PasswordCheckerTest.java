package dev.mfa4j.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordCheck.Reason;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.PasswordRules;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** NIST SP 800-63B-4 §3.1.1.2 password rules (PV-1 to PV-10). */
class PasswordCheckerTest {
  private static final PasswordChecker NIST = PasswordChecker.nist();
  private static final PracticePolicy NONE = PracticePolicy.defaults();
  /** Lower-case only, 15 letters, not a word and not on the list. */
  private static final String LOWER_15 = "mqtzvhorkelpdun";

  private static PasswordCheck check(String password, int min) {
    return NIST.check(Password.of(password), min, List.of());
  }

  @Test
  void minimumLength_noSecondFactorUnderPolicyNone_isFifteen() {
    assertThat(PasswordRules.of(NONE, false).minLength()).isEqualTo(15);
    assertThat(PasswordRules.of(NONE, true).minLength()).isEqualTo(8);
  }

  @Test
  void minimumLength_practiceSetsOne_practiceWinsWithASecondFactorOnly() {
    PracticePolicy eight = PracticePolicy.builder().minPasswordLength(8).build();
    PracticePolicy twelve = PracticePolicy.builder().minPasswordLength(12).build();
    PracticePolicy twenty = PracticePolicy.builder().minPasswordLength(20).build();
    assertThat(PasswordRules.of(eight, true).minLength()).isEqualTo(8);
    assertThat(PasswordRules.of(twelve, true).minLength()).isEqualTo(12);
    assertThat(PasswordRules.of(twenty, true).minLength()).isEqualTo(20);
  }

  @Test
  void practiceWarnings_minimumBelowFifteen_saysSingleFactorUsersStillNeedFifteen() {
    assertThat(PracticePolicy.builder().minPasswordLength(8).build().warnings())
        .anyMatch(w -> w.contains("minimum password length of 8") && w.contains("at least 15"));
    assertThat(PracticePolicy.builder().minPasswordLength(14).build().warnings())
        .anyMatch(w -> w.contains("minimum password length of 14"));
    assertThat(PracticePolicy.builder().minPasswordLength(15).build().warnings())
        .noneMatch(w -> w.contains("password length"));
    assertThat(PracticePolicy.defaults().warnings()).noneMatch(w -> w.contains("password length"));
  }

  @Test
  void minimumLength_withoutSecondFactor_neverBelowFifteen() {
    PracticePolicy eight = PracticePolicy.builder().minPasswordLength(8).build();
    PracticePolicy fourteen = PracticePolicy.builder().minPasswordLength(14).build();
    PracticePolicy twenty = PracticePolicy.builder().minPasswordLength(20).build();
    assertThat(PasswordRules.of(eight, false).minLength()).isEqualTo(15);
    assertThat(PasswordRules.of(fourteen, false).minLength()).isEqualTo(15);
    assertThat(PasswordRules.of(twenty, false).minLength()).isEqualTo(20);
    assertThat(check("mqtzvhor-kelp", PasswordRules.of(eight, false).minLength())
        .has(Reason.TOO_SHORT)).isTrue();
  }

  @Test
  void check_fourteenCharactersWithoutSecondFactor_tooShort() {
    PasswordCheck c = check("mqtzvhorkelpdu", PasswordRules.of(NONE, false).minLength());
    assertThat(c.accepted()).isFalse();
    assertThat(c.problems()).extracting(PasswordCheck.Problem::reason)
        .containsExactly(Reason.TOO_SHORT);
    assertThat(c.problems().get(0).message()).contains("at least 15 characters");
  }

  @Test
  void check_fourteenCharactersWithSecondFactor_accepted() {
    assertThat(check("mqtzvhorkelpdu", PasswordRules.of(NONE, true).minLength()).accepted())
        .isTrue();
  }

  @Test
  void check_eightCharactersWithSecondFactor_acceptedAndSevenRefused() {
    int min = PasswordRules.of(NONE, true).minLength();
    assertThat(check("mqtzvhor", min).accepted()).isTrue();
    assertThat(check("mqtzvho", min).has(Reason.TOO_SHORT)).isTrue();
  }

  @Test
  void check_lowercaseOnlyFifteenNonDictionary_accepted() {
    PasswordCheck c = check(LOWER_15, 15);
    assertThat(c.accepted()).isTrue();
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void check_password1_blocklistedWithReason() {
    PasswordCheck c = check("password1", 8);
    assertThat(c.accepted()).isFalse();
    assertThat(c.has(Reason.BLOCKLISTED)).isTrue();
    PasswordCheck.Problem p = c.problems().stream()
        .filter(x -> x.reason() == Reason.BLOCKLISTED).findFirst().orElseThrow();
    assertThat(p.message()).contains("commonly used or breached").doesNotContain("password1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PASSWORD1", "Password1", "qwertyuiop", "iloveyou", "trustno1",
      "baseball", "sunshine"})
  void check_commonPasswordAnyCase_blocklisted(String password) {
    assertThat(check(password, 8).has(Reason.BLOCKLISTED)).isTrue();
  }

  @Test
  void check_blocklistedWordInsideLongerPassword_notBlocklisted() {
    // PV-9: the whole password is compared, not substrings.
    PasswordCheck c = check("mypasswordisnotguessable", 15);
    assertThat(c.has(Reason.BLOCKLISTED)).isFalse();
    assertThat(c.accepted()).isTrue();
  }

  @Test
  void nist_shippedBlocklist_holdsAtLeastTenThousandEntries() {
    assertThat(NIST.blocklistSize()).isGreaterThanOrEqualTo(10_000);
  }

  @Test
  void check_hostAddsBlocklistedWord_refused() {
    PasswordChecker c = PasswordChecker.builder().blocklist(List.of("SunriseTherapyPortal")).build();
    assertThat(c.check(Password.of("sunrisetherapyportal"), 15, List.of()).has(Reason.BLOCKLISTED))
        .isTrue();
    assertThat(c.blocklistSize()).isEqualTo(NIST.blocklistSize() + 1);
  }

  @Test
  void check_sixtyFourAndMaximumLength_accepted() {
    assertThat(check(randomish(64), 15).accepted()).isTrue();
    String longest = randomish(Password.MAX_LENGTH);
    assertThat(check(longest, 15).accepted()).isTrue();
  }

  @Test
  void check_longerThanConfiguredMaximum_tooLong() {
    PasswordChecker c = PasswordChecker.builder().maxLength(64).build();
    PasswordCheck check = c.check(Password.of(randomish(65)), 15, List.of());
    assertThat(check.has(Reason.TOO_LONG)).isTrue();
    assertThat(check.problems().get(0).message()).contains("at most 64 characters");
    assertThat(c.check(Password.of(randomish(64)), 15, List.of()).accepted()).isTrue();
  }

  @Test
  void builder_maximumBelowSixtyFour_refused() {
    assertThatThrownBy(() -> PasswordChecker.builder().maxLength(63))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void check_lengthCountsCodePointsNotUtf16Units() {
    // 14 CJK characters outside the BMP are 28 UTF-16 units: still 14 characters, too short.
    String cjk14 = "𠀀𠀁𠀂𠀃𠀄𠀅𠀆"
        + "𠀇𠀈𠀉𠀊𠀋𠀌𠀍";
    assertThat(cjk14.length()).isEqualTo(28);
    assertThat(check(cjk14, 15).has(Reason.TOO_SHORT)).isTrue();
    assertThat(check(cjk14 + "𠀎", 15).accepted()).isTrue();
  }

  @Test
  void check_normalisedBeforeCounting() {
    // U+FB01 (the "fi" ligature) is one UTF-16 unit and becomes two characters under NFKC.
    String seven = "mq\uFB01zvh" + "o";
    assertThat(seven.length()).isEqualTo(7);
    assertThat(check(seven, 8).accepted()).isTrue();
  }

  @Test
  void check_contextWords_emailAndItsLocalPartRefused() {
    List<String> ctx = List.of("jane.doe@example.com");
    assertThat(NIST.check(Password.of("jane.doe@example.com"), 8, ctx).has(Reason.CONTEXT_WORD))
        .isTrue();
    assertThat(NIST.check(Password.of("JaneDoe2024!!"), 8, ctx).has(Reason.CONTEXT_WORD)).isTrue();
    assertThat(NIST.check(Password.of("jane.doe"), 8, ctx).has(Reason.CONTEXT_WORD)).isTrue();
  }

  @Test
  void check_contextWords_practiceNameWithDigitsRefused() {
    List<String> ctx = List.of("Sunrise Therapy");
    PasswordCheck c = NIST.check(Password.of("SunriseTherapy2024"), 15, ctx);
    assertThat(c.has(Reason.CONTEXT_WORD)).isTrue();
    assertThat(c.problems()).filteredOn(p -> p.reason() == Reason.CONTEXT_WORD)
        .extracting(PasswordCheck.Problem::message).allMatch(m -> m.contains("practice's name"));
    assertThat(NIST.check(Password.of("sunrise therapy"), 15, ctx).has(Reason.CONTEXT_WORD))
        .isTrue();
  }

  @Test
  void check_contextWordAmongOtherWords_accepted() {
    List<String> ctx = List.of("Sunrise Therapy", "jane.doe@example.com");
    assertThat(NIST.check(Password.of("quiet harbour sunrise lantern"), 15, ctx).accepted())
        .isTrue();
  }

  @Test
  void check_withoutContextWords_samePasswordAccepted() {
    assertThat(NIST.check(Password.of("SunriseTherapy2024"), 15, List.of()).accepted()).isTrue();
  }

  static Stream<String> repetitive() {
    return Stream.of("aaaaaaaaaaaaaaa", "abcabcabcabcabcab", "ab12ab12ab12ab12", "zzzzzzzzzzzzzzzy",
        "passwordpassword", "1212121212121212");
  }

  @ParameterizedTest
  @MethodSource("repetitive")
  void check_repetitive_refused(String password) {
    PasswordCheck c = check(password, 15);
    assertThat(c.has(Reason.REPETITIVE)).as(password).isTrue();
    assertThat(c.problems()).filteredOn(p -> p.reason() == Reason.REPETITIVE).first()
        .extracting(PasswordCheck.Problem::message).asString().contains("repeats");
  }

  @Test
  void check_longUnitRepeatedTwice_notRepetitive() {
    assertThat(check(LOWER_15 + LOWER_15, 15).has(Reason.REPETITIVE)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abcdefghijklmnop", "ponmlkjihgfedcba", "123456789012345",
      "987654321098765", "qwertyuiopqwerty", "ASDFGHJKLASDFGH", "xyzabcdefghijklm"})
  void check_sequential_refused(String password) {
    assertThat(check(password, 15).has(Reason.SEQUENTIAL)).as(password).isTrue();
  }

  @Test
  void check_compositionOffByDefault_lowercaseOnlyAccepted() {
    assertThat(check(LOWER_15, 15).has(Reason.COMPOSITION)).isFalse();
  }

  @Test
  void check_compositionTurnedOn_refusesTooFewKinds() {
    PasswordChecker c = PasswordChecker.builder().characterClasses(3).build();
    PasswordCheck refused = c.check(Password.of(LOWER_15), 15, List.of());
    assertThat(refused.problems()).extracting(PasswordCheck.Problem::reason)
        .containsExactly(Reason.COMPOSITION);
    assertThat(refused.problems().get(0).message()).contains("at least 3");
    assertThat(c.check(Password.of("Mqtz-vhork3lpdun"), 15, List.of()).accepted()).isTrue();
  }

  @Test
  void check_controlCharacter_invalid() {
    assertThat(check("mqtzvhork\u0000elpdun", 15).has(Reason.INVALID_CHARACTER)).isTrue();
    assertThat(check("mqtzvhork\u001belpdun", 15).has(Reason.INVALID_CHARACTER)).isTrue();
  }

  @Test
  void check_unpairedSurrogate_invalid() {
    assertThat(check("mqtzvhork\uD800elpdun", 15).has(Reason.INVALID_CHARACTER)).isTrue();
  }

  @Test
  void check_spacesAndSymbolsAllowed() {
    assertThat(check("correct horse, battery staple!", 15).accepted()).isTrue();
  }

  @Test
  void check_manyProblems_allReportedAndNoMessageRepeatsPassword() {
    PasswordCheck c = check("mnopqr", 15);
    assertThat(c.problems()).extracting(PasswordCheck.Problem::reason)
        .containsExactly(Reason.TOO_SHORT, Reason.SEQUENTIAL);
    assertThat(c.problems()).allSatisfy(p -> assertThat(p.message()).doesNotContain("mnopqr"));
  }

  @Test
  void check_minimumOutOfRange_refused() {
    assertThatThrownBy(() -> NIST.check(Password.of(LOWER_15), 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @MethodSource("periods")
  void smallestPeriod_matchesDefinition(String s, int expected) {
    assertThat(PasswordChecker.smallestPeriod(s.codePoints().toArray())).isEqualTo(expected);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> periods() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("a", 1),
        org.junit.jupiter.params.provider.Arguments.of("aaaa", 1),
        org.junit.jupiter.params.provider.Arguments.of("abab", 2),
        org.junit.jupiter.params.provider.Arguments.of("ababa", 2),
        org.junit.jupiter.params.provider.Arguments.of("abcab", 3),
        org.junit.jupiter.params.provider.Arguments.of("aabaab", 3),
        org.junit.jupiter.params.provider.Arguments.of("abcd", 4),
        org.junit.jupiter.params.provider.Arguments.of("aaab", 4));
  }

  @Test
  void check_expandsBeyondMaximumUnderNfkc_tooLongOnly() {
    // U+FDFA becomes 18 characters under NFKC: 1,000 of them are 18,000 characters.
    PasswordCheck c = check("\uFDFA".repeat(1000), 15);
    assertThat(c.problems()).extracting(PasswordCheck.Problem::reason)
        .containsExactly(Reason.TOO_LONG);
  }

  /** A password of {@code n} characters with no pattern (a fixed pseudo-random letter stream). */
  static String randomish(int n) {
    StringBuilder sb = new StringBuilder(n);
    long x = 0x9E3779B97F4A7C15L;
    String letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_";
    while (sb.length() < n) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      sb.append(letters.charAt((int) Math.floorMod(x, (long) letters.length())));
    }
    return sb.toString();
  }
}
