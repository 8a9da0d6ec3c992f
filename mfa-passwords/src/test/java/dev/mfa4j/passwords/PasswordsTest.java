package dev.mfa4j.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MutableClock;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.passwords.PasswordTestSupport.MapPasswordStore;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RequestContext;
import dev.mfa4j.TemporaryPassword;
import dev.mfa4j.UserRef;
import dev.mfa4j.internal.Argon2id;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordRules;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in password credentials: hashing, verification, rehash, change, temporary ones. */
class PasswordsTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");
  private static final PracticePolicy NONE = PracticePolicy.defaults();
  private static final String GOOD = "quiet harbour lantern";

  private final MapPasswordStore store = new MapPasswordStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Passwords passwords = cheap().build();

  /** Low Argon2 cost for speed; one test below checks the defaults. */
  private Passwords.Builder cheap() {
    return Passwords.builder(store).clock(clock).random(new SecureRandom()).argon2id(256, 1, 1);
  }

  private void setGood() {
    assertThat(passwords.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
  }

  @Test
  void set_defaultParameters_storedPhcHasOwaspParameters() {
    Passwords defaults = Passwords.builder(store).clock(clock).build();
    assertThat(defaults.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    String phc = store.get(JANE).hash();
    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    Argon2id.Params p = Argon2id.paramsOf(phc);
    assertThat(p.memoryKiB()).isGreaterThanOrEqualTo(19 * 1024);
    assertThat(p.iterations()).isGreaterThanOrEqualTo(2);
    assertThat(p.parallelism()).isEqualTo(1);
    assertThat(defaults.verify(JANE, Password.of(GOOD))).isTrue();
  }

  @Test
  void set_storesNoPlaintextAndSaltsEachHash() {
    setGood();
    String first = store.get(JANE).hash();
    assertThat(first).doesNotContain(GOOD);
    assertThat(passwords.replace(JANE, Password.of(GOOD),
        PasswordRules.of(NONE, false)).accepted()).isTrue();
    assertThat(store.get(JANE).hash()).isNotEqualTo(first);
    assertThat(store.get(JANE).toString()).doesNotContain(first);
  }

  @Test
  void verify_rightPassword_true() {
    setGood();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
    assertThat(passwords.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);
  }

  @Test
  void verify_wrongPassword_false() {
    setGood();
    assertThat(passwords.verify(JANE, Password.of("quiet harbour lanterN"))).isFalse();
    assertThat(passwords.authenticate(JANE, Password.of("x"))).isEqualTo(PasswordOutcome.REJECTED);
  }

  @Test
  void verify_noPasswordSet_false() {
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isFalse();
    assertThat(passwords.hasPassword(JANE)).isFalse();
  }

  @Test
  void verify_otherUsersPassword_false() {
    setGood();
    assertThat(passwords.verify(UserRef.staff("sunrise", "john"), Password.of(GOOD))).isFalse();
    assertThat(passwords.verify(UserRef.staff("other-practice", "jane"), Password.of(GOOD)))
        .isFalse();
  }

  @Test
  void verify_hundredCharacterPassword_verifiesInFullAndTruncatedFails() {
    String hundred = PasswordCheckerTest.randomish(100);
    assertThat(passwords.set(JANE, Password.of(hundred), NONE, false).accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(hundred))).isTrue();
    assertThat(passwords.verify(JANE, Password.of(hundred.substring(0, 99)))).isFalse();
    assertThat(passwords.verify(JANE, Password.of(hundred.substring(0, 72)))).isFalse();
    assertThat(passwords.verify(JANE, Password.of(hundred.substring(0, 64)))).isFalse();
  }

  @Test
  void verify_longestPassword_verifiesInFull() {
    String longest = PasswordCheckerTest.randomish(Password.MAX_LENGTH);
    assertThat(passwords.set(JANE, Password.of(longest), NONE, false).accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(longest))).isTrue();
    String lastChanged = longest.substring(0, Password.MAX_LENGTH - 1)
        + (longest.endsWith("a") ? "b" : "a");
    assertThat(passwords.verify(JANE, Password.of(lastChanged))).isFalse();
  }

  @Test
  void verify_composedAndDecomposedAccent_verifyAlike() {
    String composed = "caf\u00e9 au lait sur la plage";
    String decomposed = "cafe\u0301 au lait sur la plage";
    assertThat(composed).isNotEqualTo(decomposed);
    assertThat(passwords.set(JANE, Password.of(composed), NONE, false).accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(decomposed))).isTrue();
    assertThat(passwords.replace(JANE, Password.of(decomposed),
        PasswordRules.of(NONE, false)).accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(composed))).isTrue();
    assertThat(passwords.verify(JANE, Password.of("cafe au lait sur la plage"))).isFalse();
  }

  @Test
  void verify_compatibilityForms_normalisedWithNfkc() {
    // Full-width Latin letters are NFKC-equivalent to ASCII ones.
    assertThat(passwords.set(JANE, Password.of("harbour lantern 42"), NONE, false).accepted())
        .isTrue();
    assertThat(passwords.verify(JANE, Password.of("\uFF48arbour lantern 42"))).isTrue();
  }

  @Test
  void verify_unpairedSurrogate_falseNotCollidingWithQuestionMark() {
    assertThat(passwords.set(JANE, Password.of("harbour?lantern 42"), NONE, false).accepted())
        .isTrue();
    assertThat(passwords.verify(JANE, Password.of("harbour\uD800lantern 42"))).isFalse();
  }

  @Test
  void authenticate_weakerStoredParameters_rehashedToConfigured() {
    setGood();
    PasswordRecord before = store.get(JANE);
    assertThat(Argon2id.paramsOf(before.hash())).isEqualTo(new Argon2id.Params(256, 1, 1));
    clock.advance(Duration.ofDays(1));
    Passwords stronger = cheap().argon2id(512, 2, 1).build();

    assertThat(stronger.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);

    PasswordRecord after = store.get(JANE);
    assertThat(Argon2id.paramsOf(after.hash())).isEqualTo(new Argon2id.Params(512, 2, 1));
    assertThat(after.changed()).isEqualTo(before.changed());
    assertThat(after.temporary()).isFalse();
    assertThat(stronger.verify(JANE, Password.of(GOOD))).isTrue();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
  }

  @Test
  void authenticate_wrongPasswordUnderNewParameters_notRehashed() {
    setGood();
    String before = store.get(JANE).hash();
    Passwords stronger = cheap().argon2id(512, 2, 1).build();
    assertThat(stronger.verify(JANE, Password.of("wrong wrong wrong"))).isFalse();
    assertThat(store.get(JANE).hash()).isEqualTo(before);
  }

  @Test
  void authenticate_strongerStoredParameters_notRehashed() {
    Passwords stronger = cheap().argon2id(512, 2, 1).build();
    assertThat(stronger.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    String before = store.get(JANE).hash();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
    assertThat(store.get(JANE).hash()).isEqualTo(before);
  }

  @Test
  void authenticate_passwordChangedDuringRehash_changeNotOverwritten() {
    setGood();
    Passwords stronger = cheap().argon2id(512, 2, 1).build();
    String next = "lantern by the quiet harbour";
    store.beforeReplace = () -> {
      store.beforeReplace = () -> {};
      assertThat(passwords.replace(JANE, Password.of(next),
          PasswordRules.of(NONE, false)).accepted()).isTrue();
    };
    assertThat(stronger.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);
    assertThat(passwords.verify(JANE, Password.of(next))).isTrue();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isFalse();
  }

  @Test
  void set_refusedPassword_nothingStored() {
    PasswordCheck check = passwords.set(JANE, Password.of("password1"), NONE, true);
    assertThat(check.accepted()).isFalse();
    assertThat(check.has(PasswordCheck.Reason.BLOCKLISTED)).isTrue();
    assertThat(passwords.hasPassword(JANE)).isFalse();
  }

  @Test
  void set_fourteenCharacters_refusedWithoutSecondFactorAcceptedWithOne() {
    String fourteen = "mqtzvhorkelpdu";
    assertThat(passwords.set(JANE, Password.of(fourteen), NONE, false).has(
        PasswordCheck.Reason.TOO_SHORT)).isTrue();
    assertThat(passwords.hasPassword(JANE)).isFalse();
    assertThat(passwords.set(JANE, Password.of(fourteen), NONE, true).accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(fourteen))).isTrue();
  }

  @Test
  void set_practiceTurnsCompositionOn_lowercaseOnlyRefusedMixedAccepted() {
    String lowercase = "mqtzvhorkelpduxw";
    assertThat(passwords.check(JANE, Password.of(lowercase), NONE, false).accepted()).isTrue();
    PracticePolicy strict = NONE.toBuilder().passwordCharacterClasses(3).build();
    PasswordCheck refused = passwords.set(JANE, Password.of(lowercase), strict, false);
    assertThat(refused.has(PasswordCheck.Reason.COMPOSITION)).isTrue();
    assertThat(passwords.hasPassword(JANE)).isFalse();
    assertThat(passwords.set(JANE, Password.of("Mqtzvh0rkelpduxw"), strict, false).accepted())
        .isTrue();
  }

  @Test
  void check_contextWords_userIdPracticeIdAndHostWordsRefused() {
    UserRef user = UserRef.staff("sunrise-therapy", "jdoe4711");
    Passwords withContext = cheap()
        .contextWords(u -> List.of("Sunrise Therapy Portal", "jane.doe@example.com"))
        .build();
    assertThat(withContext.check(user, Password.of("jdoe4711!!!!!!!!"), NONE, false)
        .has(PasswordCheck.Reason.CONTEXT_WORD)).isTrue();
    assertThat(withContext.check(user, Password.of("Sunrise-Therapy-2026"), NONE, false)
        .has(PasswordCheck.Reason.CONTEXT_WORD)).isTrue();
    assertThat(withContext.check(user, Password.of("sunrisetherapyportal"), NONE, false)
        .has(PasswordCheck.Reason.CONTEXT_WORD)).isTrue();
    assertThat(withContext.check(user, Password.of("jane.doe@example.com"), NONE, false)
        .has(PasswordCheck.Reason.CONTEXT_WORD)).isTrue();
    assertThat(withContext.check(user, Password.of("janedoe#1234567890"), NONE, false)
        .has(PasswordCheck.Reason.CONTEXT_WORD)).isTrue();
    assertThat(withContext.check(user, Password.of(GOOD), NONE, false).accepted()).isTrue();
  }

  @Test
  void change_rightCurrent_newPasswordWorksOldDoesNot() {
    setGood();
    String next = "lantern by the quiet harbour";
    clock.advance(Duration.ofHours(1));
    PasswordCheck check = passwords.change(JANE, Password.of(GOOD), Password.of(next), NONE, false);
    assertThat(check.accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(next))).isTrue();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isFalse();
    assertThat(store.get(JANE).changed()).isEqualTo(clock.instant());
  }

  @Test
  void change_wrongCurrent_rejectedAndNothingChanged() {
    setGood();
    String before = store.get(JANE).hash();
    assertThatThrownBy(() -> passwords.change(JANE, Password.of("not my password"),
        Password.of("lantern by the quiet harbour"), NONE, false))
        .isInstanceOf(PasswordRejectedException.class)
        .hasMessageNotContaining("not my password");
    assertThat(store.get(JANE).hash()).isEqualTo(before);
  }

  @Test
  void change_noPasswordSet_rejected() {
    assertThatThrownBy(() -> passwords.change(JANE, Password.of(GOOD),
        Password.of("lantern by the quiet harbour"), NONE, false))
        .isInstanceOf(PasswordRejectedException.class);
    assertThat(passwords.hasPassword(JANE)).isFalse();
  }

  @Test
  void change_newPasswordRefused_verdictReturnedAndOldKept() {
    setGood();
    PasswordCheck check = passwords.change(JANE, Password.of(GOOD), Password.of("password1"),
        NONE, false);
    assertThat(check.accepted()).isFalse();
    assertThat(check.has(PasswordCheck.Reason.BLOCKLISTED)).isTrue();
    assertThat(check.has(PasswordCheck.Reason.TOO_SHORT)).isTrue();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
  }

  @Test
  void change_concurrentChangeWins_secondChangeRejected() {
    setGood();
    store.beforeReplace = () -> {
      store.beforeReplace = () -> {};
      assertThat(passwords.replace(JANE, Password.of("first change of the day"),
          PasswordRules.of(NONE, false))
          .accepted()).isTrue();
    };
    assertThatThrownBy(() -> passwords.change(JANE, Password.of(GOOD),
        Password.of("second change of the day"), NONE, false))
        .isInstanceOf(PasswordRejectedException.class);
    assertThat(passwords.verify(JANE, Password.of("first change of the day"))).isTrue();
  }

  @Test
  void issueTemporary_formatEntropyAndRedaction() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      TemporaryPassword t = passwords.issueTemporary(JANE);
      assertThat(t.reveal()).matches("[A-HJ-NP-Za-km-np-z2-9]{4}(-[A-HJ-NP-Za-km-np-z2-9]{4}){3}");
      assertThat(t.toString()).doesNotContain(t.reveal()).contains("redacted");
      seen.add(t.reveal());
    }
    assertThat(seen).hasSize(20);
    assertThat(TemporaryPassword.entropyBits()).isGreaterThanOrEqualTo(60.0).isGreaterThan(92.0);
  }

  @Test
  void issueTemporary_storedAsTemporaryExpiringIn72Hours() {
    setGood();
    TemporaryPassword t = passwords.issueTemporary(JANE);
    PasswordRecord r = store.get(JANE);
    assertThat(r.temporary()).isTrue();
    assertThat(r.expires()).contains(clock.instant().plus(Duration.ofHours(72)));
    assertThat(t.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(72)));
    assertThat(r.hash()).doesNotContain(t.reveal());
    assertThat(passwords.changeRequired(JANE)).isTrue();
    assertThat(passwords.authenticate(JANE, Password.of(t.reveal())))
        .isEqualTo(PasswordOutcome.TEMPORARY);
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isFalse();
  }

  @Test
  void issueTemporary_caseSensitive() {
    TemporaryPassword t = passwords.issueTemporary(JANE);
    String swapped = t.reveal().chars()
        .map(c -> Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    assertThat(passwords.verify(JANE, Password.of(swapped))).isFalse();
    assertThat(passwords.verify(JANE, Password.of(t.reveal()))).isTrue();
  }

  @Test
  void authenticate_expiredTemporary_rejected() {
    TemporaryPassword t = passwords.issueTemporary(JANE);
    clock.advance(Duration.ofHours(72).minusSeconds(1));
    assertThat(passwords.authenticate(JANE, Password.of(t.reveal())))
        .isEqualTo(PasswordOutcome.TEMPORARY);
    clock.advance(Duration.ofSeconds(1));
    assertThat(passwords.authenticate(JANE, Password.of(t.reveal())))
        .isEqualTo(PasswordOutcome.EXPIRED);
    assertThat(passwords.verify(JANE, Password.of(t.reveal()))).isFalse();
    assertThat(passwords.authenticate(JANE, Password.of("Abcd-Efgh-Jkmn-Pqrs")))
        .isEqualTo(PasswordOutcome.REJECTED);
    assertThatThrownBy(() -> passwords.change(JANE, Password.of(t.reveal()),
        Password.of(GOOD), NONE, false)).isInstanceOf(PasswordRejectedException.class);
  }

  @Test
  void temporaryLifetime_configurable() {
    Passwords shortLived = cheap().temporaryLifetime(Duration.ofHours(24)).build();
    TemporaryPassword t = shortLived.issueTemporary(JANE);
    assertThat(t.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    clock.advance(Duration.ofHours(24));
    assertThat(shortLived.verify(JANE, Password.of(t.reveal()))).isFalse();
    assertThatThrownBy(() -> cheap().temporaryLifetime(Duration.ofDays(31)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void completeChange_newPasswordStoredAsPermanent() {
    TemporaryPassword t = passwords.issueTemporary(JANE);
    PasswordCheck check = passwords.completeChange(JANE, Password.of(GOOD),
        PasswordRules.of(NONE, false));
    assertThat(check.accepted()).isTrue();
    assertThat(passwords.changeRequired(JANE)).isFalse();
    assertThat(store.get(JANE).expires()).isEmpty();
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
    assertThat(passwords.verify(JANE, Password.of(t.reveal()))).isFalse();
  }

  @Test
  void completeChange_passwordNotTemporary_rejected() {
    setGood();
    assertThatThrownBy(() -> passwords.completeChange(JANE,
        Password.of("lantern by the quiet harbour"), PasswordRules.of(NONE, false)))
        .isInstanceOf(PasswordRejectedException.class);
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
  }

  @Test
  void completeChange_refusedPassword_temporaryKept() {
    passwords.issueTemporary(JANE);
    PasswordCheck check = passwords.completeChange(JANE, Password.of("iloveyou"),
        PasswordRules.of(NONE, true));
    assertThat(check.has(PasswordCheck.Reason.BLOCKLISTED)).isTrue();
    assertThat(passwords.changeRequired(JANE)).isTrue();
  }

  @Test
  void toStrings_neverShowSecrets() {
    setGood();
    assertThat(passwords.toString()).doesNotContain(GOOD);
    assertThat(Password.of(GOOD).toString()).doesNotContain(GOOD);
    assertThat(store.get(JANE).toString()).doesNotContain("argon2id");
  }

  @Test
  void builder_argon2ParametersOutOfRange_refused() {
    assertThatThrownBy(() -> Passwords.builder(store).argon2id(4, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Passwords.builder(store).argon2id(256, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_permanentPasswordYearsLater_stillValid() {
    // NIST SP 800-63B-4 PV-5: no periodic expiry of passwords.
    setGood();
    clock.advance(Duration.ofDays(3 * 365));
    assertThat(passwords.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);
    assertThat(passwords.changeRequired(JANE)).isFalse();
  }

  @Test
  void issueTemporary_drawsFromTheInjectedRandomSource() throws Exception {
    SecureRandom a = SecureRandom.getInstance("SHA1PRNG");
    a.setSeed(42L);
    SecureRandom b = SecureRandom.getInstance("SHA1PRNG");
    b.setSeed(42L);
    String first = cheap().random(a).build().issueTemporary(JANE).reveal();
    String second = cheap().random(b).build().issueTemporary(JANE).reveal();
    assertThat(first).isEqualTo(second);
  }

  // ---- failure throttle ----------------------------------------------------------------------

  private Passwords throttled(InMemoryMfaStore mfa) {
    return Passwords.builder(mfa).clock(clock).argon2id(256, 1, 1).build();
  }

  private void wrongUntilThrottled(Passwords p, UserRef user) {
    for (int i = 0; i < Passwords.FREE_FAILURES; i++) {
      assertThat(p.authenticate(user, Password.of("wrong guess " + i)))
          .isEqualTo(PasswordOutcome.REJECTED);
    }
  }

  @Test
  void authenticate_fiveFailures_throttledEvenWithRightPassword_delayGrows() {
    InMemoryMfaStore mfa = new InMemoryMfaStore();
    Passwords p = throttled(mfa);
    assertThat(p.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    wrongUntilThrottled(p, JANE);

    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.THROTTLED);
    assertThat(p.verify(JANE, Password.of(GOOD))).isFalse();
    assertThatThrownBy(() -> p.change(JANE, Password.of(GOOD), Password.of("lantern by the sea"),
        NONE, false)).isInstanceOf(RateLimitedException.class);
    // Another user of the practice is not affected.
    UserRef john = UserRef.staff("sunrise", "john");
    assertThat(p.set(john, Password.of(GOOD), NONE, false).accepted()).isTrue();
    assertThat(p.authenticate(john, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);

    clock.advance(Duration.ofSeconds(30));
    assertThat(p.authenticate(JANE, Password.of("sixth guess"))).isEqualTo(PasswordOutcome.REJECTED);
    clock.advance(Duration.ofSeconds(30));
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.THROTTLED);
    clock.advance(Duration.ofSeconds(30));
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);
    // A success starts the count again.
    wrongUntilThrottled(p, JANE);
  }

  @Test
  void authenticate_unknownUserFailures_alsoThrottled() {
    Passwords p = throttled(new InMemoryMfaStore());
    for (int i = 0; i < Passwords.FREE_FAILURES; i++) {
      assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.REJECTED);
    }
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.THROTTLED);
    clock.advance(Passwords.FIRST_DELAY);
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.REJECTED);
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.THROTTLED);
  }

  @Test
  void authenticate_fourFailures_rightPasswordStillAccepted() {
    Passwords p = throttled(new InMemoryMfaStore());
    assertThat(p.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    for (int i = 0; i < Passwords.FREE_FAILURES - 1; i++) {
      p.authenticate(JANE, Password.of("wrong guess " + i));
    }
    assertThat(p.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.ACCEPTED);
  }

  @Test
  void authenticate_passwordStoreOnly_stillThrottledPerAccount() {
    setGood();
    wrongUntilThrottled(passwords, JANE);
    assertThat(passwords.authenticate(JANE, Password.of(GOOD)))
        .isEqualTo(PasswordOutcome.THROTTLED);
    assertThat(store.get(JANE).failures()).isEqualTo(Passwords.FREE_FAILURES);
  }

  @Test
  void authenticate_fiftyParallelWrongPasswords_atMostTheFreeBudgetHashed() throws Exception {
    setGood();
    int threads = 50;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.List<java.util.concurrent.Future<PasswordOutcome>> outcomes =
        new java.util.ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String guess = "parallel wrong guess " + i;
        outcomes.add(pool.submit(() -> {
          go.await();
          return passwords.authenticate(JANE, Password.of(guess));
        }));
      }
      go.countDown();
      int hashed = 0;
      for (var f : outcomes) {
        if (f.get() == PasswordOutcome.REJECTED) {
          hashed++;
        }
      }
      assertThat(hashed).isBetween(1, Passwords.FREE_FAILURES);
      assertThat(store.get(JANE).failures()).isEqualTo(hashed);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void authenticate_guessingAllDayWithAMovingClock_farFewerThanAHundredChecked() {
    setGood();
    int checked = 0;
    for (int s = 0; s < 24 * 3600; s += 10) {
      if (passwords.authenticate(JANE, Password.of("guess " + s)) == PasswordOutcome.REJECTED) {
        checked++;
      }
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(checked).isLessThanOrEqualTo(40).isGreaterThan(Passwords.FREE_FAILURES);
  }

  @Test
  void authenticate_hundredConsecutiveFailures_stopsUntilTheAdministratorResets() {
    setGood();
    int checked = 0;
    for (int h = 0; h < 24 * 10; h++) {
      if (passwords.authenticate(JANE, Password.of("guess " + h)) == PasswordOutcome.REJECTED) {
        checked++;
      }
      clock.advance(Duration.ofHours(1));
    }
    assertThat(checked).isEqualTo(Passwords.MAX_CONSECUTIVE_FAILURES);
    clock.advance(Duration.ofDays(365));
    assertThat(passwords.authenticate(JANE, Password.of(GOOD))).isEqualTo(PasswordOutcome.THROTTLED);
    assertThatThrownBy(() -> passwords.change(JANE, Password.of(GOOD),
        Password.of("lantern by the sea"), NONE, false))
        .isInstanceOf(RateLimitedException.class);

    TemporaryPassword t = passwords.issueTemporary(JANE);
    assertThat(passwords.authenticate(JANE, Password.of(t.reveal())))
        .isEqualTo(PasswordOutcome.TEMPORARY);
  }

  @Test
  void authenticate_oneAddressSprayingAThousandAccounts_stoppedByTheSourceLimit() {
    InMemoryMfaStore mfa = new InMemoryMfaStore();
    Passwords p = throttled(mfa);
    RequestContext attacker = RequestContext.of("203.0.113.9", "spray");
    int checked = 0;
    for (int i = 0; i < 1000; i++) {
      UserRef victim = UserRef.staff("sunrise", "user-" + i);
      if (i % 10 == 0) {
        mfa.passwords().put(new PasswordRecord(victim.practice(), victim.user(),
            Argon2id.hash(new byte[] {1}, new Argon2id.Params(256, 1, 1), new SecureRandom()),
            clock.instant(), false, java.util.Optional.empty()));
      }
      if (p.authenticate(victim, Password.of("Summer2026!"), attacker)
          == PasswordOutcome.REJECTED) {
        checked++;
      }
    }
    assertThat(checked).isEqualTo(Passwords.DEFAULT_SOURCE_MAX_FAILURES);
    // Another address is not affected; the next window opens the source again.
    UserRef john = UserRef.staff("sunrise", "john");
    assertThat(p.set(john, Password.of(GOOD), NONE, false).accepted()).isTrue();
    assertThat(p.authenticate(john, Password.of(GOOD), RequestContext.of("198.51.100.1", "ua")))
        .isEqualTo(PasswordOutcome.ACCEPTED);
    assertThat(p.authenticate(john, Password.of(GOOD), attacker))
        .isEqualTo(PasswordOutcome.THROTTLED);
    clock.advance(Passwords.DEFAULT_SOURCE_WINDOW);
    assertThat(p.authenticate(john, Password.of(GOOD), attacker))
        .isEqualTo(PasswordOutcome.ACCEPTED);
  }

  @Test
  void authenticate_successResetsOnlyTheAccountNotTheSource() {
    InMemoryMfaStore mfa = new InMemoryMfaStore();
    Passwords p = Passwords.builder(mfa).clock(clock).argon2id(256, 1, 1)
        .sourceLimit(mfa.counters(), 3, Duration.ofHours(1)).build();
    RequestContext office = RequestContext.of("192.0.2.7", "ua");
    assertThat(p.set(JANE, Password.of(GOOD), NONE, false).accepted()).isTrue();
    assertThat(p.authenticate(JANE, Password.of("wrong one"), office))
        .isEqualTo(PasswordOutcome.REJECTED);
    assertThat(p.authenticate(JANE, Password.of("wrong two"), office))
        .isEqualTo(PasswordOutcome.REJECTED);
    assertThat(p.authenticate(JANE, Password.of(GOOD), office)).isEqualTo(PasswordOutcome.ACCEPTED);
    assertThat(mfa.passwords().find(JANE.practice(), JANE.user()).orElseThrow().failures())
        .isZero();
    assertThat(p.authenticate(JANE, Password.of("wrong three"), office))
        .isEqualTo(PasswordOutcome.REJECTED);
    assertThat(p.authenticate(JANE, Password.of(GOOD), office))
        .isEqualTo(PasswordOutcome.THROTTLED);
  }

  @Test
  void set_userWithAPassword_refused_soItCannotBypassTheEngine() {
    setGood();
    assertThatThrownBy(() -> passwords.set(JANE, Password.of("lantern by the quiet sea"), NONE,
        false)).isInstanceOf(IllegalStateException.class);
    assertThat(passwords.verify(JANE, Password.of(GOOD))).isTrue();
  }

  @Test
  void set_storesTheLengthNeverThePassword() {
    setGood();
    assertThat(store.get(JANE).length()).isEqualTo(GOOD.length());
    assertThat(store.get(JANE).toString()).doesNotContain(GOOD);
  }

  @Test
  void requireChangeIfShorter_shortOrUnknown_markedLongEnough_not() {
    assertThat(passwords.set(JANE, Password.of("mqtzvhor-kelp"), NONE, true).accepted()).isTrue();
    assertThat(passwords.requireChangeIfShorter(JANE, 15)).isTrue();
    assertThat(passwords.changeRequired(JANE)).isTrue();
    assertThat(passwords.authenticate(JANE, Password.of("mqtzvhor-kelp")))
        .isEqualTo(PasswordOutcome.TEMPORARY);

    UserRef john = UserRef.staff("sunrise", "john");
    assertThat(passwords.set(john, Password.of(GOOD), NONE, false).accepted()).isTrue();
    assertThat(passwords.requireChangeIfShorter(john, 15)).isFalse();
    assertThat(passwords.changeRequired(john)).isFalse();

    UserRef old = UserRef.staff("sunrise", "old");
    store.put(new PasswordRecord(old.practice(), old.user(), store.get(john).hash(),
        clock.instant(), false, java.util.Optional.empty()));
    assertThat(passwords.requireChangeIfShorter(old, 15)).isTrue();
  }

  @Test
  void builder_sourceLimitOutOfRange_refused() {
    InMemoryMfaStore mfa = new InMemoryMfaStore();
    assertThatThrownBy(() -> Passwords.builder(store).sourceLimit(mfa.counters(), 0,
        Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Passwords.builder(store).sourceLimit(mfa.counters(), 10,
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }
}
