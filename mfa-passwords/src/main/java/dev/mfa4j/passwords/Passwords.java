package dev.mfa4j.passwords;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Administration;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginFlow;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RequestContext;
import dev.mfa4j.StoreException;
import dev.mfa4j.TemporaryPassword;
import dev.mfa4j.UserRef;
import dev.mfa4j.internal.Argon2id;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordRules;
import dev.mfa4j.spi.PasswordStore;
import dev.mfa4j.spi.PrimaryCredentials;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * mfa4j's built-in password credentials, for hosts that do not keep their own: the engine's
 * {@link PrimaryCredentials} with every capability (forced change, the user's change, the host's
 * replacement, an administrator's reset). Hosts with their own password table implement {@link
 * PrimaryCredentials} instead.
 *
 * <ul>
 *   <li>Hashing: Argon2id (Bouncy Castle) in the PHC string format with a 16-byte random salt, at
 *       OWASP's parameters by default (m = 19 MiB, t = 2, p = 1). A password stored with weaker
 *       parameters than configured is rehashed when it next verifies, by a conditional write that
 *       never overwrites a password changed meanwhile.
 *   <li>Text: NFKC-normalised, never truncated, UTF-8; compared in constant time.
 *   <li>New passwords are checked by a {@link PasswordChecker} (NIST SP 800-63B-4): the refusal is
 *       a {@link PasswordCheck} value with reasons, and nothing is stored.
 *   <li>Temporary passwords from an administrator's reset ({@link #issueTemporary}) expire (72
 *       hours by default) and must be replaced at the next sign-in.
 *   <li>Online guessing is throttled (NIST SP 800-63B-4 §3.2.2), per account always and per source
 *       address when built with {@link #builder(MfaStore)} or {@link Builder#sourceLimit}:
 *       <ul>
 *         <li><b>Per account:</b> every check is counted as a failure <em>before</em> the password
 *             is hashed, by one conditional write on the password's row ({@link
 *             PasswordStore#recordFailure}), and a success sets the count back to 0. The first
 *             {@value #FREE_FAILURES} consecutive failures cost nothing; after the n-th (n ≥ 5)
 *             the next check waits 30 s · 2<sup>n−5</sup>, at most 1 hour (30 s, 1 min, 2 min, …,
 *             32 min, then 1 hour each: about 35 guesses in the first day). At {@value
 *             #MAX_CONSECUTIVE_FAILURES} consecutive failures no check is made any more until an
 *             administrator's reset ({@link Administration#resetPassword}) or the host's own
 *             recovery ({@link MfaEngine#setPassword}) replaces the password. Because the count is
 *             taken before the hash, N parallel wrong passwords on any number of nodes hash at
 *             most {@value #FREE_FAILURES} (or one once the delay has begun). A user without a
 *             password gets the same schedule from the counters, so throttling does not tell who
 *             has an account.
 *         <li><b>Per source:</b> at most {@value #DEFAULT_SOURCE_MAX_FAILURES} failed checks per
 *             IP address ({@link RequestContext#ip()}) per hour across all accounts, reserved by
 *             one atomic increment before the hash and given back on success; checks without a
 *             request or with an unknown address ({@code ""}) are limited per account only.
 *       </ul>
 * </ul>
 *
 * <pre>{@code
 * Passwords passwords = Passwords.builder(mfaStore)      // passwords and the failure throttle
 *     .clock(clock)                                     // the engine's clock
 *     .contextWords(user -> List.of("Sunrise Therapy", emailOf(user)))
 *     .build();
 * MfaEngine mfa = MfaEngine.builder().store(mfaStore).primaryCredentials(passwords)…build();
 * switch (passwords.authenticate(user, Password.of(form.password()), request)) {
 *   case ACCEPTED, TEMPORARY -> step = mfa.login().afterPrimary(user, request);
 *   case EXPIRED -> show("Your temporary password has expired. Ask your administrator.");
 *   case REJECTED -> show("Wrong e-mail address or password.");
 *   case THROTTLED -> show("Too many attempts. Try again in a few minutes.");
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe. Audit and notices are the engine's ({@link AccountSecurity},
 * {@link Administration}); this class only stores and checks.
 */
public final class Passwords implements PrimaryCredentials {
  /** OWASP's Argon2id minimum memory, in KiB (19 MiB). */
  public static final int OWASP_MEMORY_KIB = 19 * 1024;

  /** OWASP's Argon2id minimum passes at {@link #OWASP_MEMORY_KIB}. */
  public static final int OWASP_ITERATIONS = 2;

  /** OWASP's Argon2id parallelism. */
  public static final int OWASP_PARALLELISM = 1;

  /** Consecutive failures of an account that cost no delay. */
  public static final int FREE_FAILURES = 5;

  /** The delay after the {@value #FREE_FAILURES}-th consecutive failure; it doubles after each. */
  public static final Duration FIRST_DELAY = Duration.ofSeconds(30);

  /** The longest delay between two checks of one account. */
  public static final Duration MAX_DELAY = Duration.ofHours(1);

  /**
   * Consecutive failures after which an account's password is not checked any more until it is
   * replaced (NIST SP 800-63B-4 §3.2.2: at most 100).
   */
  public static final int MAX_CONSECUTIVE_FAILURES = 100;

  /** Failed checks per source address within {@link #DEFAULT_SOURCE_WINDOW} (default). */
  public static final int DEFAULT_SOURCE_MAX_FAILURES = 100;

  /** The window of the default per-source limit. */
  public static final Duration DEFAULT_SOURCE_WINDOW = Duration.ofHours(1);

  /** How far away {@link RateLimitedException#retryAfter()} is once the hard cap is reached. */
  private static final Duration FOR_GOOD = Duration.ofDays(36_500);

  /** How long the counters of a user without a password remember failures. */
  private static final Duration UNKNOWN_MEMORY = Duration.ofDays(1);

  /** At most this many context words per user, each at most {@link #MAX_CONTEXT_WORD} long. */
  private static final int MAX_CONTEXT_WORDS = 32;

  private static final int MAX_CONTEXT_WORD = 256;

  /** How long a temporary password works by default. */
  public static final Duration DEFAULT_TEMPORARY_LIFETIME = Duration.ofHours(72);

  private final PasswordStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final Argon2id.Params params;
  private final Duration temporaryLifetime;
  private final PasswordChecker checker;
  private final Function<UserRef, ? extends Collection<String>> context;
  private final boolean revokeDevicesOnChange;
  private final CounterStore counters;
  private final int sourceMaxFailures;
  private final Duration sourceWindow;
  private volatile String dummyHash;

  private Passwords(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.random = b.random == null ? new SecureRandom() : b.random;
    this.params = b.params;
    this.temporaryLifetime = b.temporaryLifetime;
    this.checker = b.checker;
    this.context = b.context;
    this.revokeDevicesOnChange = b.revokeDevicesOnChange;
    this.counters = b.counters;
    this.sourceMaxFailures = b.sourceMaxFailures;
    this.sourceWindow = b.sourceWindow;
  }

  /**
   * A builder over the given password store: the per-account throttle only (users without a
   * password are then not throttled), unless {@link Builder#sourceLimit} adds counters.
   */
  public static Builder builder(PasswordStore store) {
    return new Builder(Objects.requireNonNull(store, "store"));
  }

  /**
   * A builder over mfa4j's store: its passwords (and the per-account throttle), and its counters
   * for the per-source limit ({@value #DEFAULT_SOURCE_MAX_FAILURES} failed checks per address per
   * hour) and for users without a password.
   */
  public static Builder builder(MfaStore store) {
    Objects.requireNonNull(store, "store");
    return new Builder(store.passwords())
        .sourceLimit(store.counters(), DEFAULT_SOURCE_MAX_FAILURES, DEFAULT_SOURCE_WINDOW);
  }

  /**
   * Whether {@code password} is the user's password (a temporary one counts until it expires),
   * throttled per account. Used by the engine to confirm sensitive changes.
   *
   * @throws StoreException if the store fails
   */
  @Override
  public boolean verify(UserRef user, Password password) {
    return authenticate(user, password).passed();
  }

  /**
   * {@link #verify(UserRef, Password)}, throttled per source address as well (the engine calls
   * this one).
   *
   * @throws StoreException if the store fails
   */
  @Override
  public boolean verify(UserRef user, Password password, RequestContext request) {
    return authenticate(user, password, request).passed();
  }

  /**
   * Checks a password at sign-in, limited per account only; prefer {@link #authenticate(UserRef,
   * Password, RequestContext)}, which also limits the source address.
   */
  public PasswordOutcome authenticate(UserRef user, Password password) {
    return authenticate(user, password, null);
  }

  /**
   * Checks a password at sign-in. Takes about as long whether or not the user has a password.
   * Rehashes the stored password if it was hashed with weaker parameters than configured. The
   * check is counted as a failure before the hash (see the class comment), and a success sets the
   * account's count back to 0.
   *
   * @param request the request, for the per-source limit (its {@link RequestContext#ip()})
   * @return {@link PasswordOutcome#EXPIRED} only if the password was right; {@link
   *     PasswordOutcome#THROTTLED} without checking it if the account or the source failed too
   *     often
   * @throws StoreException if the store fails: the sign-in fails closed
   */
  public PasswordOutcome authenticate(UserRef user, Password password, RequestContext request) {
    return attempt(user, password, request).outcome();
  }

  /**
   * Checks a password at sign-in like {@link #authenticate(UserRef, Password, RequestContext)},
   * and says when a {@link PasswordOutcome#THROTTLED throttled} one may be tried again.
   *
   * @param request the request, for the per-source limit (its {@link RequestContext#ip()}), or
   *     null for the per-account limit only
   * @throws StoreException if the store fails: the sign-in fails closed
   */
  public PasswordAttempt attempt(UserRef user, Password password, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Instant now = clock.instant();
    Optional<PasswordRecord> found = store.find(user.practice(), user.user());
    if (!reserveSource(request, now)) {
      return PasswordAttempt.throttled(sourceWindowEnd(now));
    }
    Gate gate = reserveAccount(user, found, now);
    if (!gate.open()) {
      refundSource(request, now);
      return PasswordAttempt.throttled(gate.until());
    }
    return PasswordAttempt.of(check(user, password, request, now, gate.record()));
  }

  private PasswordOutcome check(UserRef user, Password password, RequestContext request,
      Instant now, Optional<PasswordRecord> stored) {
    byte[] secret = secretOf(password);
    if (secret == null) {
      return PasswordOutcome.REJECTED;
    }
    try {
      if (stored.isEmpty()) {
        Argon2id.verify(secret, dummyHash());
        return PasswordOutcome.REJECTED;
      }
      PasswordRecord record = stored.get();
      if (!Argon2id.verify(secret, record.hash())) {
        return PasswordOutcome.REJECTED;
      }
      store.clearFailures(user.practice(), user.user());
      refundSource(request, now);
      if (expired(record)) {
        return PasswordOutcome.EXPIRED;
      }
      rehashIfWeaker(record, secret);
      return record.temporary() ? PasswordOutcome.TEMPORARY : PasswordOutcome.ACCEPTED;
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * Checks a proposed password for a user without storing it (e.g. as the user types). Context
   * words are the user id, the practice id and what {@link Builder#contextWords} returns.
   *
   * @param policy the user's practice policy (its minimum password length)
   * @param secondFactor whether the user has a second factor (minimum 8 rather than 15)
   */
  public PasswordCheck check(UserRef user, Password candidate, PracticePolicy policy,
      boolean secondFactor) {
    return check(user, candidate, PasswordRules.of(policy, secondFactor));
  }

  /** Checks a proposed password under {@code rules} without storing it. */
  @Override
  public PasswordCheck check(UserRef user, Password candidate, PasswordRules rules) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(rules, "rules");
    return checker.check(candidate, rules.minLength(), rules.characterClasses(),
        contextWords(user));
  }

  /**
   * Sets the first password of a user who has none (a new account, or seeding before the engine
   * exists), after checking it. If it is refused, nothing is stored. It neither audits nor
   * notifies, so it never replaces a password: changing or resetting one goes through the engine
   * ({@link MfaEngine#setPassword}, {@link AccountSecurity#changePassword}, {@link
   * Administration#resetPassword}), which audits it, notifies the user and forgets their
   * remembered devices.
   *
   * @return the verdict; the password was stored exactly when it is accepted
   * @throws IllegalStateException if the user has a password already
   * @throws StoreException if the store fails
   */
  public PasswordCheck set(UserRef user, Password next, PracticePolicy policy,
      boolean secondFactor) {
    PasswordCheck check = check(user, next, PasswordRules.of(policy, secondFactor));
    if (check.accepted()) {
      if (hasPassword(user)) {
        throw new IllegalStateException("the user has a password: replace it through"
            + " MfaEngine.setPassword, which audits, notifies and revokes remembered devices");
      }
      store.put(permanent(user, next));
    }
    return check;
  }

  /**
   * Stores a checked password in place of any (the engine's {@link MfaEngine#setPassword}, which
   * audits, notifies and revokes devices). Also ends the account's throttle.
   */
  @Override
  public PasswordCheck replace(UserRef user, Password next, PasswordRules rules) {
    PasswordCheck check = check(user, next, rules);
    if (check.accepted()) {
      store.put(permanent(user, next));
    }
    return check;
  }

  /**
   * Marks the user's password as one to replace at the next sign-in if it is shorter than {@code
   * minLength} or of unknown length (two-factor was just turned off, so the single-factor minimum
   * applies). Reuses the temporary flag, without an expiry.
   *
   * @return whether it was marked
   */
  @Override
  public boolean requireChangeIfShorter(UserRef user, int minLength) {
    Objects.requireNonNull(user, "user");
    Optional<PasswordRecord> found = store.find(user.practice(), user.user());
    if (found.isEmpty() || found.get().temporary()) {
      return false;
    }
    PasswordRecord r = found.get();
    if (r.length() >= minLength) {
      return false;
    }
    return store.replace(user.practice(), user.user(), r.hash(), new PasswordRecord(r.practice(),
        r.user(), r.hash(), r.changed(), true, Optional.empty(), r.length(), r.failures(),
        r.nextCheck()));
  }

  /**
   * Changes a user's password, which needs the current one. If the new one is refused nothing
   * changes. The write is conditional on the password verified, so two concurrent changes cannot
   * both win.
   *
   * @return the verdict on the new password; stored exactly when it is accepted
   * @throws PasswordRejectedException if {@code current} is not the user's password (or an expired
   *     temporary one, or the password changed meanwhile)
   * @throws RateLimitedException if the user's password checks failed too often lately
   * @throws StoreException if the store fails
   */
  public PasswordCheck change(UserRef user, Password current, Password next,
      PracticePolicy policy, boolean secondFactor) {
    return change(user, current, next, PasswordRules.of(policy, secondFactor));
  }

  /** {@link #change(UserRef, Password, Password, PracticePolicy, boolean)} under {@code rules}. */
  @Override
  public PasswordCheck change(UserRef user, Password current, Password next,
      PasswordRules rules) {
    Objects.requireNonNull(current, "current");
    PasswordRecord record = verifiedRecord(user, current);
    PasswordCheck check = check(user, next, rules);
    if (check.accepted()
        && !store.replace(user.practice(), user.user(), record.hash(), permanent(user, next))) {
      throw new PasswordRejectedException();
    }
    return check;
  }

  /**
   * Replaces a password that must be changed during a sign-in ({@link
   * LoginFlow#completePasswordChange}): the caller has proven it through the sign-in challenge.
   * Refused with {@link PasswordRejectedException} if the stored password is no longer one that
   * must be changed (replaced or expired meanwhile).
   */
  @Override
  public PasswordCheck completeChange(UserRef user, Password next, PasswordRules rules) {
    Objects.requireNonNull(user, "user");
    Optional<PasswordRecord> stored = store.find(user.practice(), user.user());
    if (stored.isEmpty() || !stored.get().temporary() || expired(stored.get())) {
      throw new PasswordRejectedException();
    }
    PasswordCheck check = check(user, next, rules);
    if (check.accepted() && !store.replace(user.practice(), user.user(), stored.get().hash(),
        permanent(user, next))) {
      throw new PasswordRejectedException();
    }
    return check;
  }

  /**
   * Replaces the user's password with a new random temporary one (an administrator's reset). The
   * user's next sign-in must choose a new password. Audit, notices and authorisation are the
   * caller's ({@link Administration}).
   *
   * @return the temporary password, to show once
   * @throws StoreException if the store fails
   */
  @Override
  public TemporaryPassword issueTemporary(UserRef user) {
    Objects.requireNonNull(user, "user");
    Instant now = clock.instant();
    TemporaryPassword temporary = TemporaryPassword.generate(random, now.plus(temporaryLifetime));
    byte[] secret = PasswordText.utf8(temporary.reveal());
    try {
      String text = temporary.reveal();
      store.put(new PasswordRecord(user.practice(), user.user(),
          Argon2id.hash(secret, params, random), now, true, Optional.of(temporary.expiresAt()),
          text.codePointCount(0, text.length()), 0, Optional.empty()));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return temporary;
  }

  /**
   * Whether the user's stored password is a temporary one that must be replaced (expired or not).
   *
   * @throws StoreException if the store fails
   */
  @Override
  public boolean changeRequired(UserRef user) {
    Objects.requireNonNull(user, "user");
    return store.find(user.practice(), user.user()).map(PasswordRecord::temporary).orElse(false);
  }

  /** Whether the user has a password here. */
  @Override
  public boolean hasPassword(UserRef user) {
    Objects.requireNonNull(user, "user");
    return store.find(user.practice(), user.user()).isPresent();
  }

  /**
   * Whether the engine forgets the user's remembered devices when they change their password
   * (an administrator's reset always does).
   */
  @Override
  public boolean revokesDevicesOnChange() {
    return revokeDevicesOnChange;
  }

  /** The checker new passwords go through. */
  public PasswordChecker checker() {
    return checker;
  }

  private PasswordRecord verifiedRecord(UserRef user, Password password) {
    Objects.requireNonNull(user, "user");
    Instant now = clock.instant();
    Gate gate = reserveAccount(user, store.find(user.practice(), user.user()), now);
    if (!gate.open()) {
      throw new RateLimitedException(RateLimitedException.Limit.PASSWORD_ATTEMPTS,
          "too many wrong passwords; try again later", gate.until());
    }
    Optional<PasswordRecord> stored = gate.record();
    byte[] secret = secretOf(password);
    if (secret == null) {
      throw new PasswordRejectedException();
    }
    try {
      boolean ok = Argon2id.verify(secret, stored.map(PasswordRecord::hash).orElse(dummyHash()));
      if (!ok || stored.isEmpty()) {
        throw new PasswordRejectedException();
      }
      store.clearFailures(user.practice(), user.user());
      if (expired(stored.get())) {
        throw new PasswordRejectedException();
      }
      return stored.get();
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Whether a check may go ahead, and if not until when; the record it was reserved on. */
  private record Gate(boolean open, Instant until, Optional<PasswordRecord> record) {}

  /**
   * The delay after the n-th consecutive failure: none for the first four, then 30 s doubling
   * up to an hour.
   */
  static Optional<Duration> delayAfter(int n) {
    if (n < FREE_FAILURES) {
      return Optional.empty();
    }
    int k = n - FREE_FAILURES;
    if (k >= 7) {
      return Optional.of(MAX_DELAY);
    }
    Duration d = FIRST_DELAY.multipliedBy(1L << k);
    return Optional.of(d.compareTo(MAX_DELAY) < 0 ? d : MAX_DELAY);
  }

  /**
   * Counts this check as a failure before it is made (reserve-then-check): by a conditional write
   * on the password's row, retried while other checks move the count; for a user without a
   * password, on the counters (if any).
   */
  private Gate reserveAccount(UserRef user, Optional<PasswordRecord> found, Instant now) {
    Optional<PasswordRecord> current = found;
    for (int tries = 0; tries < 2 * MAX_CONSECUTIVE_FAILURES && current.isPresent(); tries++) {
      PasswordRecord r = current.get();
      if (r.failures() >= MAX_CONSECUTIVE_FAILURES) {
        return new Gate(false, now.plus(FOR_GOOD), current);
      }
      if (r.nextCheck().isPresent() && now.isBefore(r.nextCheck().get())) {
        return new Gate(false, r.nextCheck().get(), current);
      }
      int n = r.failures() + 1;
      if (store.recordFailure(user.practice(), user.user(), r.failures(),
          delayAfter(n).map(now::plus))) {
        return new Gate(true, now, current);
      }
      current = store.find(user.practice(), user.user());
    }
    if (current.isPresent()) {
      return new Gate(false, now.plus(FIRST_DELAY), current);
    }
    return reserveUnknown(user, now);
  }

  /** The same schedule for a user without a password, on the counters (approximate in races). */
  private Gate reserveUnknown(UserRef user, Instant now) {
    if (counters == null) {
      return new Gate(true, now, Optional.empty());
    }
    String key = failureKey(user);
    long done = counters.get(key, now);
    if (done >= MAX_CONSECUTIVE_FAILURES) {
      return new Gate(false, now.plus(UNKNOWN_MEMORY), Optional.empty());
    }
    int n = (int) done + 1;
    Optional<Duration> delay = delayAfter(n);
    if (delay.isPresent()
        && counters.increment(key + ":wait", now, now.plus(delay.get())) > 1
        && n > FREE_FAILURES) {
      return new Gate(false, now.plus(FIRST_DELAY), Optional.empty());
    }
    counters.increment(key, now, now.plus(UNKNOWN_MEMORY));
    return new Gate(true, now, Optional.empty());
  }

  private String sourceKey(RequestContext request, Instant now) {
    long bucket = Math.floorDiv(now.getEpochSecond(), sourceWindow.getSeconds());
    return "password-source:" + Tokens.base64Url(Tokens.sha256(request.ip())) + ":" + bucket;
  }

  private Instant sourceWindowEnd(Instant now) {
    long secs = sourceWindow.getSeconds();
    return Instant.ofEpochSecond((Math.floorDiv(now.getEpochSecond(), secs) + 1) * secs);
  }

  private boolean limitsSource(RequestContext request) {
    return counters != null && sourceMaxFailures > 0 && request != null
        && !request.ip().isEmpty();
  }

  /**
   * Reserves a place in the source's budget by one atomic increment (given back on success):
   * whether the check may go ahead.
   */
  private boolean reserveSource(RequestContext request, Instant now) {
    if (!limitsSource(request)) {
      return true;
    }
    String key = sourceKey(request, now);
    long taken = counters.increment(key, now, sourceWindowEnd(now));
    long givenBack = counters.get(key + ":back", now);
    return taken - givenBack <= sourceMaxFailures;
  }

  private void refundSource(RequestContext request, Instant now) {
    if (limitsSource(request)) {
      counters.increment(sourceKey(request, now) + ":back", now, sourceWindowEnd(now));
    }
  }

  private String failureKey(UserRef user) {
    return "password-failures:" + Tokens.base64Url(Tokens.sha256(
        user.practice().value() + "\u0000" + user.user().value()));
  }

  private List<String> contextWords(UserRef user) {
    List<String> words = new ArrayList<>();
    words.add(user.user().value());
    words.add(user.practice().value());
    Collection<String> extra = context.apply(user);
    if (extra != null) {
      if (extra.size() > MAX_CONTEXT_WORDS) {
        throw new InvalidInputException("at most " + MAX_CONTEXT_WORDS + " context words");
      }
      for (String word : extra) {
        Objects.requireNonNull(word, "context word");
        if (word.length() > MAX_CONTEXT_WORD) {
          throw new InvalidInputException(
              "a context word is longer than " + MAX_CONTEXT_WORD + " characters");
        }
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    }
    return words;
  }

  private PasswordRecord permanent(UserRef user, Password password) {
    byte[] secret = secretOf(password);
    if (secret == null) {
      throw new InvalidInputException("the password is not well-formed Unicode");
    }
    try {
      String text = PasswordText.normalized(password);
      return new PasswordRecord(user.practice(), user.user(), Argon2id.hash(secret, params, random),
          clock.instant(), false, Optional.empty(), text.codePointCount(0, text.length()), 0,
          Optional.empty());
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** The NFKC-normalised UTF-8 bytes, or null if the text has an unpaired surrogate. */
  private static byte[] secretOf(Password password) {
    String text = PasswordText.normalized(password);
    return PasswordText.wellFormed(text) ? PasswordText.utf8(text) : null;
  }

  private boolean expired(PasswordRecord record) {
    return record.temporary() && record.expires().isPresent()
        && !clock.instant().isBefore(record.expires().get());
  }

  private void rehashIfWeaker(PasswordRecord record, byte[] secret) {
    Argon2id.Params stored = Argon2id.paramsOf(record.hash());
    if (stored != null && stored.atLeast(params)) {
      return;
    }
    PasswordRecord upgraded = new PasswordRecord(record.practice(), record.user(),
        Argon2id.hash(secret, params, random), record.changed(), record.temporary(),
        record.expires(), record.length(), 0, Optional.empty());
    // Loses quietly to a concurrent change: that one hashed with the current parameters.
    store.replace(record.practice(), record.user(), record.hash(), upgraded);
  }

  private String dummyHash() {
    String h = dummyHash;
    if (h == null) {
      byte[] b = new byte[16];
      random.nextBytes(b);
      h = Argon2id.hash(b, params, random);
      dummyHash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return "Passwords[argon2id m=" + params.memoryKiB() + " t=" + params.iterations() + " p="
        + params.parallelism() + ", temporaryLifetime=" + temporaryLifetime + "]";
  }

  /** Configures {@link Passwords}; starts with OWASP's parameters and a 72-hour temporary life. */
  public static final class Builder {
    private final PasswordStore store;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random;
    private Argon2id.Params params =
        new Argon2id.Params(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM);
    private Duration temporaryLifetime = DEFAULT_TEMPORARY_LIFETIME;
    private PasswordChecker checker;
    private Function<UserRef, ? extends Collection<String>> context = user -> List.of();
    private boolean revokeDevicesOnChange = true;
    private CounterStore counters;
    private int sourceMaxFailures;
    private Duration sourceWindow;

    private Builder(PasswordStore store) {
      this.store = store;
    }

    /** The clock (default UTC system clock); use the engine's. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The random source for salts and temporary passwords (default a new SecureRandom). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Argon2id parameters for new hashes (default OWASP's: 19456 KiB, 2, 1). Raise them freely:
     * stored passwords are rehashed at their next sign-in. Values below OWASP's are for tests.
     *
     * @throws IllegalArgumentException if out of range (memory below 8 KiB per lane, t or p below 1)
     */
    public Builder argon2id(int memoryKiB, int iterations, int parallelism) {
      this.params = new Argon2id.Params(memoryKiB, iterations, parallelism);
      return this;
    }

    /**
     * How long a temporary password works (default 72 hours; 1 minute to 30 days).
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder temporaryLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.compareTo(Duration.ofMinutes(1)) < 0
          || lifetime.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("temporaryLifetime must be 1 minute to 30 days");
      }
      this.temporaryLifetime = lifetime;
      return this;
    }

    /**
     * The checker for new passwords (default {@link PasswordChecker#nist()}). Composition rules,
     * extra blocklisted words and the maximum length are set on {@link PasswordChecker#builder()}.
     */
    public Builder checker(PasswordChecker checker) {
      this.checker = Objects.requireNonNull(checker, "checker");
      return this;
    }

    /**
     * Where the context words of a user come from: words a new password must not be made of (NIST
     * SP 800-63B-4 §3.1.1.2: "context-specific words, such as the name of the service, the
     * username, and derivatives thereof"), such as the practice's name, the user's e-mail
     * addresses and name. mfa4j owns no user table, so the host supplies them; the user id and
     * practice id are always added. Called for every check, it returns at most 32 words of at most
     * 256 characters each (else {@link InvalidInputException}); empty words are ignored. Default:
     * none.
     */
    public Builder contextWords(Function<UserRef, ? extends Collection<String>> context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Whether changing one's password forgets every remembered device (default true, as NIST SP
     * 800-63B-4 and ASP.NET's security stamp do). An administrator's reset always does.
     */
    public Builder revokeDevicesOnChange(boolean revoke) {
      this.revokeDevicesOnChange = revoke;
      return this;
    }

    /**
     * Limits online guessing per source address (NIST SP 800-63B-4 §3.2.2, beside the per-account
     * throttle, which is always on): once {@code maxFailures} checks from one {@link
     * RequestContext#ip()} failed within a fixed window of {@code window}, further checks from it
     * are refused unchecked ({@link PasswordOutcome#THROTTLED}) until the window ends. The counters
     * live in {@code counters}, so every node shares them; they also throttle users without a
     * password like users with one.
     *
     * @param maxFailures 1 to 100,000
     * @param window 1 minute to 1 day, whole seconds
     * @throws IllegalArgumentException if out of range
     */
    public Builder sourceLimit(CounterStore counters, int maxFailures, Duration window) {
      Objects.requireNonNull(counters, "counters");
      Objects.requireNonNull(window, "window");
      if (maxFailures < 1 || maxFailures > 100_000) {
        throw new IllegalArgumentException("maxFailures must be 1 to 100000");
      }
      if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0
          || window.getNano() != 0) {
        throw new IllegalArgumentException("window must be 1 minute to 1 day, whole seconds");
      }
      this.counters = counters;
      this.sourceMaxFailures = maxFailures;
      this.sourceWindow = window;
      return this;
    }

    /** Builds. */
    public Passwords build() {
      if (checker == null) {
        checker = PasswordChecker.nist();
      }
      return new Passwords(this);
    }
  }
}
