package dev.mfa4j.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InvalidInputException;
import dev.mfa4j.MutableClock;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.UserRef;
import dev.mfa4j.passwords.PasswordTestSupport.MapPasswordStore;
import dev.mfa4j.spi.PasswordRules;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What PIT showed unpinned once the passwords had their own module: the context-word limits that
 * replaced {@code PasswordContext}, the {@code requireChangeIfShorter} capability, and the
 * checker's accessors and builder limits.
 */
class PasswordsModuleMutationTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");
  private static final String GOOD = "quiet harbour lantern";
  private static final PasswordRules ALONE = PasswordRules.of(PracticePolicy.defaults(), false);

  private final MapPasswordStore store = new MapPasswordStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

  private Passwords.Builder cheap() {
    return Passwords.builder(store).clock(clock).random(new SecureRandom()).argon2id(256, 1, 1);
  }

  @Test
  void contextWords_thirtyTwoOfTwoHundredFiftySixAccepted_oneMoreOfEitherRefused() {
    List<String> words = Collections.nCopies(32, "w".repeat(256));
    assertThatCode(() -> cheap().contextWords(u -> words).build()
        .check(JANE, Password.of(GOOD), ALONE)).doesNotThrowAnyException();
    List<String> tooMany = Collections.nCopies(33, "word");
    assertThatThrownBy(() -> cheap().contextWords(u -> tooMany).build()
        .check(JANE, Password.of(GOOD), ALONE)).isInstanceOf(InvalidInputException.class);
    List<String> tooLong = List.of("w".repeat(257));
    assertThatThrownBy(() -> cheap().contextWords(u -> tooLong).build()
        .check(JANE, Password.of(GOOD), ALONE)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void requireChangeIfShorter_marksOnlyAShorterPermanentPassword() {
    Passwords p = cheap().build();
    assertThat(p.requireChangeIfShorter(JANE, 15)).as("no password").isFalse();
    assertThat(p.replace(JANE, Password.of(GOOD), ALONE).accepted()).isTrue();
    assertThat(p.requireChangeIfShorter(JANE, GOOD.length())).as("exactly long enough").isFalse();
    assertThat(p.changeRequired(JANE)).isFalse();
    assertThat(p.requireChangeIfShorter(JANE, GOOD.length() + 1)).isTrue();
    assertThat(p.changeRequired(JANE)).isTrue();
    assertThat(p.requireChangeIfShorter(JANE, 64)).as("marked already").isFalse();
  }

  @Test
  void checker_isTheOneConfigured_withItsMaximum() {
    PasswordChecker custom = PasswordChecker.builder().maxLength(64).build();
    assertThat(cheap().checker(custom).build().checker()).isSameAs(custom);
    assertThat(custom.maxLength()).isEqualTo(64);
    assertThat(cheap().build().checker().maxLength()).isEqualTo(Password.MAX_LENGTH);
  }

  @Test
  void checkerBuilder_limitsSitExactlyAtTheirEdges() {
    assertThatCode(() -> PasswordChecker.builder().maxLength(PasswordChecker.LEAST_MAX_LENGTH))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> PasswordChecker.builder()
        .maxLength(PasswordChecker.LEAST_MAX_LENGTH - 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> PasswordChecker.builder().maxLength(Password.MAX_LENGTH))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> PasswordChecker.builder().maxLength(Password.MAX_LENGTH + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> PasswordChecker.builder().characterClasses(0).characterClasses(4))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> PasswordChecker.builder().characterClasses(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PasswordChecker.builder().characterClasses(5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
