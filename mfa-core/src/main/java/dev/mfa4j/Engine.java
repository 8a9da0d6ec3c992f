package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditListener;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.SecurityListener;
import dev.mfa4j.spi.SecurityNotification;
import dev.mfa4j.spi.Settlement;
import dev.mfa4j.spi.UserSecurityState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's implementation, shared by its flows. Package-private. */
final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final int MAX_DETAILS = 16;
  private static final int MAX_DETAIL_CHARS = 256;

  final MfaEngine config;
  final MfaStore store;
  final Clock clock;
  final SecureRandom random;
  final BackupCodeBook backupCodes;
  final Ceremonies ceremonies;
  final Assurances assurances;
  private final Login login;
  private final StepUp stepUp;
  private final ThreadLocal<Unit> unit = new ThreadLocal<>();
  private final Map<PracticeId, CachedPolicy> policies =
      new java.util.concurrent.ConcurrentHashMap<>();

  Engine(MfaEngine config) {
    this.config = config;
    this.store = GuardedStore.wrap(config.store);
    this.clock = config.clock;
    this.random = config.random;
    this.backupCodes = new BackupCodeBook(store, config.backupCodeHasher, random);
    this.ceremonies = new Ceremonies(this);
    this.assurances = new Assurances(this);
    this.login = new Login(this);
    this.stepUp = new StepUp(this, login);
  }

  /**
   * What one unit of work holds back until it commits: the audit events not yet written (so that
   * a settlement can carry them in its batch), and the listener calls and notices, which must not
   * tell of anything that was then undone.
   */
  private static final class Unit {
    final List<AuditEvent> audit = new ArrayList<>();
    final List<Runnable> afterCommit = new ArrayList<>();
  }

  /**
   * Thrown inside a unit to undo it and still answer: {@link #atomically} rolls the store back and
   * returns {@code result}.
   */
  static final class Undo extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object result;

    Undo(Object result) {
      super(null, null, false, false);
      this.result = result;
    }
  }

  /**
   * Runs {@code work} as one unit of work on the store ({@link MfaStore#atomically}): everything
   * it writes, audit rows included, commits together or not at all; listeners and notices run
   * only after the commit. Inside another unit, joins it. {@link Undo} rolls back and answers.
   *
   * <p>When the store reports a transient conflict ({@link StoreException#retryable()}: a
   * serialization failure or deadlock, the unit rolled back entirely), the outermost unit runs
   * {@code work} again from the start, on fresh reads, after a short random pause: at most {@code
   * unitAttempts} runs in all (builder option, default 3), then the conflict is thrown. Each run
   * starts with nothing held back, so the audit events and listener calls of a run that rolled
   * back are dropped with it and nothing is told twice. A unit joined by an inner call is retried
   * only as a whole, by its outermost call. Work run here must therefore have no effect outside
   * the store before the commit (a message is sent outside any unit).
   */
  @SuppressWarnings("unchecked")
  <T> T atomically(java.util.function.Supplier<T> work) {
    if (unit.get() != null) {
      return work.get();
    }
    for (int attempt = 1; ; attempt++) {
      Unit u = new Unit();
      unit.set(u);
      T result;
      try {
        result = store.atomically(() -> {
          T r = work.get();
          flushAudit();
          return r;
        });
      } catch (Undo undo) {
        u.afterCommit.clear();
        result = (T) undo.result;
      } catch (StoreException e) {
        if (!e.retryable()) {
          throw e;
        }
        if (attempt >= config.unitAttempts) {
          LOG.warn("unit of work gave up after {} attempts on a store conflict: {}", attempt,
              e.getMessage());
          throw e;
        }
        LOG.debug("unit of work hit a store conflict (attempt {} of {}): {}", attempt,
            config.unitAttempts, e.getMessage());
        pause(attempt, e);
        continue;
      } finally {
        unit.remove();
      }
      for (Runnable r : u.afterCommit) {
        r.run();
      }
      return result;
    }
  }

  /**
   * Waits a random 0 to 5·2^(attempt−1) ms (at most 50 ms) before the next run of a unit, so that
   * units that conflicted do not meet again in lockstep. An interrupt ends the retries: the
   * conflict is thrown, the interrupt flag kept.
   */
  private static void pause(int attempt, StoreException conflict) {
    long bound = Math.min(50L, 5L << Math.min(attempt - 1, 4));
    long millis = java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw conflict;
    }
  }

  /** Writes the audit events the current unit holds back, chained. */
  private void flushAudit() {
    Unit u = unit.get();
    if (u != null && !u.audit.isEmpty()) {
      List<AuditEntry> entries = chain(u.audit);
      u.audit.clear();
      store.audit().append(entries);
    }
  }

  /**
   * Chains events onto their practices' audit chains: locks each practice's head (in practice
   * order, so two units never wait for each other in a cycle) and numbers the events after it, in
   * the order they happened. Inside a unit only; the heads stay locked until it ends.
   */
  private List<AuditEntry> chain(List<AuditEvent> events) {
    java.util.TreeMap<String, List<AuditEvent>> byPractice = new java.util.TreeMap<>();
    for (AuditEvent e : events) {
      byPractice.computeIfAbsent(e.practice().value(), k -> new ArrayList<>()).add(e);
    }
    List<AuditEntry> out = new ArrayList<>(events.size());
    for (List<AuditEvent> list : byPractice.values()) {
      AuditHead head = store.audit().head(list.get(0).practice());
      long seq = head.seq();
      String prev = head.digest();
      for (AuditEvent e : list) {
        AuditEntry entry = AuditEntry.chain(++seq, prev, e);
        prev = entry.digest();
        out.add(entry);
      }
    }
    return out;
  }

  /**
   * Settles an answer inside the current unit: the settlement carries the audit events held back
   * so far. If a conditional write did not hold (a race lost), the unit is undone and {@code
   * lost} is the answer.
   */
  void settle(java.util.function.Function<List<AuditEntry>, Settlement> settlement, Object lost) {
    Unit u = unit.get();
    if (u == null) {
      throw new IllegalStateException("settle outside a unit of work");
    }
    Settlement s = settlement.apply(u.audit.isEmpty() ? List.of() : chain(u.audit));
    u.audit.clear();
    if (!store.settle(s)) {
      throw new Undo(lost);
    }
  }

  LoginFlow login() {
    return login;
  }

  StepUpFlow stepUp() {
    return stepUp;
  }

  AccountSecurity account(UserRef user) {
    return new Account(this, user);
  }

  Administration admin(UserRef actor) {
    return new Admin(this, actor);
  }

  Instant now() {
    return clock.instant();
  }

  /** Rows one purge call deletes at most: small enough that no call holds its locks for long. */
  static final int PURGE_BATCH = 500;

  /** See {@link MfaEngine#purgeExpired()}. */
  ExpiredDataPurge purgeExpired() {
    Instant now = now();
    long challenges = drain(limit -> ceremonies.purgeExpired(now, limit));
    long counters = drain(limit -> store.counters().purgeExpired(now, limit));
    long devices = drain(limit -> store.devices().purgeExpired(now, limit));
    return new ExpiredDataPurge(challenges, counters, devices);
  }

  /** Calls {@code purge} with {@link #PURGE_BATCH} until a call deletes fewer; the sum. */
  private static long drain(java.util.function.IntUnaryOperator purge) {
    long total = 0;
    int n;
    do {
      n = purge.applyAsInt(PURGE_BATCH);
      total += n;
    } while (n >= PURGE_BATCH);
    return total;
  }

  private record CachedPolicy(PracticePolicy policy, long readAtNanos) {}

  /**
   * The practice's policy, else the engine's default; read at most once per {@code policyCache}
   * (builder option, default 5 seconds).
   */
  PracticePolicy policy(PracticeId practice) {
    long now = System.nanoTime();
    CachedPolicy c = policies.get(practice);
    if (c != null && now - c.readAtNanos() < config.policyCache.toNanos()) {
      return c.policy();
    }
    PracticePolicy p = store.policies().find(practice).orElse(config.defaultPolicy);
    if (!config.policyCache.isZero()) {
      policies.put(practice, new CachedPolicy(p, now));
    }
    return p;
  }

  /** Forgets the cached policy of the practice (it was just set through this engine). */
  void policyChanged(PracticeId practice) {
    policies.remove(practice);
  }

  Optional<FactorProvider> provider(FactorKind kind) {
    return Optional.ofNullable(config.providers.get(kind));
  }

  /** Whether the policy allows this kind for the user's audience and a provider is registered. */
  boolean usable(PracticePolicy policy, UserRef user, FactorKind kind) {
    return policy.methodsFor(user.audience()).contains(kind) && config.providers.containsKey(kind);
  }

  /** Whether two-factor is on: at least one active factor. */
  boolean twoFactorOn(UserRef user) {
    return store.factors().list(user.practice(), user.user()).stream()
        .anyMatch(f -> f.state() == FactorState.ACTIVE);
  }

  FactorSummary summary(FactorRecord f) {
    Map<String, String> display = provider(f.kind()).map(p -> p.display(f)).orElse(Map.of());
    return new FactorSummary(f.id(), f.kind(), f.label(), f.state(), f.failures(), f.created(),
        f.lastUsed(), display);
  }

  /** A fresh challenge of 256 random bits; the store keeps its SHA-256. */
  Issued issue(UserRef user, ChallengePurpose purpose, Optional<FactorId> factor, Duration lifetime,
      int maxAttempts) {
    ChallengeId id = ChallengeId.fromTrusted(Tokens.randomBase64Url(random, 32));
    Instant now = now();
    ChallengeRecord rec = new ChallengeRecord(id.hash(), user.practice(), user.user(), purpose,
        factor, now, now.plus(lifetime), 0, maxAttempts, Optional.empty());
    return new Issued(id, rec);
  }

  /** A challenge made but maybe not yet stored. */
  record Issued(ChallengeId id, ChallengeRecord record) {
    @Override
    public String toString() {
      return "Issued[" + record + "]";
    }
  }

  /**
   * The associated data binding a sealed secret to its owner and factor: practice, user, factor id
   * and kind, each length-prefixed.
   */
  static byte[] associatedData(FactorRecord f) {
    String[] parts = {f.practice().value(), f.user().value(), f.id().value(), f.kind().id()};
    int size = 0;
    byte[][] bytes = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = parts[i].getBytes(StandardCharsets.UTF_8);
      size += 4 + bytes[i].length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    for (byte[] b : bytes) {
      buf.putInt(b.length).put(b);
    }
    return buf.array();
  }

  private final java.util.concurrent.atomic.AtomicLong auditSequence =
      new java.util.concurrent.atomic.AtomicLong();

  /** Stores an audit event and hands it to the listeners. */
  void audit(PracticeId practice, Optional<UserId> subject, Optional<UserId> actor, AuditType type,
      AuditOutcome outcome, RequestContext request, Map<String, String> details) {
    Instant at = now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    AuditEvent event = new AuditEvent(auditId(at), at, practice, subject,
        actor, type, outcome, request.ip(), request.userAgent(), bounded(details));
    Unit u = unit.get();
    if (u != null) {
      u.audit.add(event);
      u.afterCommit.add(() -> tellAuditListeners(event));
      return;
    }
    // on its own: a unit of one event (its chain head is locked only for that)
    atomically(() -> {
      unit.get().audit.add(event);
      unit.get().afterCommit.add(() -> tellAuditListeners(event));
      return null;
    });
  }

  private void tellAuditListeners(AuditEvent event) {
    for (AuditListener l : config.auditListeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("audit listener {} failed on a {} event", l.getClass().getName(), event.type(),
            e);
      }
    }
  }

  /**
   * An audit id that sorts like the events happened on this engine: the time in microseconds and
   * a sequence number, both as fixed-width hex, then 64 random bits against collisions across
   * nodes. Stores break ties of equal timestamps by id, so one engine's events keep their order.
   */
  private String auditId(Instant at) {
    long micros = Math.multiplyExact(at.getEpochSecond(), 1_000_000L) + at.getNano() / 1_000;
    return String.format(java.util.Locale.ROOT, "%014x%08x", micros,
        auditSequence.getAndIncrement() & 0xffffffffL) + Tokens.randomBase64Url(random, 8);
  }

  /** At most 16 details, each value at most 256 characters (a provider may add its own). */
  private static Map<String, String> bounded(Map<String, String> details) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : details.entrySet()) {
      if (out.size() == MAX_DETAILS) {
        break;
      }
      String v = e.getValue();
      out.put(e.getKey(), v.length() > MAX_DETAIL_CHARS ? v.substring(0, MAX_DETAIL_CHARS) : v);
    }
    return out;
  }

  /** An event about the user, by the user. */
  void audit(UserRef user, AuditType type, AuditOutcome outcome, RequestContext request,
      Map<String, String> details) {
    audit(user.practice(), Optional.of(user.user()), Optional.empty(), type, outcome, request,
        details);
  }

  /** Tells the security listeners. */
  void notifyUser(NotificationType type, UserRef user, RequestContext request,
      Map<String, String> details) {
    SecurityNotification n = new SecurityNotification(type, user, now(), request.ip(),
        request.userAgent(), details);
    Unit u = unit.get();
    if (u != null) {
      u.afterCommit.add(() -> tellSecurityListeners(n));
      return;
    }
    tellSecurityListeners(n);
  }

  private void tellSecurityListeners(SecurityNotification n) {
    NotificationType type = n.type();
    for (SecurityListener l : config.securityListeners) {
      try {
        l.onNotification(n);
      } catch (RuntimeException e) {
        LOG.warn("security listener {} failed on a {} notice", l.getClass().getName(), type, e);
      }
    }
  }

  /**
   * Runs a password check under the user's lock (inside a unit): refused while the user is
   * locked; a {@link PasswordRejectedException} from {@code check} is audited and counted with
   * the user's failures (it may lock), and a {@link RateLimitedException} audited, before either
   * is thrown, after the unit committed.
   */
  <T> T passwordCheck(UserRef user, String action, RequestContext request,
      java.util.function.Supplier<T> check) {
    RuntimeException[] thrown = new RuntimeException[1];
    T result = atomically(() -> {
      thrown[0] = null; // a run retried after a store conflict decides afresh
      UserSecurityState s = store.users().lock(user.practice(), user.user());
      Instant now = now();
      Optional<Instant> locked = s.lockedUntil().filter(now::isBefore);
      if (locked.isPresent()) {
        audit(user, AuditType.PASSWORD_REJECTED, AuditOutcome.DENIED, request,
            Map.of("action", action, "reason", "locked"));
        thrown[0] = new RateLimitedException(
            RateLimitedException.Limit.ACCOUNT_LOCKED, "too many failures: try again later",
            locked.get());
        return null;
      }
      try {
        return check.get();
      } catch (PasswordRejectedException e) {
        audit(user, AuditType.PASSWORD_REJECTED, AuditOutcome.DENIED, request,
            Map.of("action", action));
        countUserFailure(user, policy(user.practice()), request);
        thrown[0] = e;
        return null;
      } catch (RateLimitedException e) {
        audit(user, AuditType.PASSWORD_REJECTED, AuditOutcome.DENIED, request,
            Map.of("action", action, "reason", "throttled"));
        thrown[0] = e;
        return null;
      }
    });
    if (thrown[0] != null) {
      throw thrown[0];
    }
    return result;
  }

  /**
   * The lock that the {@code n}-th consecutive failure earns, if any: every {@code
   * lockoutThreshold}-th failure locks the second step for {@code lockoutBase · 2^(k−1)}, at most
   * {@code lockoutMax}.
   */
  Optional<Instant> lockFor(int n, PracticePolicy policy) {
    if (n <= 0 || n % policy.lockoutThreshold() != 0) {
      return Optional.empty();
    }
    int k = n / policy.lockoutThreshold();
    Duration lock = policy.lockoutMax();
    if (k - 1 < 40) {
      Duration d = policy.lockoutBase().multipliedBy(1L << (k - 1));
      if (d.compareTo(lock) < 0) {
        lock = d;
      }
    }
    return Optional.of(now().plus(lock));
  }

  /** Audits and notifies a lock that a failure earned. */
  void lockedOut(UserRef user, int failures, Instant until, RequestContext request) {
    Map<String, String> details = Map.of("failures", Integer.toString(failures),
        "until", until.toString());
    audit(user, AuditType.LOCKED_OUT, AuditOutcome.DENIED, request, details);
    notifyUser(NotificationType.LOCKED_OUT, user, request, details);
  }

  /**
   * Counts one failure of the user (a wrong password where one is confirmed), inside a unit that
   * holds the user's lock, and locks when the count reaches a multiple of the threshold.
   *
   * @return the lock end if this failure locked the user
   */
  Optional<Instant> countUserFailure(UserRef user, PracticePolicy policy, RequestContext request) {
    int n = store.users().recordFailure(user.practice(), user.user());
    Optional<Instant> lock = lockFor(n, policy);
    if (lock.isEmpty()) {
      return Optional.empty();
    }
    Instant until = lock.get();
    store.users().lockUntil(user.practice(), user.user(), until);
    lockedOut(user, n, until, request);
    return Optional.of(until);
  }

  /** Forgets every remembered device of the user; audits if any went. */
  void revokeDevices(UserRef user, RequestContext request, String reason) {
    int n = store.devices().deleteAll(user.practice(), user.user());
    if (n > 0) {
      audit(user, AuditType.DEVICE_REVOKED, AuditOutcome.SUCCESS, request,
          Map.of("count", Integer.toString(n), "reason", reason));
    }
  }

  /** Issues a new set of backup codes, audited and notified. */
  BackupCodes issueBackupCodes(UserRef user, RequestContext request) {
    BackupCodes codes = backupCodes.issue(user, now());
    Map<String, String> details = Map.of("count", Integer.toString(codes.size()));
    audit(user, AuditType.BACKUP_CODES_ISSUED, AuditOutcome.SUCCESS, request, details);
    notifyUser(NotificationType.BACKUP_CODES_ISSUED, user, request, details);
    return codes;
  }

  /**
   * Turns two-factor off: deletes every factor, backup code and remembered device, and marks a
   * password shorter than the single-factor minimum for change at the next sign-in.
   *
   * @param actor the administrator, or empty when the user did it
   */
  void turnOff(UserRef user, Optional<UserId> actor, RequestContext request,
      Map<String, String> extra) {
    int factors = store.factors().deleteAll(user.practice(), user.user());
    store.backupCodes().deleteAll(user.practice(), user.user());
    store.devices().deleteAll(user.practice(), user.user());
    boolean mustChange = new PasswordFlow(this).twoFactorTurnedOff(user);
    Map<String, String> details = new LinkedHashMap<>(extra);
    details.put("factors", Integer.toString(factors));
    if (mustChange) {
      details.put("password_change_required", "true");
    }
    audit(user.practice(), Optional.of(user.user()), actor, AuditType.TWO_FACTOR_DISABLED,
        AuditOutcome.SUCCESS, request, details);
    notifyUser(NotificationType.TWO_FACTOR_DISABLED, user, request,
        actor.isPresent() ? Map.of("by", "administrator") : Map.of("by", "user"));
  }

  /**
   * Checks a label: 1 to 64 characters, not blank, no control characters and no invisible or
   * direction-changing characters (Unicode category Cf: U+200B–U+200F, U+202A–U+202E,
   * U+2060–U+2064, U+2066–U+2069, U+FEFF and the rest), so that a label cannot be made to read as
   * something else. This refuses zero-width joiners inside emoji sequences too.
   *
   * @throws InvalidInputException otherwise
   */
  static String checkLabel(String label) {
    java.util.Objects.requireNonNull(label, "label");
    String s = label.strip();
    if (s.isEmpty() || s.length() > FactorRecord.MAX_LABEL) {
      throw new InvalidInputException("label must be 1 to 64 characters");
    }
    checkNoControl(s, "label");
    return s;
  }

  /**
   * Refuses control characters (and line separators) and invisible or direction-changing
   * characters (Unicode category Cf) in free text from users.
   *
   * @throws InvalidInputException naming {@code what}, never quoting the text
   */
  static void checkNoControl(String s, String what) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw new InvalidInputException(what + " must not contain control characters");
      }
      if (Ids.invisibleOrDirectional(c)) {
        throw new InvalidInputException(what
            + " must not contain invisible or direction-changing characters");
      }
      i += Character.charCount(c);
    }
  }
}
