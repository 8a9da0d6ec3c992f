package dev.mfa4j;

import dev.mfa4j.spi.AuditListener;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PrimaryCredentials;
import dev.mfa4j.spi.SecretProtector;
import dev.mfa4j.spi.SecurityListener;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The entry point: one immutable engine per application, built once and shared by all threads.
 *
 * <pre>{@code
 * MfaEngine mfa = MfaEngine.builder()
 *     .store(store)                                  // InMemoryMfaStore or JdbcMfaStore
 *     .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
 *     .passwordVerifier(hostPasswords::matches)
 *     .factor(TotpFactor.builder().issuer("Sunrise Therapy").build())
 *     .build();
 * LoginStep step = mfa.login().afterPrimary(user, request);
 * }</pre>
 *
 * <p>Nothing is global: the engine holds its store, providers, clock and random source, and every
 * call goes through them.
 */
public final class MfaEngine {
  final MfaStore store;
  final SecretProtector protector;
  final PrimaryCredentials passwords;
  final Map<FactorKind, FactorProvider> providers;
  final Clock clock;
  final SecureRandom random;
  final List<AuditListener> auditListeners;
  final List<SecurityListener> securityListeners;
  final PracticePolicy defaultPolicy;
  final BackupCodeHasher backupCodeHasher;
  final java.time.Duration policyCache;
  final java.time.Period auditRetention;
  final java.util.Optional<AuditSigner> auditSigner;
  final int unitAttempts;
  private final Engine engine;
  private final AuditTrail auditTrail;

  private MfaEngine(Builder b) {
    this.store = b.store;
    this.protector = b.protector;
    this.passwords = b.passwords;
    this.providers = Map.copyOf(b.providers);
    this.clock = b.clock;
    this.random = b.random;
    this.auditListeners = List.copyOf(b.auditListeners);
    this.securityListeners = List.copyOf(b.securityListeners);
    this.defaultPolicy = b.defaultPolicy;
    this.backupCodeHasher = b.backupCodeHasher;
    this.policyCache = b.policyCache;
    this.auditRetention = b.auditRetention;
    this.auditSigner = java.util.Optional.ofNullable(b.auditSigner);
    this.unitAttempts = b.unitAttempts;
    this.engine = new Engine(this);
    this.auditTrail = new AuditTrail(engine);
  }

  /**
   * The audit trail's operations for the host's operators: verify a practice's hash chain, sign
   * checkpoints, export, and remove entries past the retention period. (A practice administrator
   * verifies and exports through {@link Administration}.)
   */
  public AuditTrail auditTrail() {
    return auditTrail;
  }

  /**
   * Deletes the data that has expired and serves no purpose any more: ceremonies (challenges and
   * their state) past their expiry, throttle counters whose window ended, and remembered devices
   * past their expiry. Nothing of it is needed afterwards: an expired ceremony cannot be answered,
   * an ended window counts 0, an expired device no longer skips the second step. The audit trail
   * is not touched (its retention is {@link AuditTrail#purgeExpired()}).
   *
   * <p>Schedule it, say every 15 minutes to hourly; on several nodes at once it is safe (each row
   * is deleted once). It deletes in batches of at most 500 rows, each its own short transaction,
   * until none is left, so a large backlog never holds locks for long; it runs outside any unit of
   * work.
   *
   * <pre>{@code
   * scheduler.scheduleWithFixedDelay(() -> {
   *   ExpiredDataPurge purged = mfa.purgeExpired();
   *   log.info("purged {}", purged);
   * }, 15, 15, TimeUnit.MINUTES);
   * }</pre>
   *
   * @return how many rows of each kind were deleted
   * @throws StoreException if the store fails (what was deleted before stays deleted; the next
   *     run carries on)
   */
  public ExpiredDataPurge purgeExpired() {
    return engine.purgeExpired();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The sign-in steps. */
  public LoginFlow login() {
    return engine.login();
  }

  /**
   * Step-up: fresh proof from a signed-in user before a sensitive action, and the freshness
   * check of a session's {@link Assurance} record.
   */
  public StepUpFlow stepUp() {
    return engine.stepUp();
  }

  /** The given signed-in user's own settings. */
  public AccountSecurity account(UserRef user) {
    Objects.requireNonNull(user, "user");
    return engine.account(user);
  }

  /**
   * The given administrator's actions. The actor is checked on every call, not here, so that a
   * refused attempt is audited.
   */
  public Administration admin(UserRef actor) {
    Objects.requireNonNull(actor, "actor");
    return engine.admin(actor);
  }

  /**
   * Sets a user's password without the current one: a new account, or the host's own recovery
   * flow once it has verified the user another way (an e-mailed link). The new password is
   * checked against the practice's rules (at least 15 characters while the user has no second
   * factor); if accepted it replaces any password, ends the password throttle of the account,
   * forgets the user's remembered devices, is audited ({@code PASSWORD_CHANGED}, {@code
   * via=host}) and, if it replaced one, notifies the user ({@code PASSWORD_CHANGED}). Use it for
   * every password set after the engine exists. Needs the {@link PrimaryCredentials#replace} and
   * {@link PrimaryCredentials#hasPassword} capabilities (the built-in {@code
   * dev.mfa4j.passwords.Passwords} has them).
   *
   * @return the verdict; stored exactly when accepted
   * @throws UnsupportedOperationException if the engine's credentials cannot replace a password
   */
  public dev.mfa4j.PasswordCheck setPassword(UserRef user, Password next,
      RequestContext request) {
    return new PasswordFlow(engine).set(user, next, request);
  }

  /** The kinds registered on this engine. */
  public Set<FactorKind> kinds() {
    return providers.keySet();
  }

  /** The engine's clock. */
  public Clock clock() {
    return clock;
  }

  /** Configures an {@link MfaEngine}. Store, secret protector and credentials are required. */
  public static final class Builder {
    private MfaStore store;
    private SecretProtector protector;
    private PrimaryCredentials passwords;
    private final Map<FactorKind, FactorProvider> providers = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private SecureRandom random;
    private final List<AuditListener> auditListeners = new ArrayList<>();
    private final List<SecurityListener> securityListeners = new ArrayList<>();
    private PracticePolicy defaultPolicy = PracticePolicy.defaults();
    private java.time.Duration policyCache = java.time.Duration.ofSeconds(5);
    private java.time.Period auditRetention = java.time.Period.ofYears(6);
    private AuditSigner auditSigner;
    private int unitAttempts = 3;
    private BackupCodeHasher backupCodeHasher = BackupCodeHasher.owasp();

    private Builder() {}

    /** Where everything is kept. Required. */
    public Builder store(MfaStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Encrypts factor secrets at rest. Required. */
    public Builder secretProtector(SecretProtector protector) {
      this.protector = Objects.requireNonNull(protector, "protector");
      return this;
    }

    /**
     * The users' passwords. Required (this or {@link #passwordVerifier}). The engine verifies
     * them before sensitive changes, and runs the password change, forced change and
     * administrator's reset through the capabilities {@code credentials} implements: the built-in
     * {@code dev.mfa4j.passwords.Passwords} (module {@code mfa-passwords}) implements all of them,
     * and so may the host's own password table (see {@link PrimaryCredentials}).
     */
    public Builder primaryCredentials(PrimaryCredentials credentials) {
      this.passwords = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * The same as {@link #primaryCredentials}, named for a host that can only check a password:
     * {@code .passwordVerifier(users::matches)}. Such an engine confirms sensitive changes with
     * it, never requires a password change, and its password change, {@link
     * MfaEngine#setPassword} and administrator's reset throw {@link
     * UnsupportedOperationException}.
     */
    public Builder passwordVerifier(PrimaryCredentials verifier) {
      return primaryCredentials(verifier);
    }

    /**
     * Registers a factor provider.
     *
     * @throws IllegalArgumentException if a provider of the same kind is registered already
     */
    public Builder factor(FactorProvider provider) {
      Objects.requireNonNull(provider, "provider");
      if (provider.kind().equals(FactorKind.BACKUP_CODE)) {
        throw new IllegalArgumentException("backup codes are built in");
      }
      if (providers.putIfAbsent(provider.kind(), provider) != null) {
        throw new IllegalArgumentException("two providers for kind " + provider.kind().id());
      }
      return this;
    }

    /** The clock (default: UTC system clock). Tests move a mutable clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The random source (default: a new {@link SecureRandom}). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Adds an audit listener (e.g. {@link Slf4jAuditListener}). */
    public Builder auditListener(AuditListener listener) {
      auditListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds a security-notice listener (send the user an e-mail). */
    public Builder securityListener(SecurityListener listener) {
      securityListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The policy of practices that never set one (default {@link PracticePolicy#defaults()}). */
    public Builder defaultPolicy(PracticePolicy policy) {
      this.defaultPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How backup codes are hashed (default Argon2id at OWASP's parameters). Tests may lower the
     * cost; production must not.
     */
    public Builder backupCodeHasher(BackupCodeHasher hasher) {
      this.backupCodeHasher = Objects.requireNonNull(hasher, "hasher");
      return this;
    }

    /**
     * How long an engine may use a practice policy it read before reading it again (default 5
     * seconds; {@link java.time.Duration#ZERO} reads it at every step). A policy set through this
     * engine's {@link Administration#setPolicy} applies at once here; other nodes see it within
     * this bound. At most 1 minute.
     *
     * @throws IllegalArgumentException if negative or above 1 minute
     */
    public Builder policyCache(java.time.Duration staleness) {
      Objects.requireNonNull(staleness, "staleness");
      if (staleness.isNegative() || staleness.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("policy cache must be 0 to 1 minute");
      }
      this.policyCache = staleness;
      return this;
    }

    /**
     * How long audit entries are kept before {@link AuditTrail#purgeExpired()} removes them
     * (default 6 years, HIPAA's §164.316(b)(2) period for documentation). At least 1 year.
     *
     * @throws IllegalArgumentException if shorter than 1 year or negative
     */
    public Builder auditRetention(java.time.Period retention) {
      Objects.requireNonNull(retention, "retention");
      java.time.Instant t = java.time.Instant.parse("2000-01-01T00:00:00Z");
      if (retention.isNegative() || t.atZone(java.time.ZoneOffset.UTC).plus(retention)
          .toInstant().isBefore(t.atZone(java.time.ZoneOffset.UTC).plusYears(1).toInstant())) {
        throw new IllegalArgumentException("audit retention must be at least 1 year");
      }
      this.auditRetention = retention;
      return this;
    }

    /**
     * The key that signs audit checkpoints ({@link AuditTrail#checkpoint}); without one, no
     * checkpoints are made. Use a key of its own, not a secret-protection key.
     */
    public Builder auditSigner(AuditSigner signer) {
      this.auditSigner = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * How many times in all a unit of work (one answer, one enrollment step, one administrative
     * change) runs when the store reports a transient conflict ({@link StoreConflictException}:
     * a serialization failure or deadlock, after which nothing of the unit was written). Default
     * 3; 1 turns retries off. Each run re-reads everything and decides afresh, after a random
     * pause of at most 50 ms; after the last, the conflict is thrown (fail closed). A commit whose
     * outcome is unknown ({@link StoreOutcomeUnknownException}) is never retried.
     *
     * @throws IllegalArgumentException if not 1 to 10
     */
    public Builder unitAttempts(int attempts) {
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException("unit attempts must be 1 to 10");
      }
      this.unitAttempts = attempts;
      return this;
    }

    /**
     * Builds the engine.
     *
     * @throws IllegalStateException if store, secret protector or password verifier is missing
     */
    public MfaEngine build() {
      if (store == null) {
        throw new IllegalStateException("store is required");
      }
      if (protector == null) {
        throw new IllegalStateException("secretProtector is required");
      }
      if (passwords == null) {
        throw new IllegalStateException("primaryCredentials (or passwordVerifier) is required");
      }
      if (random == null) {
        random = new SecureRandom();
      }
      return new MfaEngine(this);
    }
  }
}
