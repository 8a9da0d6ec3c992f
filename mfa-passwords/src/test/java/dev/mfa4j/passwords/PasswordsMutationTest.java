package dev.mfa4j.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MutableClock;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.passwords.PasswordTestSupport.MapPasswordStore;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.UserRef;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What PIT showed unpinned in {@link Passwords} and {@link PasswordChecker}: every kind of wrong
 * password counts towards the throttle, the builders' limits sit exactly where documented, and
 * each kind of character counts once under a composition rule.
 */
class PasswordsMutationTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");
  private static final PracticePolicy NONE = PracticePolicy.defaults();
  private static final String GOOD = "quiet harbour lantern";

  private final MapPasswordStore store = new MapPasswordStore();
  private final InMemoryMfaStore counters = new InMemoryMfaStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

  private Passwords.Builder cheap() {
    return Passwords.builder(store).clock(clock).random(new SecureRandom()).argon2id(256, 1, 1);
  }

  private Passwords throttled() {
    Passwords p = cheap().build();
    assertThat(p.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    return p;
  }

  @Test
  void authenticate_malformedPasswords_countTowardsTheThrottle() {
    Passwords p = throttled();
    String unpairedSurrogate = "abc\uD800def";
    for (int i = 0; i < Passwords.FREE_FAILURES; i++) {
      assertThat(p.authenticate(JANE, Password.of(unpairedSurrogate)))
          .isEqualTo(PasswordOutcome.REJECTED);
    }
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.THROTTLED);
    clock.advance(Passwords.FIRST_DELAY);
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);
  }

  @Test
  void change_wrongCurrentPasswords_countTowardsTheThrottle() {
    Passwords p = throttled();
    for (int i = 0; i < Passwords.FREE_FAILURES; i++) {
      assertThatThrownBy(() -> p.change(JANE, Password.of("not the password"),
          Password.of("a brand new lantern"), NONE, false))
          .isInstanceOf(PasswordRejectedException.class);
    }
    assertThatThrownBy(() -> p.change(JANE, Password.of(GOOD),
        Password.of("a brand new lantern"), NONE, false))
        .isInstanceOf(RateLimitedException.class);
    assertThat(p.verify(JANE, Password.of(GOOD))).isFalse();
    clock.advance(Passwords.FIRST_DELAY);
    assertThat(p.verify(JANE, Password.of(GOOD))).isTrue();
  }

  @Test
  void hasPassword_trueOnlyOnceSet() {
    Passwords p = cheap().build();
    assertThat(p.hasPassword(JANE)).isFalse();
    assertThat(p.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    assertThat(p.hasPassword(JANE)).isTrue();
  }

  @Test
  void builder_temporaryLifetime_oneMinuteToThirtyDaysInclusive() {
    assertThatCode(() -> cheap().temporaryLifetime(Duration.ofMinutes(1))).doesNotThrowAnyException();
    assertThatCode(() -> cheap().temporaryLifetime(Duration.ofDays(30))).doesNotThrowAnyException();
    assertThatThrownBy(() -> cheap().temporaryLifetime(Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cheap().temporaryLifetime(Duration.ofDays(30).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builder_sourceLimit_limitsInclusive() {
    var c = counters.counters();
    Duration w = Duration.ofMinutes(15);
    assertThatCode(() -> cheap().sourceLimit(c, 1, w)).doesNotThrowAnyException();
    assertThatCode(() -> cheap().sourceLimit(c, 100_000, w)).doesNotThrowAnyException();
    assertThatThrownBy(() -> cheap().sourceLimit(c, 0, w))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cheap().sourceLimit(c, 100_001, w))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> cheap().sourceLimit(c, 5, Duration.ofMinutes(1)))
        .doesNotThrowAnyException();
    assertThatCode(() -> cheap().sourceLimit(c, 5, Duration.ofDays(1)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> cheap().sourceLimit(c, 5, Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cheap().sourceLimit(c, 5, Duration.ofDays(1).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cheap().sourceLimit(c, 5, Duration.ofMillis(60_500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void delayAfter_scheduleAsDocumented() {
    assertThat(Passwords.delayAfter(4)).isEmpty();
    assertThat(Passwords.delayAfter(5)).contains(Duration.ofSeconds(30));
    assertThat(Passwords.delayAfter(6)).contains(Duration.ofMinutes(1));
    assertThat(Passwords.delayAfter(11)).contains(Duration.ofMinutes(32));
    assertThat(Passwords.delayAfter(12)).contains(Duration.ofHours(1));
    assertThat(Passwords.delayAfter(99)).contains(Duration.ofHours(1));
  }

  @Test
  void check_fourClassesRequired_eachKindOfCharacterCountsOnce() {
    PasswordChecker four = PasswordChecker.builder().characterClasses(4).build();
    for (String missingOne : List.of("UPPER-CASE-123!", "lower-case-123!", "Lower-Upper-None!",
        "LowerUpper123abc")) {
      assertThat(four.check(Password.of(missingOne), 8, List.of())
          .has(PasswordCheck.Reason.COMPOSITION)).as(missingOne).isTrue();
    }
    assertThat(four.check(Password.of("Lower-Upper-123!"), 8, List.of())
        .has(PasswordCheck.Reason.COMPOSITION)).isFalse();
    assertThat(four.check(Password.of("lowercaseonlywordsx"), 8, 1, List.of())
        .has(PasswordCheck.Reason.COMPOSITION)).as("the checker's own 4 still applies").isTrue();
    assertThat(PasswordChecker.nist().check(Password.of("lowercaseonlywordsx"), 8, 1, List.of())
        .has(PasswordCheck.Reason.COMPOSITION)).as("one class asked, one present").isFalse();
    assertThat(PasswordChecker.nist().check(Password.of("lowercaseonlywordsx"), 8, 2, List.of())
        .has(PasswordCheck.Reason.COMPOSITION)).as("the practice's 2 applies").isTrue();
  }
}
