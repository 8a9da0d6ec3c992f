package dev.mfa4j;

import dev.mfa4j.internal.Argon2id;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordStore;
import dev.mfa4j.spi.PasswordVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * mfa4j's built-in password credentials, for hosts that do not keep their own (optional: any
 * {@link PasswordVerifier} will do for the engine).
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
 *   <li>Online guessing is throttled per user when built with {@link #builder(MfaStore)} or
 *       {@link Builder#throttle}.
 * </ul>
 *
 * <pre>{@code
 * Passwords passwords = Passwords.builder(mfaStore)      // passwords and the failure throttle
 *     .clock(clock)                                     // the engine's clock
 *     .context(user -> PasswordContext.of("Sunrise Therapy", emailOf(user)))
 *     .build();
 * MfaEngine mfa = MfaEngine.builder().store(mfaStore).passwordVerifier(passwords)…build();
 * switch (passwords.authenticate(user, Password.of(form.password()))) {
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
public final class Passwords implements PasswordVerifier {
  /** OWASP's Argon2id minimum memory, in KiB (19 MiB). */
  public static final int OWASP_MEMORY_KIB = 19 * 1024;

  /** OWASP's Argon2id minimum passes at {@link #OWASP_MEMORY_KIB}. */
  public static final int OWASP_ITERATIONS = 2;

  /** OWASP's Argon2id parallelism. */
  public static final int OWASP_PARALLELISM = 1;

  /** Failed checks per user within {@link #DEFAULT_FAILURE_WINDOW} before checks are refused. */
  public static final int DEFAULT_MAX_FAILURES = 10;

  /** The window of the default failure throttle. */
  public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(15);

  /** How long a temporary password works by default. */
  public static final Duration DEFAULT_TEMPORARY_LIFETIME = Duration.ofHours(72);

  private final PasswordStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final Argon2id.Params params;
  private final Duration temporaryLifetime;
  private final PasswordChecker checker;
  private final Function<UserRef, PasswordContext> context;
  private final boolean revokeDevicesOnChange;
  private final CounterStore counters;
  private final int maxFailures;
  private final Duration failureWindow;
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
    this.maxFailures = b.maxFailures;
    this.failureWindow = b.failureWindow;
  }

  /**
   * A builder over the given password store, without a failure throttle unless {@link
   * Builder#throttle} sets one.
   */
  public static Builder builder(PasswordStore store) {
    return new Builder(Objects.requireNonNull(store, "store"));
  }

  /**
   * A builder over mfa4j's store: its passwords, and its counters for the failure throttle ({@value
   * #DEFAULT_MAX_FAILURES} failed checks per user within 15 minutes).
   */
  public static Builder builder(MfaStore store) {
    Objects.requireNonNull(store, "store");
    return new Builder(store.passwords())
        .throttle(store.counters(), DEFAULT_MAX_FAILURES, DEFAULT_FAILURE_WINDOW);
  }

  /**
   * Whether {@code password} is the user's password (a temporary one counts until it expires).
   * Used by the engine to confirm sensitive changes.
   *
   * @throws StoreException if the store fails
   */
  @Override
  public boolean verify(UserRef user, Password password) {
    return authenticate(user, password).passed();
  }

  /**
   * Checks a password at sign-in. Takes about as long whether or not the user has a password.
   * Rehashes the stored password if it was hashed with weaker parameters than configured.
   *
   * @return {@link PasswordOutcome#EXPIRED} only if the password was right; {@link
   *     PasswordOutcome#THROTTLED} without checking it if the user failed too often lately
   * @throws StoreException if the store fails: the sign-in fails closed
   */
  public PasswordOutcome authenticate(UserRef user, Password password) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (throttled(user)) {
      return PasswordOutcome.THROTTLED;
    }
    Optional<PasswordRecord> stored = store.find(user.practice(), user.user());
    byte[] secret = secretOf(password);
    if (secret == null) {
      countFailure(user);
      return PasswordOutcome.REJECTED;
    }
    try {
      if (stored.isEmpty()) {
        Argon2id.verify(secret, dummyHash());
        countFailure(user);
        return PasswordOutcome.REJECTED;
      }
      PasswordRecord record = stored.get();
      if (!Argon2id.verify(secret, record.hash())) {
        countFailure(user);
        return PasswordOutcome.REJECTED;
      }
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
   * words are the user id, the practice id and what {@link Builder#context} returns.
   *
   * @param policy the user's practice policy (its minimum password length)
   * @param secondFactor whether the user has a second factor (minimum 8 rather than 15)
   */
  public PasswordCheck check(UserRef user, Password candidate, PracticePolicy policy,
      boolean secondFactor) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(policy, "policy");
    return checker.check(candidate, PasswordChecker.minimumLength(policy, secondFactor),
        policy.passwordCharacterClasses(),
        contextWords(user));
  }

  /**
   * Sets a user's password (a new account, or the host's own reset flow) after checking it. If it
   * is refused, nothing is stored.
   *
   * @return the verdict; the password was stored exactly when it is accepted
   * @throws StoreException if the store fails
   */
  public PasswordCheck set(UserRef user, Password next, PracticePolicy policy,
      boolean secondFactor) {
    PasswordCheck check = check(user, next, policy, secondFactor);
    if (check.accepted()) {
      store.put(permanent(user, next));
    }
    return check;
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
    Objects.requireNonNull(current, "current");
    PasswordRecord record = verifiedRecord(user, current);
    PasswordCheck check = check(user, next, policy, secondFactor);
    if (check.accepted()
        && !store.replace(user.practice(), user.user(), record.hash(), permanent(user, next))) {
      throw new PasswordRejectedException();
    }
    return check;
  }

  /**
   * Replaces a temporary password during a sign-in ({@link LoginFlow}): the caller has proven the
   * temporary password through the sign-in challenge. Refused with {@link
   * PasswordRejectedException} if the stored password is no longer that temporary one.
   */
  PasswordCheck replaceTemporary(UserRef user, Password next, PracticePolicy policy,
      boolean secondFactor) {
    Optional<PasswordRecord> stored = store.find(user.practice(), user.user());
    if (stored.isEmpty() || !stored.get().temporary() || expired(stored.get())) {
      throw new PasswordRejectedException();
    }
    PasswordCheck check = check(user, next, policy, secondFactor);
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
  public TemporaryPassword issueTemporary(UserRef user) {
    Objects.requireNonNull(user, "user");
    Instant now = clock.instant();
    TemporaryPassword temporary = TemporaryPassword.generate(random, now.plus(temporaryLifetime));
    byte[] secret = PasswordText.utf8(temporary.reveal());
    try {
      store.put(new PasswordRecord(user.practice(), user.user(),
          Argon2id.hash(secret, params, random), now, true, Optional.of(temporary.expiresAt())));
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
  public boolean requiresChange(UserRef user) {
    Objects.requireNonNull(user, "user");
    return store.find(user.practice(), user.user()).map(PasswordRecord::temporary).orElse(false);
  }

  /** Whether the user has a password here. */
  public boolean hasPassword(UserRef user) {
    Objects.requireNonNull(user, "user");
    return store.find(user.practice(), user.user()).isPresent();
  }

  /**
   * Whether the engine forgets the user's remembered devices when they change their password
   * (an administrator's reset always does).
   */
  public boolean revokesDevicesOnChange() {
    return revokeDevicesOnChange;
  }

  /** The checker new passwords go through. */
  public PasswordChecker checker() {
    return checker;
  }

  private PasswordRecord verifiedRecord(UserRef user, Password password) {
    Objects.requireNonNull(user, "user");
    if (throttled(user)) {
      throw new RateLimitedException("too many wrong passwords; try again later",
          clock.instant().plus(failureWindow));
    }
    Optional<PasswordRecord> stored = store.find(user.practice(), user.user());
    byte[] secret = secretOf(password);
    if (secret == null) {
      countFailure(user);
      throw new PasswordRejectedException();
    }
    try {
      boolean ok = Argon2id.verify(secret, stored.map(PasswordRecord::hash).orElse(dummyHash()));
      if (!ok || stored.isEmpty()) {
        countFailure(user);
        throw new PasswordRejectedException();
      }
      if (expired(stored.get())) {
        throw new PasswordRejectedException();
      }
      return stored.get();
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private String failureKey(UserRef user) {
    return "password-failures:" + Tokens.base64Url(Tokens.sha256(
        user.practice().value() + "\u0000" + user.user().value()));
  }

  private boolean throttled(UserRef user) {
    return counters != null && counters.get(failureKey(user), clock.instant()) >= maxFailures;
  }

  private void countFailure(UserRef user) {
    if (counters != null) {
      Instant now = clock.instant();
      counters.increment(failureKey(user), now, now.plus(failureWindow));
    }
  }

  private List<String> contextWords(UserRef user) {
    List<String> words = new ArrayList<>();
    words.add(user.user().value());
    words.add(user.practice().value());
    PasswordContext extra = context.apply(user);
    if (extra != null) {
      words.addAll(extra.words());
    }
    return words;
  }

  private PasswordRecord permanent(UserRef user, Password password) {
    byte[] secret = secretOf(password);
    if (secret == null) {
      throw new InvalidInputException("the password is not well-formed Unicode");
    }
    try {
      return new PasswordRecord(user.practice(), user.user(), Argon2id.hash(secret, params, random),
          clock.instant(), false, Optional.empty());
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
        record.expires());
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
    private Function<UserRef, PasswordContext> context = user -> PasswordContext.none();
    private boolean revokeDevicesOnChange = true;
    private CounterStore counters;
    private int maxFailures;
    private Duration failureWindow;

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
     * Where the context words of a user come from (practice name, e-mail addresses); called for
     * every check. Default: none beyond the user id and practice id.
     */
    public Builder context(Function<UserRef, PasswordContext> context) {
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
     * Limits online guessing (NIST SP 800-63B-4 §3.2.2): once a user's password checks failed
     * {@code maxFailures} times within {@code window}, further checks are refused unchecked
     * ({@link PasswordOutcome#THROTTLED}, or {@link RateLimitedException} from {@link
     * Passwords#change}) until
     * the window ends. The counter lives in {@code counters}, so every node shares it.
     *
     * @param maxFailures 1 to 100
     * @param window 1 second to 1 day
     * @throws IllegalArgumentException if out of range
     */
    public Builder throttle(CounterStore counters, int maxFailures, Duration window) {
      Objects.requireNonNull(counters, "counters");
      Objects.requireNonNull(window, "window");
      if (maxFailures < 1 || maxFailures > 100) {
        throw new IllegalArgumentException("maxFailures must be 1 to 100");
      }
      if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("window must be 1 second to 1 day");
      }
      this.counters = counters;
      this.maxFailures = maxFailures;
      this.failureWindow = window;
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
