package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.passwords.Passwords;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Adversarial review of the password steps over the built-in {@link Passwords}. */
class PasswordFlowReviewTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");

  @Test
  void changePassword_wrongCurrentReachesLockoutThreshold_locksSecondStep() {
    InMemoryMfaStore store = new InMemoryMfaStore();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00Z"));
    Passwords passwords = Passwords.builder(store.passwords()).clock(clock).argon2id(256, 1, 1)
        .build();
    Fixture fx = new Fixture(PracticePolicy.builder()
        .lockout(3, Duration.ofMinutes(15), Duration.ofHours(1)).build(),
        b -> b.primaryCredentials(passwords).clock(clock), store);
    store.passwords().put(new dev.mfa4j.spi.PasswordRecord(JANE.practice(), JANE.user(),
        dev.mfa4j.internal.Argon2id.hash(Fixture.PASSWORD,
            new dev.mfa4j.internal.Argon2id.Params(256, 1, 1), new java.security.SecureRandom()),
        Instant.parse("2026-01-01T00:00:00Z"), false, Optional.empty()));
    Fixture.Enrolled f = fx.enroll(JANE);
    LoginStep.SecondFactorRequired s = fx.challenge(JANE);
    assertThat(fx.answer(JANE, s.challenge(), f.id(), "wrong")).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.answer(JANE, s.challenge(), f.id(), "wrong")).isInstanceOf(LoginStep.Retry.class);

    // the third consecutive failure of the user, here a wrong current password
    assertThatThrownBy(() -> fx.engine.account(JANE).changePassword(Password.of("guess"),
        Password.of("lantern by the quiet harbour"), fx.request))
        .isInstanceOf(PasswordRejectedException.class);

    // counted like every other failure, so it locks at the threshold (and does not slip past it)
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request))
        .isInstanceOf(LoginStep.Locked.class);
  }

  @Test
  void changePassword_whileLocked_refusedWithoutCheckingThePassword() {
    InMemoryMfaStore store = new InMemoryMfaStore();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00Z"));
    // no throttle of its own: the engine's lockout is the only limit on guessing here
    Passwords passwords = Passwords.builder(store.passwords()).clock(clock).argon2id(256, 1, 1)
        .build();
    Fixture fx = new Fixture(PracticePolicy.builder()
        .lockout(3, Duration.ofMinutes(15), Duration.ofHours(1)).build(),
        b -> b.primaryCredentials(passwords).clock(clock), store);
    store.passwords().put(new dev.mfa4j.spi.PasswordRecord(JANE.practice(), JANE.user(),
        dev.mfa4j.internal.Argon2id.hash(Fixture.PASSWORD,
            new dev.mfa4j.internal.Argon2id.Params(256, 1, 1), new java.security.SecureRandom()),
        Instant.parse("2026-01-01T00:00:00Z"), false, Optional.empty()));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> fx.engine.account(JANE).changePassword(Password.of("guess"),
          Password.of("lantern by the quiet harbour"), fx.request))
          .isInstanceOf(PasswordRejectedException.class);
    }

    // locked now: even the right current password is not checked
    assertThatThrownBy(() -> fx.engine.account(JANE).changePassword(
        Password.of(Fixture.PASSWORD), Password.of("lantern by the quiet harbour"), fx.request))
        .isInstanceOf(RateLimitedException.class);
    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isTrue();
  }
}
