package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The sign-in steps. */
final class Login implements LoginFlow {
  private final Engine engine;

  Login(Engine engine) {
    this.engine = engine;
  }

  @Override
  public LoginStep afterPrimary(UserRef user, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(request, "request");
    PracticePolicy policy = engine.policy(user.practice());
    Optional<Instant> locked = engine.lockedUntil(user);
    if (locked.isPresent()) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "locked"));
      return new LoginStep.Locked(locked.get());
    }

    // A temporary password must be replaced before anything else (built-in Passwords only).
    Optional<LoginStep> passwordChange =
        new PasswordFlow(engine).changeRequired(user, policy, request);
    if (passwordChange.isPresent()) {
      return passwordChange.get();
    }

    List<FactorRecord> factors = engine.usableFactors(user, policy);
    if (factors.isEmpty()) {
      List<FactorRecord> setUp = engine.store.factors().list(user.practice(), user.user())
          .stream().filter(f -> f.state() != FactorState.PENDING).toList();
      if (setUp.isEmpty()) {
        return noFactor(user, policy, request);
      }
      // The user turned two-factor on, but no factor of theirs can answer now: disabled after
      // repeated failures, or of a kind the policy no longer allows. Never fall open to a
      // password-only sign-in (an attacker could disable the factor by failing on purpose).
      int backup = backupCodesUsable(user, policy);
      // Any disabled factor rules enrollment out: failing on purpose must never turn a user with
      // two-factor into one who may enroll a new factor with the password alone.
      boolean anyDisabled = setUp.stream().anyMatch(f -> f.state() == FactorState.DISABLED);
      if (backup == 0 && !anyDisabled) {
        // only active factors the practice no longer allows: the user must enroll an allowed kind
        return enrollmentRequired(user, policy, request);
      }
      // backup codes only, or nothing usable at all (disabled factors must be re-bound by an
      // administrator's reset): a second step with no factor methods
      return secondStep(user, policy, List.of(), backup, request);
    }

    Optional<DeviceRecord> device = rememberedDevice(user, policy, request);
    if (device.isPresent()) {
      Instant now = engine.now();
      engine.store.devices().touch(device.get().id(), now);
      engine.store.users().recordSignIn(user.practice(), user.user(),
          new SignIn(now, request.ip(), request.userAgent()));
      engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request,
          Map.of("via", "remembered_device", "device", device.get().id()));
      return new LoginStep.Authenticated(user, Optional.empty(), true, Optional.empty());
    }

    return secondStep(user, policy, factors, backupCodesUsable(user, policy), request);
  }

  private int backupCodesUsable(UserRef user, PracticePolicy policy) {
    return policy.methodsFor(user.audience()).contains(FactorKind.BACKUP_CODE)
        ? engine.store.backupCodes().countUnused(user.practice(), user.user())
        : 0;
  }

  private LoginStep secondStep(UserRef user, PracticePolicy policy, List<FactorRecord> factors,
      int backup, RequestContext request) {
    Engine.Issued c = engine.issue(user, ChallengePurpose.SIGN_IN, Optional.empty(),
        policy.challengeLifetime(), policy.maxAttemptsPerChallenge());
    engine.store.challenges().insert(c.record());
    List<FactorSummary> methods = factors.stream().map(engine::summary).toList();
    Optional<FactorSummary> preferred = factors.stream()
        .filter(f -> f.lastUsed().isPresent())
        .max(Comparator.comparing(f -> f.lastUsed().get()))
        .or(() -> factors.stream().findFirst())
        .map(engine::summary);
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", "sign_in", "methods", Integer.toString(methods.size()),
            "backup_codes", Integer.toString(backup)));
    return new LoginStep.SecondFactorRequired(c.id(), methods, preferred, backup,
        c.record().expires());
  }

  private LoginStep noFactor(UserRef user, PracticePolicy policy, RequestContext request) {
    Instant now = engine.now();
    if (!policy.requires(user)) {
      recordSignInAndNotifyNewDevice(user, now, request);
      engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request,
          Map.of("method", "none"));
      return new LoginStep.Authenticated(user, Optional.empty(), false, Optional.empty());
    }
    if (policy.enrollmentGraceSignIns() > 0 && graceLeft(user, policy, now)) {
      int n = engine.store.users().recordGraceSignIn(user.practice(), user.user(), now);
      Instant started = engine.store.users().find(user.practice(), user.user())
          .flatMap(UserSecurityState::graceStarted).orElse(now);
      boolean inPeriod = policy.enrollmentGracePeriod().isZero()
          || now.isBefore(started.plus(policy.enrollmentGracePeriod()));
      if (n <= policy.enrollmentGraceSignIns() && inPeriod) {
        recordSignInAndNotifyNewDevice(user, now, request);
        engine.audit(user, AuditType.SIGN_IN_GRACE, AuditOutcome.SUCCESS, request,
            Map.of("grace_sign_in", Integer.toString(n),
                "of", Integer.toString(policy.enrollmentGraceSignIns())));
        return new LoginStep.Authenticated(user, Optional.empty(), false, Optional.empty());
      }
    }
    return enrollmentRequired(user, policy, request);
  }

  private LoginStep enrollmentRequired(UserRef user, PracticePolicy policy,
      RequestContext request) {
    Engine.Issued c = engine.issue(user, ChallengePurpose.SIGN_IN_ENROLLMENT, Optional.empty(),
        PracticePolicy.MAX_CODE_LIFETIME, 1);
    engine.store.challenges().insert(c.record());
    List<FactorKind> allowed = policy.methodsFor(user.audience()).stream()
        .filter(k -> engine.config.providers.containsKey(k))
        .sorted(Comparator.comparing(FactorKind::id))
        .toList();
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", "sign_in_enrollment"));
    return new LoginStep.EnrollmentRequired(c.id(), allowed, c.record().expires());
  }

  /** Whether grace may still apply, before counting this sign-in. */
  private boolean graceLeft(UserRef user, PracticePolicy policy, Instant now) {
    Optional<UserSecurityState> s = engine.store.users().find(user.practice(), user.user());
    if (s.isEmpty()) {
      return true;
    }
    if (s.get().graceSignIns() >= policy.enrollmentGraceSignIns()) {
      return false;
    }
    return policy.enrollmentGracePeriod().isZero() || s.get().graceStarted().isEmpty()
        || now.isBefore(s.get().graceStarted().get().plus(policy.enrollmentGracePeriod()));
  }

  private Optional<DeviceRecord> rememberedDevice(UserRef user, PracticePolicy policy,
      RequestContext request) {
    if (request.deviceToken().isEmpty() || policy.rememberDevice().isZero()) {
      return Optional.empty();
    }
    Instant now = engine.now();
    return engine.store.devices().findByTokenHash(request.deviceToken().get().hash())
        .filter(d -> d.practice().equals(user.practice()) && d.user().equals(user.user()))
        .filter(d -> now.isBefore(d.expires())
            && now.isBefore(d.created().plus(policy.rememberDevice())));
  }

  /** A sign-in challenge of this user, open now; or why not. */
  private sealed interface Check {}

  private record Open(ChallengeRecord record) implements Check {}

  private record Closed(LoginStep.Reason reason) implements Check {}

  private Check check(UserRef user, ChallengeId challenge, ChallengePurpose purpose,
      RequestContext request) {
    Optional<ChallengeRecord> rec = engine.store.challenges().find(challenge.hash());
    if (rec.isEmpty() || rec.get().purpose() != purpose
        || !rec.get().practice().equals(user.practice()) || !rec.get().user().equals(user.user())
        || rec.get().consumed().isPresent()) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "invalid_challenge"));
      return new Closed(LoginStep.Reason.INVALID_CHALLENGE);
    }
    if (!engine.now().isBefore(rec.get().expires())) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "expired"));
      return new Closed(LoginStep.Reason.EXPIRED);
    }
    return new Open(rec.get());
  }

  @Override
  public Prompt prompt(UserRef user, ChallengeId challenge, FactorId factor,
      Map<String, String> parameters, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(request, "request");
    Check check = check(user, challenge, ChallengePurpose.SIGN_IN, request);
    if (check instanceof Closed) {
      throw new InvalidInputException("the challenge is not open for this user");
    }
    ChallengeRecord open = ((Open) check).record();
    if (open.attempts() >= open.maxAttempts()) {
      throw new InvalidInputException("the challenge has no answers left");
    }
    Optional<Instant> locked = engine.lockedUntil(user);
    if (locked.isPresent()) {
      throw new RateLimitedException("the second step is locked", locked.get());
    }
    PracticePolicy policy = engine.policy(user.practice());
    FactorRecord f = usableFactor(user, policy, factor)
        .orElseThrow(() -> new InvalidInputException("the factor is not one of this user's"));
    FactorProvider provider = engine.provider(f.kind()).orElseThrow();
    EngineContext ctx = new EngineContext(engine, user, request, policy, challenge.hash(),
        f.id(), f.kind(), false);
    return provider.prompt(ctx, f, Map.copyOf(parameters));
  }

  private Optional<FactorRecord> usableFactor(UserRef user, PracticePolicy policy, FactorId id) {
    return engine.store.factors().find(user.practice(), user.user(), id)
        .filter(f -> f.practice().equals(user.practice()) && f.user().equals(user.user()))
        .filter(f -> f.state() == FactorState.ACTIVE && engine.usable(policy, user, f.kind()));
  }

  @Override
  public LoginStep verify(UserRef user, ChallengeId challenge, Answer answer,
      RememberDevice remember, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(remember, "remember");
    Objects.requireNonNull(request, "request");
    Check check = check(user, challenge, ChallengePurpose.SIGN_IN, request);
    if (check instanceof Closed closed) {
      return new LoginStep.Rejected(closed.reason());
    }
    // One read of the user's state serves the lock check and, on success, the "new device" test.
    Optional<UserSecurityState> state = engine.store.users().find(user.practice(), user.user());
    Instant start = engine.now();
    Optional<Instant> locked = state.flatMap(UserSecurityState::lockedUntil)
        .filter(start::isBefore);
    if (locked.isPresent()) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "locked"));
      return new LoginStep.Locked(locked.get());
    }
    Optional<SignIn> previous = state.flatMap(UserSecurityState::lastSignIn);
    byte[] hash = challenge.hash();
    if (!engine.store.challenges().takeAttempt(hash, engine.now())) {
      return closedAfterAttempt(user, hash, request);
    }
    PracticePolicy policy = engine.policy(user.practice());

    if (answer instanceof Answer.BackupCode code) {
      return verifyBackupCode(user, policy, challenge, code, remember, request, previous);
    }
    FactorId factorId = answer instanceof Answer.Code c ? c.factor()
        : ((Answer.Response) answer).factor();
    Optional<FactorRecord> factor = usableFactor(user, policy, factorId);
    if (factor.isEmpty()) {
      return refused(user, policy, challenge, Optional.empty(), "unknown_factor", false, request);
    }
    FactorRecord f = factor.get();
    EngineContext ctx = new EngineContext(engine, user, request, policy, hash, f.id(), f.kind(),
        false);
    Verification v = engine.provider(f.kind()).orElseThrow().verify(ctx, f, answer);
    if (!v.isAccepted()) {
      if (v.outcome() == VerificationOutcome.COUNTER_REGRESSION) {
        // the provider's non-secret facts name the credential (it may not be the prompted one)
        Map<String, String> clone = new LinkedHashMap<>(v.details());
        clone.put("factor", f.id().value());
        clone.put("kind", f.kind().id());
        engine.audit(user, AuditType.CREDENTIAL_CLONE_SUSPECTED, AuditOutcome.FAILURE, request,
            clone);
      }
      return refused(user, policy, challenge, Optional.of(f), reason(v.outcome()),
          v.outcome() == VerificationOutcome.REPLAYED, request);
    }
    FactorRecord answered = answering(user, policy, f, v);
    if (!engine.store.challenges().consume(hash, engine.now())) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "challenge_completed_elsewhere"));
      return new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    if (v.updated().isPresent() && !v.updated().get().attributes().equals(answered.attributes())) {
      engine.store.factors().update(answered.practice(), answered.user(), answered.id(),
          answered.label(), v.updated().get().attributes());
    }
    if (!ctx.advanced()) {
      engine.store.factors().recordUse(user.practice(), user.user(), answered.id(), -1,
          engine.now());
    }
    Map<String, String> details = new LinkedHashMap<>(v.details());
    details.put("factor", answered.id().value());
    return succeeded(user, policy, answered.kind(), remember, request, details, previous);
  }

  /**
   * The factor that answered: {@code prompted}, or (a prompt that covered several factors of one
   * kind, see {@link Verification#updated}) another active factor of the same user and kind.
   */
  private FactorRecord answering(UserRef user, PracticePolicy policy, FactorRecord prompted,
      Verification v) {
    if (v.updated().isEmpty()) {
      return prompted;
    }
    FactorRecord u = v.updated().get();
    if (!u.practice().equals(prompted.practice()) || !u.user().equals(prompted.user())
        || !u.kind().equals(prompted.kind())) {
      throw new IllegalStateException("provider returned another user's or kind's factor");
    }
    if (u.id().equals(prompted.id())) {
      return prompted;
    }
    return usableFactor(user, policy, u.id()).filter(g -> g.kind().equals(u.kind()))
        .orElseThrow(() -> new IllegalStateException("the answering factor is not usable"));
  }

  private LoginStep verifyBackupCode(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Answer.BackupCode code, RememberDevice remember, RequestContext request,
      Optional<SignIn> previous) {
    if (!policy.methodsFor(user.audience()).contains(FactorKind.BACKUP_CODE)) {
      return refused(user, policy, challenge, Optional.empty(), "backup_codes_not_allowed", false,
          request);
    }
    BackupCodeBook.Result r = engine.backupCodes.redeem(user, code.reveal(), engine.now());
    if (r != BackupCodeBook.Result.ACCEPTED) {
      return refused(user, policy, challenge, Optional.empty(),
          "backup_code_" + r.name().toLowerCase(java.util.Locale.ROOT),
          r == BackupCodeBook.Result.USED, request);
    }
    int remaining = engine.store.backupCodes().countUnused(user.practice(), user.user());
    Map<String, String> used = Map.of("remaining", Integer.toString(remaining));
    engine.audit(user, AuditType.BACKUP_CODE_USED, AuditOutcome.SUCCESS, request, used);
    engine.notifyUser(NotificationType.BACKUP_CODE_USED, user, request, used);
    if (!engine.store.challenges().consume(challenge.hash(), engine.now())) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "challenge_completed_elsewhere"));
      return new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    return succeeded(user, policy, FactorKind.BACKUP_CODE, remember, request, new LinkedHashMap<>(),
        previous);
  }

  private LoginStep succeeded(UserRef user, PracticePolicy policy, FactorKind method,
      RememberDevice remember, RequestContext request, Map<String, String> details,
      Optional<SignIn> previous) {
    Instant now = engine.now();
    engine.store.users().recordSignIn(user.practice(), user.user(),
        new SignIn(now, request.ip(), request.userAgent()));
    Optional<DeviceToken> token = Optional.empty();
    if (remember == RememberDevice.YES && !policy.rememberDevice().isZero()) {
      DeviceToken t = DeviceToken.fromTrusted(Tokens.randomBase64Url(engine.random, 32));
      String id = Tokens.randomBase64Url(engine.random, 16);
      String label = request.userAgent().isEmpty() ? "Unknown browser"
          : request.userAgent().substring(0, Math.min(128, request.userAgent().length()));
      engine.store.devices().insert(new DeviceRecord(id, user.practice(), user.user(), t.hash(),
          label, request.ip(), now, now.plus(policy.rememberDevice()), now));
      engine.audit(user, AuditType.DEVICE_REMEMBERED, AuditOutcome.SUCCESS, request,
          Map.of("device", id, "expires", now.plus(policy.rememberDevice()).toString()));
      token = Optional.of(t);
    }
    // "New device": a browser whose User-Agent differs from the last sign-in's. Simple on purpose;
    // the host may do better with its own session history.
    if (previous.isPresent() && !previous.get().userAgent().equals(request.userAgent())) {
      engine.notifyUser(NotificationType.NEW_DEVICE_SIGN_IN, user, request, Map.of());
    }
    details.put("method", method.id());
    engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request, details);
    return new LoginStep.Authenticated(user, Optional.of(method), false, token);
  }

  private static String reason(VerificationOutcome o) {
    return o.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * A refused answer: counts it against the factor and the user, locks and disables where limits
   * are reached, audits the true reason and tells the user only "not accepted".
   */
  private LoginStep refused(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Optional<FactorRecord> factor, String reason, boolean replay, RequestContext request) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", reason);
    factor.ifPresent(f -> {
      details.put("factor", f.id().value());
      details.put("kind", f.kind().id());
    });
    engine.audit(user, replay ? AuditType.CODE_REPLAYED : AuditType.SECOND_FACTOR_FAILED,
        AuditOutcome.FAILURE, request, details);
    if (factor.isPresent()) {
      FactorRecord f = factor.get();
      int failures = engine.store.factors().recordFailure(f.practice(), f.user(), f.id());
      if (failures >= policy.factorFailureLimit()
          && engine.store.factors().transition(f.practice(), f.user(), f.id(),
              FactorState.ACTIVE, FactorState.DISABLED)) {
        Map<String, String> d = Map.of("factor", f.id().value(), "kind", f.kind().id(),
            "label", f.label(), "failures", Integer.toString(failures));
        engine.audit(user, AuditType.FACTOR_DISABLED, AuditOutcome.SUCCESS, request, d);
        engine.notifyUser(NotificationType.FACTOR_DISABLED, user, request, d);
      }
    }
    engine.notifyUser(NotificationType.SECOND_FACTOR_FAILED, user, request,
        Map.of("at", engine.now().toString(), "ip", request.ip(),
            "userAgent", request.userAgent()));
    Optional<Instant> lock = engine.countUserFailure(user, policy, request);
    if (lock.isPresent()) {
      return new LoginStep.Locked(lock.get());
    }
    int left = engine.store.challenges().find(challenge.hash())
        .map(c -> c.maxAttempts() - c.attempts()).orElse(0);
    if (left <= 0) {
      return new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    return new LoginStep.Retry(challenge, left);
  }

  private LoginStep closedAfterAttempt(UserRef user, byte[] hash, RequestContext request) {
    Optional<ChallengeRecord> c = engine.store.challenges().find(hash);
    LoginStep.Reason reason;
    if (c.isEmpty() || c.get().consumed().isPresent()) {
      reason = LoginStep.Reason.INVALID_CHALLENGE;
    } else if (!engine.now().isBefore(c.get().expires())) {
      reason = LoginStep.Reason.EXPIRED;
    } else {
      reason = LoginStep.Reason.ATTEMPTS_EXHAUSTED;
    }
    engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
        Map.of("reason", reason.name().toLowerCase(java.util.Locale.ROOT)));
    return new LoginStep.Rejected(reason);
  }

  @Override
  public LoginStep completeEnrollment(UserRef user, ChallengeId challenge,
      RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(request, "request");
    Check check = check(user, challenge, ChallengePurpose.SIGN_IN_ENROLLMENT, request);
    if (check instanceof Closed closed) {
      return new LoginStep.Rejected(closed.reason());
    }
    PracticePolicy policy = engine.policy(user.practice());
    // Only a factor enrolled since this challenge was issued completes it: an older one (allowed
    // again by a policy change, say) was never answered in this sign-in.
    Instant issued = ((Open) check).record().created();
    List<FactorRecord> factors = engine.usableFactors(user, policy).stream()
        .filter(f -> !f.created().isBefore(issued))
        .toList();
    if (factors.isEmpty()) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "not_enrolled"));
      return new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    if (!engine.store.challenges().consume(challenge.hash(), engine.now())) {
      return new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    FactorRecord newest = factors.get(factors.size() - 1);
    Instant now = engine.now();
    recordSignInAndNotifyNewDevice(user, now, request);
    engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request,
        Map.of("method", newest.kind().id(), "via", "enrollment"));
    return new LoginStep.Authenticated(user, Optional.of(newest.kind()), false, Optional.empty());
  }

  @Override
  public LoginStep completePasswordChange(UserRef user, ChallengeId challenge,
      Password newPassword, RequestContext request) {
    return new PasswordFlow(engine).completeChange(user, challenge, newPassword, request);
  }

  /**
   * Records a sign-in that needed no second step (or completed through enrollment) and, like
   * {@code succeeded}, sends NEW_DEVICE_SIGN_IN when the browser differs from the last sign-in's.
   */
  private void recordSignInAndNotifyNewDevice(UserRef user, Instant now, RequestContext request) {
    Optional<SignIn> previous = engine.store.users().find(user.practice(), user.user())
        .flatMap(UserSecurityState::lastSignIn);
    engine.store.users().recordSignIn(user.practice(), user.user(),
        new SignIn(now, request.ip(), request.userAgent()));
    if (previous.isPresent() && !previous.get().userAgent().equals(request.userAgent())) {
      engine.notifyUser(NotificationType.NEW_DEVICE_SIGN_IN, user, request, Map.of());
    }
  }
}
