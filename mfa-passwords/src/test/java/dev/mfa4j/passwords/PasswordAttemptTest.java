package dev.mfa4j.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MutableClock;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Passwords#attempt}: a throttled outcome says when to try again. */
class PasswordAttemptTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");
  private static final String GOOD = "quiet harbour lantern";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:07Z"));

  @Test
  void attempt_throttledByTheAccount_retriesAfterTheDelay() {
    InMemoryMfaStore store = new InMemoryMfaStore();
    Passwords p = Passwords.builder(store).clock(clock).argon2id(256, 1, 1).build();
    p.set(JANE, Password.of(GOOD), PracticePolicy.defaults(), false);
    for (int i = 0; i < Passwords.FREE_FAILURES; i++) {
      assertThat(p.attempt(JANE, Password.of("wrong " + i), null))
          .isEqualTo(new PasswordAttempt(PasswordOutcome.REJECTED, Optional.empty()));
    }

    PasswordAttempt throttled = p.attempt(JANE, Password.of(GOOD), null);

    assertThat(throttled.outcome()).isEqualTo(PasswordOutcome.THROTTLED);
    assertThat(throttled.retryAfter()).contains(clock.instant().plus(Passwords.FIRST_DELAY));
    clock.advance(Passwords.FIRST_DELAY.minusSeconds(1));
    assertThat(p.attempt(JANE, Password.of(GOOD), null).outcome())
        .isEqualTo(PasswordOutcome.THROTTLED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(p.attempt(JANE, Password.of(GOOD), null))
        .as("at the retry time the password is checked again")
        .isEqualTo(new PasswordAttempt(PasswordOutcome.ACCEPTED, Optional.empty()));
  }

  @Test
  void attempt_throttledBySource_retriesWhenTheWindowEnds() {
    InMemoryMfaStore store = new InMemoryMfaStore();
    Passwords p = Passwords.builder(store).clock(clock).argon2id(256, 1, 1)
        .sourceLimit(store.counters(), 2, Duration.ofMinutes(10)).build();
    RequestContext from = RequestContext.of("203.0.113.9", "UA");
    p.attempt(UserRef.staff("sunrise", "a"), Password.of("x1"), from);
    p.attempt(UserRef.staff("sunrise", "b"), Password.of("x2"), from);

    PasswordAttempt throttled = p.attempt(JANE, Password.of(GOOD), from);

    assertThat(throttled.outcome()).isEqualTo(PasswordOutcome.THROTTLED);
    assertThat(throttled.retryAfter()).contains(Instant.parse("2026-11-23T10:10:00Z"));
    assertThat(p.authenticate(JANE, Password.of(GOOD), from))
        .isEqualTo(PasswordOutcome.THROTTLED);
  }

  @Test
  void passwordAttempt_retryTimeExactlyWhenThrottled() {
    assertThatThrownBy(() -> new PasswordAttempt(PasswordOutcome.THROTTLED, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordAttempt(PasswordOutcome.REJECTED,
        Optional.of(Instant.EPOCH))).isInstanceOf(IllegalArgumentException.class);
  }
}
