package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.Password;
import dev.mfa4j.passwords.PasswordOutcome;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Online guessing against the built-in {@link Passwords} (NIST SP 800-63B-4 §3.2.2): parallel
 * guesses, a whole day of guessing with a moving clock, and one address spraying many accounts. A
 * {@link PasswordOutcome#REJECTED} answer means the guess was hashed and compared; {@link
 * PasswordOutcome#THROTTLED} means it was refused unchecked. Argon2id runs at a low cost here.
 */
class PasswordAttackTest {
  private static final UserRef VICTIM = UserRef.staff("sunrise", "victim");
  private static final String RIGHT = "quiet harbour lantern at dusk";

  private final InMemoryMfaStore store = new InMemoryMfaStore();
  private final MutableClock clock = MutableClock.at("2026-11-23T08:00:00Z");
  private final Passwords passwords = Passwords.builder(store).clock(clock).argon2id(64, 1, 1)
      .build();

  private void victimHasAPassword() {
    assertThat(passwords.set(VICTIM, Password.of(RIGHT), PracticePolicy.defaults(), false)
        .accepted()).isTrue();
  }

  @Test
  void fiftyParallelWrongPasswords_atMostTheBudgetIsChecked() throws Exception {
    victimHasAPassword();
    int threads = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<PasswordOutcome>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        Password guess = Password.of("parallel guess number " + i);
        RequestContext from = RequestContext.of("198.51.100." + i, "bot");
        answers.add(pool.submit(() -> {
          go.await();
          return passwords.authenticate(VICTIM, guess, from);
        }));
      }
      go.countDown();
      int checked = 0;
      for (Future<PasswordOutcome> a : answers) {
        PasswordOutcome o = a.get();
        assertThat(o).isIn(PasswordOutcome.REJECTED, PasswordOutcome.THROTTLED);
        if (o == PasswordOutcome.REJECTED) {
          checked++;
        }
      }
      assertThat(checked).isBetween(1, Passwords.FREE_FAILURES);
      assertThat(store.passwords().find(VICTIM.practice(), VICTIM.user()).orElseThrow()
          .failures()).isEqualTo(checked);
    } finally {
      pool.shutdownNow();
    }
    // Even the right password is refused unchecked until the delay has passed.
    assertThat(passwords.authenticate(VICTIM, Password.of(RIGHT)))
        .isEqualTo(PasswordOutcome.THROTTLED);
  }

  @Test
  void guessingForADayWithAMovingClock_atMostAHundredChecked() {
    victimHasAPassword();
    int checked = 0;
    // A guess every 5 seconds from a new address each time, for 24 hours.
    for (int i = 0; i < 24 * 3600 / 5; i++) {
      RequestContext from = RequestContext.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "."
          + (i & 255), "bot");
      if (passwords.authenticate(VICTIM, Password.of("daylong guess " + i), from)
          == PasswordOutcome.REJECTED) {
        checked++;
      }
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(checked).isLessThanOrEqualTo(Passwords.MAX_CONSECUTIVE_FAILURES);
    // The growing delay keeps it far below: about 35 in the first day.
    assertThat(checked).isLessThanOrEqualTo(40);
  }

  @Test
  void guessingForTenDays_stopsForGoodAtAHundredConsecutiveFailures() {
    victimHasAPassword();
    int checked = 0;
    for (int i = 0; i < 24 * 10 * 6; i++) {
      if (passwords.authenticate(VICTIM, Password.of("long guess " + i))
          == PasswordOutcome.REJECTED) {
        checked++;
      }
      clock.advance(Duration.ofMinutes(10));
    }
    assertThat(checked).isEqualTo(Passwords.MAX_CONSECUTIVE_FAILURES);
    clock.advance(Duration.ofDays(400));
    assertThat(passwords.authenticate(VICTIM, Password.of(RIGHT)))
        .isEqualTo(PasswordOutcome.THROTTLED);
  }

  @Test
  void oneAddressSprayingAThousandAccounts_stoppedByThePerSourceLimit() {
    RequestContext attacker = RequestContext.of("203.0.113.66", "spray");
    List<UserRef> accounts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      accounts.add(UserRef.staff("sunrise", "user-" + i));
    }
    for (int i = 0; i < 1000; i += 50) {
      assertThat(passwords.set(accounts.get(i), Password.of(RIGHT + " " + i),
          PracticePolicy.defaults(), false).accepted()).isTrue();
    }
    int checked = 0;
    for (UserRef account : accounts) {
      if (passwords.authenticate(account, Password.of("Winter2026!"), attacker)
          == PasswordOutcome.REJECTED) {
        checked++;
      }
    }
    assertThat(checked).isEqualTo(Passwords.DEFAULT_SOURCE_MAX_FAILURES);
    // The accounts themselves were each tried once: their owners sign in from elsewhere.
    assertThat(passwords.authenticate(accounts.get(950), Password.of(RIGHT + " 950"),
        RequestContext.of("192.0.2.10", "browser"))).isEqualTo(PasswordOutcome.ACCEPTED);
  }
}
