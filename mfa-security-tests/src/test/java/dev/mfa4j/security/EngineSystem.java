package dev.mfa4j.security;

import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.NotFoundException;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.StoreException;
import dev.mfa4j.TwoFactorRequirement;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.totp.TotpParameters;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.statistics.Statistics;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Two engines over one {@link InMemoryMfaStore} (behind a {@link FaultyStore}), one secret key and
 * one {@link MutableClock}, beside a reference model of what they must do. Each action calls an
 * engine, compares the answer with the model's prediction and the safety rules, then updates the
 * model; {@link #checkInvariants} compares the store with the model after every action.
 *
 * <p>All users are staff of one practice; TOTP is the only factor kind with a provider, so a
 * policy "allows TOTP" or it does not. Single-threaded.
 */
final class EngineSystem {
  static final String PASSWORD = SecurityFixture.PASSWORD;
  static final String WRONG_PASSWORD = "wrong horse battery staple";
  static final Instant START = SecurityFixture.START;
  static final Duration ENROLLMENT_LIFETIME = PracticePolicy.MAX_CODE_LIFETIME;

  /** The policy both engines start with (nothing stored yet). */
  static final PracticePolicy INITIAL_POLICY = PracticePolicy.builder()
      .staffMethods(Set.of(FactorKind.TOTP, FactorKind.BACKUP_CODE))
      .lockout(3, Duration.ofSeconds(30), Duration.ofMinutes(4))
      .maxAttemptsPerChallenge(3)
      .factorFailureLimit(5)
      .build();

  /** A fault to inject into the next call: {@code skip} store calls pass, then {@code count} fail. */
  record Fault(int skip, int count) {
    static final Fault NONE = new Fault(-1, 0);

    boolean armed() {
      return skip >= 0;
    }

    @Override
    public String toString() {
      return armed() ? ", fault after " + skip + " calls x" + count : "";
    }
  }

  /** How a TOTP answer is made. */
  enum Code { CURRENT, NEXT, PREVIOUS, LAST_ACCEPTED, WRONG, MALFORMED }

  /** How a backup-code answer is made. */
  enum Backup { UNUSED, SPENT, FOREIGN, MALFORMED }

  enum Purpose { SIGN_IN, SIGN_IN_ENROLLMENT }

  static final class FactorModel {
    final FactorId id;
    final byte[] key;
    final TotpParameters params;
    boolean active = true;
    long counter;
    int failures;

    FactorModel(FactorId id, byte[] key, TotpParameters params, long counter) {
      this.id = id;
      this.key = key;
      this.params = params;
      this.counter = counter;
    }

    @Override
    public String toString() {
      return id.value() + (active ? "" : "(disabled)") + "@" + counter + "/f" + failures;
    }
  }

  static final class UserModel {
    final int index;
    final UserRef ref;
    final LinkedHashMap<FactorId, FactorModel> factors = new LinkedHashMap<>();
    final List<String> unusedCodes = new ArrayList<>();
    final List<String> spentCodes = new ArrayList<>();
    int failures;
    Optional<Instant> lockedUntil = Optional.empty();

    UserModel(int index, UserRef ref) {
      this.index = index;
      this.ref = ref;
    }

    List<FactorModel> active() {
      return factors.values().stream().filter(f -> f.active).toList();
    }

    @Override
    public String toString() {
      return "u" + index + factors.values() + " codes=" + unusedCodes.size() + " failures="
          + failures + " lock=" + lockedUntil.map(Instant::toString).orElse("-");
    }
  }

  static final class Session {
    final int number;
    final ChallengeId id;
    final int user;
    final Purpose purpose;
    final Instant created;
    final Instant expires;
    final int maxAttempts;
    int attempts;
    boolean consumed;

    Session(int number, ChallengeId id, int user, Purpose purpose, Instant created,
        Instant expires, int maxAttempts) {
      this.number = number;
      this.id = id;
      this.user = user;
      this.purpose = purpose;
      this.created = created;
      this.expires = expires;
      this.maxAttempts = maxAttempts;
    }

    @Override
    public String toString() {
      return "s" + number + "(u" + user + " " + purpose + " " + attempts + "/" + maxAttempts
          + (consumed ? " consumed" : "") + " expires " + expires + ")";
    }
  }

  static final class Enrollment {
    final int number;
    final ChallengeId ceremony;
    final FactorId factor;
    final int user;
    final byte[] key;
    final TotpParameters params;
    final Instant created;
    final Instant expires;
    final int maxAttempts;
    int attempts;
    boolean consumed;
    boolean pendingGone;
    boolean completedSignIn;

    Enrollment(int number, ChallengeId ceremony, FactorId factor, int user, byte[] key,
        TotpParameters params, Instant created, int maxAttempts) {
      this.number = number;
      this.ceremony = ceremony;
      this.factor = factor;
      this.user = user;
      this.key = key;
      this.params = params;
      this.created = created;
      this.expires = created.plus(ENROLLMENT_LIFETIME);
      this.maxAttempts = maxAttempts;
    }

    @Override
    public String toString() {
      return "e" + number + "(u" + user + " " + factor.value() + " " + attempts + "/"
          + maxAttempts + (consumed ? " consumed" : "") + (pendingGone ? " gone" : "") + ")";
    }
  }

  /** What an engine call did: a value, an exception, or an injected fault surfaced. */
  record Result<T>(T value, RuntimeException thrown, boolean faulted) {}

  final InMemoryMfaStore memory = new InMemoryMfaStore();
  final FaultyStore store = new FaultyStore(memory);
  final MutableClock clock = MutableClock.at(START);
  final List<MfaEngine> engines = new ArrayList<>();
  final List<UserModel> users = new ArrayList<>();
  final UserRef admin = UserRef.admin("sunrise", "a-1");
  final PracticeId practice = admin.practice();
  final RequestContext request = RequestContext.of("127.0.0.1", "Stateful/1.0");
  final SecureRandom random;

  PracticePolicy policy = INITIAL_POLICY;
  final List<Session> sessions = new ArrayList<>();
  final List<Enrollment> enrollments = new ArrayList<>();
  /** Every factor id ever enrolled (of any user, removed or not), to answer with. */
  final List<FactorId> factorIds = new ArrayList<>();
  /** Every backup code ever shown (of any user). */
  final List<String> allCodes = new ArrayList<>();
  /** Accepted TOTP steps ("factor@step") and backup codes: each at most once. */
  final Set<String> acceptedSteps = new HashSet<>();
  final Set<String> acceptedCodes = new HashSet<>();
  /** The actions so far with what they returned, for failure messages. */
  final List<String> trace = new ArrayList<>();
  int steps;

  EngineSystem(long seed) {
    try {
      random = SecureRandom.getInstance("SHA1PRNG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    random.setSeed(seed);
    byte[] key = new byte[32];
    random.nextBytes(key);
    for (int i = 0; i < 2; i++) {
      SecureRandom engineRandom;
      try {
        engineRandom = SecureRandom.getInstance("SHA1PRNG");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      engineRandom.setSeed(seed * 31 + i);
      engines.add(MfaEngine.builder()
          .store(store)
          .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
          .passwordVerifier((u, p) -> MessageDigest.isEqual(
              PASSWORD.getBytes(StandardCharsets.UTF_8),
              new String(p.chars()).getBytes(StandardCharsets.UTF_8)))
          .clock(clock)
          .random(engineRandom)
          .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
          .defaultPolicy(INITIAL_POLICY)
          .policyCache(Duration.ZERO)
          .factor(TotpFactor.builder().issuer("Sunrise Therapy").build())
          .build());
    }
    users.add(new UserModel(0, UserRef.staff("sunrise", "u-1")));
    users.add(new UserModel(1, UserRef.staff("sunrise", "u-2")));
  }

  // ---------------------------------------------------------------- model helpers

  Instant now() {
    return clock.instant();
  }

  boolean totpAllowed() {
    return policy.staffMethods().contains(FactorKind.TOTP);
  }

  boolean backupAllowed() {
    return policy.staffMethods().contains(FactorKind.BACKUP_CODE);
  }

  Optional<Instant> activeLock(UserModel u) {
    return u.lockedUntil.filter(now()::isBefore);
  }

  /**
   * Counts a failure in the model: every {@code lockoutThreshold}-th consecutive failure locks for
   * {@code lockoutBase · 2^(k−1)}, at most {@code lockoutMax}; a lock never shortens.
   */
  Optional<Instant> countFailure(UserModel u) {
    u.failures++;
    int n = u.failures;
    if (n % policy.lockoutThreshold() != 0) {
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
    Instant until = now().plus(lock);
    if (u.lockedUntil.isEmpty() || u.lockedUntil.get().isBefore(until)) {
      u.lockedUntil = Optional.of(until);
    }
    return Optional.of(until);
  }

  static void signedIn(UserModel u) {
    u.failures = 0;
    u.lockedUntil = Optional.empty();
  }

  /** Two-factor off: every factor (pending ones too), backup code and device goes. */
  void turnOff(UserModel u) {
    u.factors.clear();
    u.unusedCodes.clear();
    for (Enrollment e : enrollments) {
      if (e.user == u.index) {
        e.pendingGone = true;
      }
    }
  }

  static String totp(byte[] key, TotpParameters p, long step) {
    return Otp.totp(key, Instant.ofEpochSecond(step * p.periodSeconds()), p);
  }

  /** The step a TOTP code is accepted for now, if any (RFC 6238: in the window, after the last). */
  Optional<Long> freshStep(FactorModel f, String typed) {
    if (!typed.matches("[0-9]{" + f.params.digits() + "}")) {
      return Optional.empty();
    }
    long current = f.params.step(now());
    for (int off = -policy.totpWindow(); off <= policy.totpWindow(); off++) {
      long step = current + off;
      if (step > f.counter && totp(f.key, f.params, step).equals(typed)) {
        return Optional.of(step);
      }
    }
    return Optional.empty();
  }

  /** A six-digit code that matches no step within the widest window of now. */
  String wrongCode(byte[] key, TotpParameters p, int seed) {
    long current = p.step(now());
    int n = Math.floorMod(seed, 1_000_000);
    while (true) {
      String c = String.format(Locale.ROOT, "%06d", n);
      boolean matches = false;
      for (int off = -3; off <= 3 && key != null; off++) {
        matches |= totp(key, p, current + off).equals(c);
      }
      if (!matches) {
        return c;
      }
      n = (n + 1) % 1_000_000;
    }
  }

  String typedCode(Optional<FactorModel> f, Code kind, int seed) {
    if (kind == Code.MALFORMED) {
      return seed % 2 == 0 ? "12345" : "12a456";
    }
    if (f.isEmpty()) {
      return wrongCode(null, TotpParameters.DEFAULTS, seed);
    }
    FactorModel m = f.get();
    long current = m.params.step(now());
    switch (kind) {
      case CURRENT:
        return totp(m.key, m.params, current);
      case NEXT:
        return totp(m.key, m.params, current + 1);
      case PREVIOUS:
        return totp(m.key, m.params, current - 1);
      case LAST_ACCEPTED:
        return totp(m.key, m.params, m.counter);
      default:
        return wrongCode(m.key, m.params, seed);
    }
  }

  static <T> T pickFromEnd(List<T> list, int pick) {
    return list.get(list.size() - 1 - Math.floorMod(pick, list.size()));
  }

  /**
   * A session to answer: of the given purpose, from the latest; a large pick takes any session
   * (another purpose, perhaps).
   */
  Session session(Purpose purpose, int pick) {
    List<Session> of = sessions.stream().filter(s -> s.purpose == purpose).toList();
    return pickFromEnd(of.isEmpty() || pick > 100 ? sessions : of, pick);
  }

  /** A factor to answer with: the user's own (disabled ones too), or for a large pick any id. */
  FactorId factor(UserModel u, int pick) {
    if (factorIds.isEmpty()) {
      return FactorId.of("AAAAAAAAAAAAAAAAAAAAAA");
    }
    List<FactorId> own = List.copyOf(u.factors.keySet());
    return pickFromEnd(own.isEmpty() || pick > 100 ? factorIds : own, pick);
  }

  MfaEngine engine(int e) {
    return engines.get(e);
  }

  // ---------------------------------------------------------------- running a call

  private AssertionError fail(String message) {
    return fail(message, null);
  }

  private AssertionError fail(String message, Throwable cause) {
    StringBuilder sb = new StringBuilder(message).append("\n  at ").append(now())
        .append("\n  policy: ").append(describe(policy)).append("\n  model:");
    users.forEach(u -> sb.append("\n    ").append(u));
    sb.append("\n  trace (latest last):");
    trace.subList(Math.max(0, trace.size() - 25), trace.size())
        .forEach(t -> sb.append("\n    ").append(t));
    return new AssertionError(sb.toString(), cause);
  }

  private void note(String what, Object result) {
    trace.add(++steps + ". [" + now() + "] " + what + " -> " + result);
    String action = what.contains("(") ? what.substring(0, what.indexOf('(')) : "clock";
    String outcome = result instanceof Throwable t ? t.getClass().getSimpleName()
        : result instanceof String str && str.startsWith("StoreException") ? "StoreException"
        : result instanceof LoginStep.Rejected rj ? "Rejected " + rj.reason()
        : result instanceof EnrollmentOutcome.Rejected rj ? "Rejected " + rj.reason()
        : result == null ? "null" : result.getClass().getSimpleName();
    Statistics.label("outcomes").collect(action + " -> " + outcome);
  }

  /**
   * Runs one engine call, with the fault armed if any. A fault must surface as {@link
   * StoreException} and leave everything observable as it was.
   */
  private <T> Result<T> run(String what, Fault fault, Supplier<T> call) {
    List<String> before = fault.armed() ? snapshot() : null;
    if (fault.armed()) {
      store.arm(fault.skip(), fault.count());
    }
    try {
      T value = call.get();
      int fired = store.disarm();
      if (fired > 0) {
        note(what + fault, value);
        throw fail("invariant 'store faults fail closed': the fault at " + store.firstFault()
            + " was swallowed; the call returned " + value);
      }
      return new Result<>(value, null, false);
    } catch (StoreException e) {
      int fired = store.disarm();
      note(what + fault, "StoreException at " + store.firstFault());
      if (fired == 0) {
        throw fail("StoreException without an injected fault", e);
      }
      List<String> after = snapshot();
      if (!after.equals(before)) {
        throw fail("invariant 'a fault leaves nothing half-done': the fault at "
            + store.firstFault() + " during " + what + " changed the store:\n"
            + diff(before, after), e);
      }
      return new Result<>(null, e, true);
    } catch (RuntimeException e) {
      int fired = store.disarm();
      if (fired > 0) {
        note(what + fault, e);
        throw fail("invariant 'store faults fail closed': the fault at " + store.firstFault()
            + " surfaced as " + e.getClass().getName() + ", not StoreException", e);
      }
      return new Result<>(null, e, false);
    }
  }

  private static String diff(List<String> before, List<String> after) {
    StringBuilder sb = new StringBuilder();
    Set<String> a = new HashSet<>(after);
    Set<String> b = new HashSet<>(before);
    before.stream().filter(l -> !a.contains(l)).forEach(l -> sb.append("    - ").append(l)
        .append('\n'));
    after.stream().filter(l -> !b.contains(l)).forEach(l -> sb.append("    + ").append(l)
        .append('\n'));
    return sb.toString();
  }

  /** The value of a call that the model says must return normally. */
  private <T> T value(String what, Result<T> r) {
    if (r.thrown() != null) {
      note(what, r.thrown());
      throw fail(what + " threw " + r.thrown(), r.thrown());
    }
    note(what, r.value());
    return r.value();
  }

  /** Asserts a call threw {@code type}. */
  private void threw(String what, Result<?> r, Class<? extends RuntimeException> type) {
    note(what, r.thrown() != null ? r.thrown() : r.value());
    if (r.thrown() == null || !type.isInstance(r.thrown())) {
      throw fail(what + ": expected " + type.getSimpleName() + " but got "
          + (r.thrown() != null ? r.thrown() : r.value()), r.thrown());
    }
  }

  /**
   * Everything observable about the practice, as lines: each user's non-pending factors, backup
   * codes, state, devices; every known ceremony; the policy; the practice's audit log (newest 500
   * ids). Read from the store underneath, so reading injects no fault.
   */
  List<String> snapshot() {
    List<String> out = new ArrayList<>();
    for (UserModel u : users) {
      String p = "u" + u.index + " ";
      memory.factors().list(practice, u.ref.user()).stream()
          .filter(f -> f.state() != FactorState.PENDING)
          .forEach(f -> out.add(p + "factor " + f.id().value() + " " + f.state() + " counter="
              + f.counter() + " failures=" + f.failures() + " lastUsed=" + f.lastUsed()
              + " label=" + f.label()));
      out.add(p + "backup unused=" + memory.backupCodes().countUnused(practice, u.ref.user()));
      for (String code : allCodes) {
        memory.backupCodes().find(practice, u.ref.user(), code.substring(0, code.indexOf('-')))
            .ifPresent(c -> out.add(p + "backup " + c.lookupId() + " used=" + c.used()));
      }
      UserSecurityState s = memory.users().find(practice, u.ref.user())
          .orElse(UserSecurityState.initial(practice, u.ref.user()));
      out.add(p + "state failures=" + s.consecutiveFailures() + " locked=" + s.lockedUntil()
          + " lastSignIn=" + s.lastSignIn() + " grace=" + s.graceSignIns() + "/"
          + s.graceStarted());
      out.add(p + "devices=" + memory.devices().list(practice, u.ref.user()).size());
    }
    for (Session s : sessions) {
      out.add("session " + s.number + " " + memory.challenges().find(s.id.hash())
          .map(c -> c.attempts() + " consumed=" + c.consumed()).orElse("none"));
    }
    for (Enrollment e : enrollments) {
      out.add("enrollment " + e.number + " " + memory.challenges().find(e.ceremony.hash())
          .map(c -> c.attempts() + " consumed=" + c.consumed()).orElse("none")
          + " mark=" + memory.challenges().state(e.ceremony.hash(), "mfa4j|completed_sign_in"));
    }
    out.add("policy " + memory.policies().find(practice));
    List<AuditEvent> audit = memory.audit().find(new AuditQuery(practice, Optional.empty(),
        Optional.empty(), 500));
    out.add("audit newest " + audit.size() + ": " + audit.stream()
        .map(a -> a.type() + "/" + a.id()).collect(Collectors.joining(",")));
    return out;
  }

  // ---------------------------------------------------------------- actions

  /** Step 1 of a sign-in: the host checked the password. */
  void signIn(int e, int user, Fault fault) {
    UserModel u = users.get(user);
    String what = "afterPrimary(e" + e + ", u" + user + ")";
    Result<LoginStep> r = run(what, fault, () -> engine(e).login().afterPrimary(u.ref, request));
    if (r.faulted()) {
      return;
    }
    LoginStep step = value(what, r);
    if (step instanceof LoginStep.Authenticated && !u.factors.isEmpty()) {
      throw fail("invariant 'no password-only sign-in after two-factor': " + what
          + " is Authenticated but the user has factors " + u.factors.values());
    }
    Optional<Instant> lock = activeLock(u);
    if (lock.isPresent()) {
      expectLocked(what, step, lock.get());
      return;
    }
    List<FactorModel> usable = totpAllowed() ? u.active() : List.of();
    if (usable.isEmpty() && u.factors.isEmpty()) {
      if (!policy.requires(u.ref)) {
        if (!(step instanceof LoginStep.Authenticated a) || a.method().isPresent()
            || a.viaRememberedDevice()) {
          throw fail(what + ": expected Authenticated without a method, got " + step);
        }
        signedIn(u);
      } else {
        expectEnrollmentRequired(what, step, u);
      }
      return;
    }
    List<FactorModel> methods = usable.isEmpty()
        ? (totpAllowed() ? List.of() : u.active())
        : usable;
    if (!(step instanceof LoginStep.SecondFactorRequired s)) {
      throw fail(what + ": expected SecondFactorRequired, got " + step);
    }
    Set<FactorId> expected = methods.stream().map(f -> f.id).collect(Collectors.toSet());
    Set<FactorId> got = s.methods().stream().map(FactorSummary::id).collect(Collectors.toSet());
    int backup = backupAllowed() ? u.unusedCodes.size() : 0;
    if (!got.equals(expected) || s.methods().size() != expected.size()
        || s.backupCodesRemaining() != backup
        || !s.expiresAt().equals(now().plus(policy.challengeLifetime()))) {
      throw fail(what + ": expected methods " + expected + ", " + backup + " backup codes, expiry "
          + now().plus(policy.challengeLifetime()) + "; got " + step);
    }
    sessions.add(new Session(sessions.size(), s.challenge(), user, Purpose.SIGN_IN, now(),
        s.expiresAt(), policy.maxAttemptsPerChallenge()));
  }

  private void expectLocked(String what, LoginStep step, Instant until) {
    if (!(step instanceof LoginStep.Locked l) || !l.until().equals(until)) {
      throw fail(what + ": expected Locked until " + until + ", got " + step);
    }
  }

  private void expectRejected(String what, LoginStep step, LoginStep.Reason reason) {
    if (!(step instanceof LoginStep.Rejected r) || r.reason() != reason) {
      throw fail(what + ": expected Rejected(" + reason + "), got " + step);
    }
  }

  private void expectEnrollmentRequired(String what, LoginStep step, UserModel u) {
    if (!(step instanceof LoginStep.EnrollmentRequired er)) {
      throw fail(what + ": expected EnrollmentRequired, got " + step);
    }
    List<FactorKind> allowed = totpAllowed() ? List.of(FactorKind.TOTP) : List.of();
    if (!er.allowedMethods().equals(allowed)
        || !er.expiresAt().equals(now().plus(ENROLLMENT_LIFETIME))) {
      throw fail(what + ": expected EnrollmentRequired allowing " + allowed + ", got " + step);
    }
    sessions.add(new Session(sessions.size(), er.challenge(), u.index,
        Purpose.SIGN_IN_ENROLLMENT, now(), er.expiresAt(), 1));
  }

  /** Why the session cannot be answered by this user with this purpose, if it cannot. */
  private Optional<LoginStep.Reason> closed(Session s, int user, Purpose purpose) {
    if (s.user != user || s.purpose != purpose) {
      return Optional.of(LoginStep.Reason.INVALID_CHALLENGE);
    }
    if (s.consumed) {
      return Optional.of(LoginStep.Reason.ALREADY_COMPLETE);
    }
    if (!now().isBefore(s.expires)) {
      return Optional.of(LoginStep.Reason.EXPIRED);
    }
    if (s.attempts >= s.maxAttempts) {
      return Optional.of(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    return Optional.empty();
  }

  /** Step 2 with a TOTP code. */
  void answerCode(int e, int sessionPick, int factorPick, Code kind, int seed, boolean asOther,
      Fault fault) {
    if (sessions.isEmpty()) {
      return;
    }
    Session s = session(Purpose.SIGN_IN, sessionPick);
    int user = asOther ? 1 - s.user : s.user;
    UserModel u = users.get(user);
    FactorId id = factor(u, factorPick);
    Optional<FactorModel> f = Optional.ofNullable(u.factors.get(id));
    String typed = typedCode(f, kind, seed);
    String what = "verify(e" + e + ", u" + user + ", s" + s.number + ", code " + kind + " for "
        + id.value() + ")";
    Result<LoginStep> r = run(what, fault, () -> engine(e).login().verify(u.ref, s.id,
        Answer.code(id, typed), RememberDevice.NO, request));
    if (r.faulted()) {
      return;
    }
    LoginStep step = value(what, r);
    Optional<FactorModel> answering = f.filter(m -> m.active);
    Optional<Long> fresh = answering.flatMap(m -> freshStep(m, typed));
    boolean grants = step instanceof LoginStep.Authenticated
        || step instanceof LoginStep.EnrollmentRequired;
    if (grants) {
      if (kind == Code.LAST_ACCEPTED && f.isPresent() && fresh.isEmpty()) {
        throw fail("invariant 'a TOTP step is accepted once': the replayed code of step "
            + f.get().counter + " passed: " + what + " -> " + step);
      }
      if (fresh.isEmpty()) {
        throw fail("invariant 'no sign-in without a correct second factor': " + what + " -> "
            + step);
      }
      if (s.consumed) {
        throw fail("invariant 'a challenge completes once': " + what + " -> " + step);
      }
      if (acceptedSteps.contains(id.value() + "@" + fresh.get())) {
        throw fail("invariant 'a TOTP step is accepted once': " + what + " -> " + step);
      }
    }
    Optional<LoginStep.Reason> closed = closed(s, user, Purpose.SIGN_IN);
    if (closed.isPresent()) {
      expectRejected(what, step, closed.get());
      return;
    }
    Optional<Instant> lock = activeLock(u);
    if (lock.isPresent()) {
      expectLocked(what, step, lock.get());
      return;
    }
    if (answering.isEmpty()) {
      refused(what, step, s, u, Optional.empty());
      return;
    }
    FactorModel m = answering.get();
    if (fresh.isEmpty()) {
      refused(what, step, s, u, Optional.of(m));
      return;
    }
    s.attempts++;
    s.consumed = true;
    m.counter = fresh.get();
    m.failures = 0;
    acceptedSteps.add(id.value() + "@" + fresh.get());
    if (!totpAllowed()) {
      expectEnrollmentRequired(what, step, u);
      return;
    }
    if (!(step instanceof LoginStep.Authenticated a)
        || !a.method().equals(Optional.of(FactorKind.TOTP)) || a.viaRememberedDevice()) {
      throw fail(what + ": expected Authenticated by TOTP, got " + step);
    }
    signedIn(u);
  }

  /** A refused answer in the model: an attempt, a failure of the user and of the factor. */
  private void refused(String what, LoginStep step, Session s, UserModel u,
      Optional<FactorModel> factor) {
    s.attempts++;
    factor.ifPresent(f -> {
      f.failures++;
      if (f.failures >= policy.factorFailureLimit()) {
        f.active = false;
      }
    });
    Optional<Instant> lock = countFailure(u);
    if (lock.isPresent()) {
      expectLocked(what, step, lock.get());
      return;
    }
    int left = s.maxAttempts - s.attempts;
    if (left <= 0) {
      expectRejected(what, step, LoginStep.Reason.ATTEMPTS_EXHAUSTED);
      return;
    }
    if (!(step instanceof LoginStep.Retry r) || r.attemptsLeft() != left
        || !r.challenge().equals(s.id)) {
      throw fail(what + ": expected Retry with " + left + " left, got " + step);
    }
  }

  /** Step 2 with a backup code. */
  void answerBackup(int e, int sessionPick, Backup kind, int codePick, boolean asOther,
      Fault fault) {
    if (sessions.isEmpty()) {
      return;
    }
    Session s = session(Purpose.SIGN_IN, sessionPick);
    int user = asOther ? 1 - s.user : s.user;
    UserModel u = users.get(user);
    String typed;
    switch (kind) {
      case UNUSED:
        typed = u.unusedCodes.isEmpty() ? "not-a-code" : pickFromEnd(u.unusedCodes, codePick);
        break;
      case SPENT:
        typed = u.spentCodes.isEmpty() ? "not-a-code" : pickFromEnd(u.spentCodes, codePick);
        break;
      case FOREIGN:
        List<String> foreign = allCodes.stream().filter(c -> !u.unusedCodes.contains(c)).toList();
        typed = foreign.isEmpty() ? "not-a-code" : pickFromEnd(foreign, codePick);
        break;
      default:
        typed = codePick % 2 == 0 ? "not-a-code" : "ABCD-EFGH";
    }
    String what = "verify(e" + e + ", u" + user + ", s" + s.number + ", backup " + kind + ")";
    Result<LoginStep> r = run(what, fault, () -> engine(e).login().verify(u.ref, s.id,
        Answer.backupCode(typed), RememberDevice.NO, request));
    if (r.faulted()) {
      return;
    }
    LoginStep step = value(what, r);
    boolean correct = backupAllowed() && u.unusedCodes.contains(typed);
    if (step instanceof LoginStep.Authenticated || step instanceof LoginStep.EnrollmentRequired) {
      if (acceptedCodes.contains(typed)) {
        throw fail("invariant 'a backup code is accepted once': " + what + " -> " + step);
      }
      if (!correct) {
        throw fail("invariant 'no sign-in without a correct second factor': " + what + " -> "
            + step);
      }
      if (s.consumed) {
        throw fail("invariant 'a challenge completes once': " + what + " -> " + step);
      }
    }
    Optional<LoginStep.Reason> closed = closed(s, user, Purpose.SIGN_IN);
    if (closed.isPresent()) {
      expectRejected(what, step, closed.get());
      return;
    }
    Optional<Instant> lock = activeLock(u);
    if (lock.isPresent()) {
      expectLocked(what, step, lock.get());
      return;
    }
    if (!correct) {
      refused(what, step, s, u, Optional.empty());
      return;
    }
    s.attempts++;
    s.consumed = true;
    u.unusedCodes.remove(typed);
    u.spentCodes.add(typed);
    acceptedCodes.add(typed);
    if (!totpAllowed() && !u.active().isEmpty()) {
      expectEnrollmentRequired(what, step, u);
      return;
    }
    if (!(step instanceof LoginStep.Authenticated a)
        || !a.method().equals(Optional.of(FactorKind.BACKUP_CODE))) {
      throw fail(what + ": expected Authenticated by backup code, got " + step);
    }
    signedIn(u);
  }

  /** The user picked a factor on the second step (TOTP: nothing is sent). */
  void prompt(int e, int sessionPick, int factorPick, boolean asOther, Fault fault) {
    if (sessions.isEmpty() || factorIds.isEmpty()) {
      return;
    }
    Session s = session(Purpose.SIGN_IN, sessionPick);
    int user = asOther ? 1 - s.user : s.user;
    UserModel u = users.get(user);
    FactorId id = factor(u, factorPick);
    String what = "prompt(e" + e + ", u" + user + ", s" + s.number + ", " + id.value() + ")";
    Result<?> r = run(what, fault, () -> engine(e).login().prompt(u.ref, s.id, id, Map.of(),
        request));
    if (r.faulted()) {
      return;
    }
    if (closed(s, user, Purpose.SIGN_IN).isPresent()) {
      threw(what, r, InvalidInputException.class);
    } else if (activeLock(u).isPresent()) {
      threw(what, r, RateLimitedException.class);
    } else if (u.factors.get(id) == null || !u.factors.get(id).active) {
      threw(what, r, InvalidInputException.class);
    } else {
      value(what, r);
    }
  }

  /** Self-service: begin enrolling an authenticator app. */
  void beginEnrollment(int e, int user, boolean rightPassword, Fault fault) {
    UserModel u = users.get(user);
    String what = "beginEnrollment(e" + e + ", u" + user + (rightPassword ? "" : ", wrong password")
        + ")";
    Result<EnrollmentStart> r = run(what, fault, () -> engine(e).account(u.ref).beginEnrollment(
        FactorKind.TOTP, "Phone " + enrollments.size(),
        Password.of(rightPassword ? PASSWORD : WRONG_PASSWORD), Map.of(), request));
    if (r.faulted()) {
      return;
    }
    if (!totpAllowed()) {
      threw(what, r, PolicyViolationException.class);
      return;
    }
    if (activeLock(u).isPresent()) {
      threw(what, r, RateLimitedException.class);
      return;
    }
    if (!rightPassword) {
      threw(what, r, PasswordRejectedException.class);
      countFailure(u);
      return;
    }
    EnrollmentStart start = value(what, r);
    for (Enrollment old : enrollments) {
      if (old.user == user && !old.consumed && !now().isBefore(old.expires)) {
        old.pendingGone = true;
      }
    }
    TotpEnrollment details = start.details(TotpEnrollment.class);
    Enrollment en = new Enrollment(enrollments.size(), start.ceremony(), start.factor(), user,
        details.keyUri().secret().reveal(), details.parameters(), now(),
        policy.maxAttemptsPerChallenge());
    if (!start.expiresAt().equals(en.expires)) {
      throw fail(what + ": expected the ceremony to expire at " + en.expires + ", got "
          + start.expiresAt());
    }
    enrollments.add(en);
  }

  /** Self-service: confirm an enrollment with a code from the new app. */
  void confirmEnrollment(int e, int pick, boolean rightCode, int seed, boolean asOther,
      Fault fault) {
    if (enrollments.isEmpty()) {
      return;
    }
    Enrollment en = pickFromEnd(enrollments, pick);
    int user = asOther ? 1 - en.user : en.user;
    UserModel u = users.get(user);
    long current = en.params.step(now());
    String typed = rightCode ? totp(en.key, en.params, current)
        : wrongCode(en.key, en.params, seed);
    String what = "confirmEnrollment(e" + e + ", u" + user + ", e" + en.number
        + (rightCode ? ", right code" : ", wrong code") + ")";
    Result<EnrollmentOutcome> r = run(what, fault, () -> engine(e).account(u.ref)
        .confirmEnrollment(en.ceremony, Answer.code(en.factor, typed), request));
    if (r.faulted()) {
      return;
    }
    Optional<LoginStep.Reason> closed = user != en.user ? Optional.of(
        LoginStep.Reason.INVALID_CHALLENGE) : en.consumed
        ? Optional.of(LoginStep.Reason.ALREADY_COMPLETE) : !now().isBefore(en.expires)
        ? Optional.of(LoginStep.Reason.EXPIRED) : en.attempts >= en.maxAttempts
        ? Optional.of(LoginStep.Reason.ATTEMPTS_EXHAUSTED) : en.pendingGone
        ? Optional.of(LoginStep.Reason.INVALID_CHALLENGE) : Optional.empty();
    if (closed.isPresent()) {
      EnrollmentOutcome out = value(what, r);
      if (!(out instanceof EnrollmentOutcome.Rejected rej) || rej.reason() != closed.get()) {
        throw fail(what + ": expected Rejected(" + closed.get() + "), got " + out);
      }
      return;
    }
    if (!totpAllowed()) {
      threw(what, r, PolicyViolationException.class);
      return;
    }
    EnrollmentOutcome out = value(what, r);
    en.attempts++;
    if (!rightCode) {
      int left = en.maxAttempts - en.attempts;
      boolean ok = left > 0 ? out instanceof EnrollmentOutcome.Retry rt && rt.attemptsLeft() == left
          : out instanceof EnrollmentOutcome.Rejected rj
              && rj.reason() == LoginStep.Reason.ATTEMPTS_EXHAUSTED;
      if (!ok) {
        throw fail(what + ": expected a refusal with " + left + " left, got " + out);
      }
      return;
    }
    if (!(out instanceof EnrollmentOutcome.Confirmed c)) {
      throw fail(what + ": expected Confirmed, got " + out);
    }
    boolean first = u.active().isEmpty();
    if (c.backupCodes().isPresent() != first) {
      throw fail(what + ": backup codes " + (first ? "missing" : "issued") + " on "
          + (first ? "the first" : "a further") + " factor");
    }
    en.consumed = true;
    if (acceptedSteps.contains(en.factor.value() + "@" + current)) {
      throw fail("invariant 'a TOTP step is accepted once': " + what);
    }
    acceptedSteps.add(en.factor.value() + "@" + current);
    u.factors.put(en.factor, new FactorModel(en.factor, en.key, en.params, current));
    factorIds.add(en.factor);
    if (first) {
      List<String> codes = c.backupCodes().map(BackupCodes::reveal).orElseThrow();
      u.unusedCodes.clear();
      u.unusedCodes.addAll(codes);
      allCodes.addAll(codes);
    }
  }

  /** Sign-in enrollment finished with a confirmed enrollment ceremony. */
  void completeEnrollment(int e, int sessionPick, int enrollmentPick, Fault fault) {
    if (sessions.isEmpty() || enrollments.isEmpty()) {
      return;
    }
    Session s = session(Purpose.SIGN_IN_ENROLLMENT, sessionPick);
    Enrollment en = pickFromEnd(enrollments, enrollmentPick);
    UserModel u = users.get(s.user);
    String what = "completeEnrollment(e" + e + ", u" + s.user + ", s" + s.number + ", e"
        + en.number + ")";
    Result<LoginStep> r = run(what, fault, () -> engine(e).login().completeEnrollment(u.ref,
        s.id, en.ceremony, request));
    if (r.faulted()) {
      return;
    }
    LoginStep step = value(what, r);
    Optional<LoginStep.Reason> closed = closed(s, s.user, Purpose.SIGN_IN_ENROLLMENT);
    if (closed.isPresent()) {
      expectRejected(what, step, closed.get());
      return;
    }
    FactorModel f = u.factors.get(en.factor);
    boolean ok = en.user == s.user && en.consumed && !en.created.isBefore(s.created)
        && f != null && f.active && totpAllowed() && !en.completedSignIn;
    if (!ok) {
      expectRejected(what, step, LoginStep.Reason.INVALID_CHALLENGE);
      return;
    }
    if (!(step instanceof LoginStep.Authenticated a)
        || !a.method().equals(Optional.of(FactorKind.TOTP))) {
      throw fail(what + ": expected Authenticated by the enrolled TOTP, got " + step);
    }
    en.completedSignIn = true;
    s.attempts++;
    s.consumed = true;
    signedIn(u);
  }

  /** Self-service: remove a factor (the last one turns two-factor off). */
  void remove(int e, int user, int factorPick, boolean rightPassword, Fault fault) {
    if (factorIds.isEmpty()) {
      return;
    }
    UserModel u = users.get(user);
    FactorId id = factor(u, factorPick);
    String what = "remove(e" + e + ", u" + user + ", " + id.value()
        + (rightPassword ? "" : ", wrong password") + ")";
    Result<Object> r = run(what, fault, () -> {
      engine(e).account(u.ref).remove(id, Password.of(rightPassword ? PASSWORD : WRONG_PASSWORD),
          request);
      return "removed";
    });
    if (r.faulted()) {
      return;
    }
    if (!u.factors.containsKey(id)) {
      threw(what, r, NotFoundException.class);
      return;
    }
    if (activeLock(u).isPresent()) {
      threw(what, r, RateLimitedException.class);
      return;
    }
    if (!rightPassword) {
      threw(what, r, PasswordRejectedException.class);
      countFailure(u);
      return;
    }
    value(what, r);
    u.factors.remove(id);
    if (u.active().isEmpty()) {
      turnOff(u);
    }
  }

  /** An administrator turns a user's two-factor off. */
  void adminDisable(int e, int user, Fault fault) {
    UserModel u = users.get(user);
    String what = "admin.disableTwoFactor(e" + e + ", u" + user + ")";
    Result<Object> r = run(what, fault, () -> {
      engine(e).admin(admin).disableTwoFactor(u.ref, "lost phone, ticket 1182", request);
      return "disabled";
    });
    if (r.faulted()) {
      return;
    }
    value(what, r);
    turnOff(u);
  }

  /** An administrator sets the practice's policy. */
  void setPolicy(int e, PracticePolicy next, Fault fault) {
    String what = "admin.setPolicy(e" + e + ", " + describe(next) + ")";
    Result<Object> r = run(what, fault, () -> {
      engine(e).admin(admin).setPolicy(next, request);
      return "set";
    });
    if (r.faulted()) {
      return;
    }
    value(what, r);
    policy = next;
  }

  void advance(Duration d) {
    clock.advance(d);
    note("clock +" + d, now());
  }

  static String describe(PracticePolicy p) {
    return p.requirement() + " " + p.staffMethods().stream().map(FactorKind::id).sorted()
        .toList() + " lockout " + p.lockoutThreshold() + "/" + p.lockoutBase() + "/"
        + p.lockoutMax() + " attempts " + p.maxAttemptsPerChallenge() + " factorLimit "
        + p.factorFailureLimit() + " window " + p.totpWindow() + " lifetime "
        + p.challengeLifetime();
  }

  // ---------------------------------------------------------------- invariants

  /** The store, and what each engine shows, agree with the model. */
  void checkInvariants() {
    PracticePolicy stored = memory.policies().find(practice).orElse(INITIAL_POLICY);
    if (!stored.equals(policy)) {
      throw fail("stored policy " + describe(stored) + " is not the model's");
    }
    for (MfaEngine engine : engines) {
      if (!engine.admin(admin).policy().equals(policy)) {
        throw fail("an engine sees another policy than the one set: "
            + describe(engine.admin(admin).policy()));
      }
    }
    for (UserModel u : users) {
      Map<FactorId, FactorRecord> factors = new LinkedHashMap<>();
      memory.factors().list(practice, u.ref.user()).stream()
          .filter(f -> f.state() != FactorState.PENDING)
          .forEach(f -> factors.put(f.id(), f));
      if (!factors.keySet().equals(u.factors.keySet())) {
        throw fail("u" + u.index + " has factors " + factors.keySet() + " in the store, model "
            + u.factors.keySet());
      }
      for (FactorModel m : u.factors.values()) {
        FactorRecord f = factors.get(m.id);
        FactorState state = m.active ? FactorState.ACTIVE : FactorState.DISABLED;
        if (f.state() != state || f.counter() != m.counter || f.failures() != m.failures) {
          throw fail("u" + u.index + " factor " + m.id.value() + " is " + f.state() + " counter "
              + f.counter() + " failures " + f.failures() + " in the store, model " + m);
        }
      }
      int unused = memory.backupCodes().countUnused(practice, u.ref.user());
      if (unused != u.unusedCodes.size()) {
        throw fail("u" + u.index + " has " + unused + " unused backup codes, model "
            + u.unusedCodes.size());
      }
      UserSecurityState s = memory.users().find(practice, u.ref.user())
          .orElse(UserSecurityState.initial(practice, u.ref.user()));
      if (s.consecutiveFailures() != u.failures || !s.lockedUntil().equals(u.lockedUntil)) {
        throw fail("invariant 'failures and locks match the model': u" + u.index + " has "
            + s.consecutiveFailures() + " failures, locked " + s.lockedUntil()
            + " in the store; model " + u.failures + ", " + u.lockedUntil);
      }
      for (MfaEngine engine : engines) {
        if (engine.account(u.ref).twoFactorEnabled() == u.active().isEmpty()
            || engine.account(u.ref).factors().size() != u.factors.size()
            || engine.account(u.ref).backupCodesRemaining() != u.unusedCodes.size()) {
          throw fail("an engine's account view of u" + u.index + " disagrees with the model");
        }
      }
    }
    for (Session s : sessions) {
      Optional<ChallengeRecord> c = memory.challenges().find(s.id.hash());
      if (c.isEmpty() || c.get().attempts() != s.attempts
          || c.get().consumed().isPresent() != s.consumed) {
        throw fail("invariant 'a challenge completes once': stored " + c + " vs model " + s);
      }
    }
    for (Enrollment en : enrollments) {
      Optional<ChallengeRecord> c = memory.challenges().find(en.ceremony.hash());
      if (c.isEmpty() || c.get().attempts() != en.attempts
          || c.get().consumed().isPresent() != en.consumed) {
        throw fail("enrollment ceremony stored " + c + " vs model " + en);
      }
    }
  }

  static PracticePolicy policy(TwoFactorRequirement requirement, Set<FactorKind> methods,
      int threshold, Duration base, int maxFactor, int attempts, int factorLimit, int window,
      Duration lifetime) {
    return PracticePolicy.builder()
        .requirement(requirement)
        .staffMethods(methods)
        .lockout(threshold, base, base.multipliedBy(maxFactor))
        .maxAttemptsPerChallenge(attempts)
        .factorFailureLimit(factorLimit)
        .totpWindow(window)
        .challengeLifetime(lifetime)
        .build();
  }

  @Override
  public String toString() {
    return "EngineSystem" + users;
  }
}
