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
import dev.mfa4j.spi.Settlement;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** The sign-in steps. */
final class Login implements LoginFlow {
  private final Engine engine;
  private final Passwordless passwordless;

  Login(Engine engine) {
    this.engine = engine;
    this.passwordless = new Passwordless(engine, this);
  }

  @Override
  public LoginStep afterPrimary(UserRef user, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(request, "request");
    return engine.atomically(() -> afterPrimaryInUnit(user, request));
  }

  private LoginStep afterPrimaryInUnit(UserRef user, RequestContext request) {
    PracticePolicy policy = engine.policy(user.practice());
    // The lock also makes sure the user's state row exists for the answer's one-statement read.
    UserSecurityState state = engine.store.users().lock(user.practice(), user.user());
    Instant now = engine.now();
    Optional<Instant> locked = state.lockedUntil().filter(now::isBefore);
    if (locked.isPresent()) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "locked"));
      return new LoginStep.Locked(locked.get());
    }

    // A temporary password must be replaced before anything else (if the credentials say so).
    Optional<LoginStep> passwordChange =
        new PasswordFlow(engine).changeRequired(user, policy, request);
    if (passwordChange.isPresent()) {
      return passwordChange.get();
    }

    List<FactorRecord> all = engine.store.factors().list(user.practice(), user.user());
    List<FactorRecord> factors = usable(all, user, policy);
    if (factors.isEmpty()) {
      List<FactorRecord> setUp = all.stream().filter(f -> f.state() != FactorState.PENDING)
          .toList();
      if (setUp.isEmpty()) {
        return noFactor(user, policy, state, request);
      }
      // The user turned two-factor on, but no factor of theirs may answer under today's policy:
      // disabled after repeated failures, or of a kind the practice no longer allows. Never fall
      // open to a password-only sign-in or enrollment (an attacker with the password would
      // enroll their own app). Active factors of a kind no longer allowed still prove the user,
      // and the sign-in then asks for an allowed method before it completes (re-enrollment).
      // Disabled factors need an administrator's reset.
      List<FactorRecord> proving = reEnrolling(all, user, policy);
      return secondStep(user, policy, proving, backupCodesUsable(user, policy), request,
          ChallengePurpose.SIGN_IN);
    }

    Optional<DeviceRecord> device = rememberedDevice(user, policy, request);
    if (device.isPresent()) {
      engine.store.devices().touch(device.get().id(), now);
      engine.store.users().recordSignIn(user.practice(), user.user(),
          new SignIn(now, request.ip(), request.userAgent()));
      engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request,
          Map.of("via", "remembered_device", "device", device.get().id()));
      return new LoginStep.Authenticated(user, Optional.empty(), true, Optional.empty(),
          engine.assurances.signIn(user, Optional.of(now),
              List.of(Assurances.rememberedDevice(now))));
    }

    return secondStep(user, policy, factors, backupCodesUsable(user, policy), request,
        ChallengePurpose.SIGN_IN);
  }

  /** The active factors the policy allows and a provider serves, oldest first. */
  List<FactorRecord> usable(List<FactorRecord> all, UserRef user, PracticePolicy policy) {
    return all.stream()
        .filter(f -> f.state() == FactorState.ACTIVE && engine.usable(policy, user, f.kind()))
        .toList();
  }

  /**
   * Active factors that a provider serves but the policy no longer allows: they may answer a
   * second step only to lead to re-enrollment, and only while no allowed factor is active.
   */
  private List<FactorRecord> reEnrolling(List<FactorRecord> all, UserRef user,
      PracticePolicy policy) {
    if (!usable(all, user, policy).isEmpty()) {
      return List.of();
    }
    return all.stream()
        .filter(f -> f.state() == FactorState.ACTIVE && engine.provider(f.kind()).isPresent()
            && !engine.usable(policy, user, f.kind()))
        .toList();
  }

  int backupCodesUsable(UserRef user, PracticePolicy policy) {
    return policy.methodsFor(user.audience()).contains(FactorKind.BACKUP_CODE)
        ? engine.store.backupCodes().countUnused(user.practice(), user.user())
        : 0;
  }

  LoginStep secondStep(UserRef user, PracticePolicy policy, List<FactorRecord> factors,
      int backup, RequestContext request, ChallengePurpose purpose) {
    Engine.Issued c = engine.ceremonies.issue(user, purpose, Optional.empty(),
        policy.challengeLifetime(), policy.maxAttemptsPerChallenge());
    List<FactorSummary> methods = factors.stream().map(engine::summary).toList();
    Optional<FactorSummary> preferred = factors.stream()
        .filter(f -> f.lastUsed().isPresent())
        .max(Comparator.comparing(f -> f.lastUsed().get()))
        .or(() -> factors.stream().findFirst())
        .map(engine::summary);
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", lower(purpose), "methods", Integer.toString(methods.size()),
            "backup_codes", Integer.toString(backup)));
    return new LoginStep.SecondFactorRequired(c.id(), methods, preferred, backup,
        c.record().expires());
  }

  private LoginStep noFactor(UserRef user, PracticePolicy policy, UserSecurityState state,
      RequestContext request) {
    Instant now = engine.now();
    if (!policy.requires(user)) {
      recordSignInAndNotifyNewDevice(user, state, now, request);
      engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request,
          Map.of("method", "none"));
      return new LoginStep.Authenticated(user, Optional.empty(), false, Optional.empty(),
          engine.assurances.signIn(user, Optional.of(now), List.of()));
    }
    if (policy.enrollmentGraceSignIns() > 0 && graceLeft(state, policy, now)) {
      int n = engine.store.users().recordGraceSignIn(user.practice(), user.user(), now);
      Instant started = state.graceStarted().orElse(now);
      boolean inPeriod = policy.enrollmentGracePeriod().isZero()
          || now.isBefore(started.plus(policy.enrollmentGracePeriod()));
      if (n <= policy.enrollmentGraceSignIns() && inPeriod) {
        recordSignInAndNotifyNewDevice(user, state, now, request);
        engine.audit(user, AuditType.SIGN_IN_GRACE, AuditOutcome.SUCCESS, request,
            Map.of("grace_sign_in", Integer.toString(n),
                "of", Integer.toString(policy.enrollmentGraceSignIns())));
        return new LoginStep.Authenticated(user, Optional.empty(), false, Optional.empty(),
            engine.assurances.signIn(user, Optional.of(now), List.of()));
      }
    }
    return enrollmentRequired(user, policy, request);
  }

  private LoginStep enrollmentRequired(UserRef user, PracticePolicy policy,
      RequestContext request) {
    Engine.Issued c = engine.ceremonies.issue(user, ChallengePurpose.SIGN_IN_ENROLLMENT,
        Optional.empty(), PracticePolicy.MAX_CODE_LIFETIME, 1);
    List<FactorKind> allowed = policy.methodsFor(user.audience()).stream()
        .filter(k -> engine.config.providers.containsKey(k))
        .sorted(Comparator.comparing(FactorKind::id))
        .toList();
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", "sign_in_enrollment"));
    return new LoginStep.EnrollmentRequired(c.id(), allowed, c.record().expires());
  }

  /** Whether grace may still apply, before counting this sign-in. */
  private boolean graceLeft(UserSecurityState s, PracticePolicy policy, Instant now) {
    if (s.graceSignIns() >= policy.enrollmentGraceSignIns()) {
      return false;
    }
    return policy.enrollmentGracePeriod().isZero() || s.graceStarted().isEmpty()
        || now.isBefore(s.graceStarted().get().plus(policy.enrollmentGracePeriod()));
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

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Audits a ceremony that could not be answered and says why. */
  LoginStep closed(UserRef user, Ceremonies.Closed c, RequestContext request) {
    engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
        Map.of("reason", lower(c.reason())));
    return new LoginStep.Rejected(c.reason());
  }

  @Override
  public Prompt prompt(UserRef user, ChallengeId challenge, FactorId factor,
      Map<String, String> parameters, RequestContext request) {
    return prompt(user, challenge, factor, parameters, request, ChallengePurpose.SIGN_IN);
  }

  Prompt prompt(UserRef user, ChallengeId challenge, FactorId factor,
      Map<String, String> parameters, RequestContext request, ChallengePurpose purpose) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(request, "request");
    // Not under the user's lock: a prompt may send a message and must not hold it meanwhile.
    Ceremonies.Opened opened = engine.ceremonies.peek(user, challenge, purpose);
    if (opened instanceof Ceremonies.Closed c) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", lower(c.reason())));
      throw new InvalidInputException(c.reason() == LoginStep.Reason.ATTEMPTS_EXHAUSTED
          ? "the challenge has no answers left" : "the challenge is not open for this user");
    }
    Ceremonies.Open open = (Ceremonies.Open) opened;
    Optional<Instant> locked = open.state().lockedUntil().filter(engine.now()::isBefore);
    if (locked.isPresent()) {
      throw new RateLimitedException(RateLimitedException.Limit.ACCOUNT_LOCKED,
          "the second step is locked", locked.get());
    }
    PracticePolicy policy = engine.policy(user.practice());
    List<FactorRecord> all = engine.store.factors().list(user.practice(), user.user());
    FactorRecord f = answerable(all, user, policy, factor)
        .filter(r -> purpose != ChallengePurpose.STEP_UP || engine.usable(policy, user, r.kind()))
        .orElseThrow(() -> new InvalidInputException("the factor is not one of this user's"));
    FactorProvider provider = engine.provider(f.kind()).orElseThrow();
    EngineContext ctx = new EngineContext(engine, user, request, policy, challenge.hash(),
        f.id(), f.kind(), false);
    return provider.prompt(ctx, f, Map.copyOf(parameters));
  }

  /**
   * The factor with this id if it may answer the user's second step: active, served by a
   * provider, and allowed by the policy, or (re-enrollment) of a kind no longer allowed while the
   * user has no allowed active factor.
   */
  private Optional<FactorRecord> answerable(List<FactorRecord> all, UserRef user,
      PracticePolicy policy, FactorId id) {
    Optional<FactorRecord> f = all.stream().filter(r -> r.id().equals(id)).findFirst();
    if (f.isEmpty() || f.get().state() != FactorState.ACTIVE) {
      return Optional.empty();
    }
    if (engine.usable(policy, user, f.get().kind())) {
      return f;
    }
    return reEnrolling(all, user, policy).contains(f.get()) ? f : Optional.empty();
  }

  @Override
  public LoginStep verify(UserRef user, ChallengeId challenge, Answer answer,
      RememberDevice remember, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(remember, "remember");
    Objects.requireNonNull(request, "request");
    return engine.atomically(() -> verifyInUnit(user, challenge, answer, remember, request,
        ChallengePurpose.SIGN_IN));
  }

  /**
   * One answer, as one unit of work: the ceremony, the user's state and the named factor are read
   * under the user's lock (one statement on the JDBC store), the answer is checked, and its
   * effects are written by one settlement. A lost race undoes everything and answers
   * ALREADY_COMPLETE, which is not a failure.
   */
  LoginStep verifyInUnit(UserRef user, ChallengeId challenge, Answer answer,
      RememberDevice remember, RequestContext request, ChallengePurpose purpose) {
    boolean stepUp = purpose == ChallengePurpose.STEP_UP;
    Optional<FactorId> named = answer instanceof Answer.Code c ? Optional.of(c.factor())
        : answer instanceof Answer.Response r ? Optional.of(r.factor()) : Optional.empty();
    Opening opening = openForAnswer(user, challenge, purpose, named, request);
    if (opening.refusal().isPresent()) {
      return opening.refusal().get();
    }
    Ceremonies.Open open = opening.open();
    PracticePolicy policy = engine.policy(user.practice());
    if (answer instanceof Answer.BackupCode code) {
      return verifyBackupCode(user, policy, challenge, open, code, remember, request, stepUp);
    }
    Optional<FactorRecord> factor = open.factor()
        .filter(f -> f.state() == FactorState.ACTIVE && engine.provider(f.kind()).isPresent());
    boolean allowed = factor.isPresent() && engine.usable(policy, user, factor.get().kind());
    if (factor.isPresent() && !allowed && !stepUp) {
      // a kind the practice no longer allows answers only for re-enrollment
      factor = answerable(engine.store.factors().list(user.practice(), user.user()), user,
          policy, factor.get().id());
    }
    if (factor.isEmpty() || (stepUp && !allowed)) {
      return refused(user, policy, challenge, open, Optional.empty(), "unknown_factor", false,
          request);
    }
    FactorRecord f = factor.get();
    EngineContext ctx = new EngineContext(engine, user, request, policy, challenge.hash(), f.id(),
        f.kind(), false).answering(f);
    Verification v = engine.provider(f.kind()).orElseThrow().verify(ctx, f, answer);
    if (!v.isAccepted()) {
      return refused(user, policy, challenge, open, f, v, request);
    }
    FactorRecord answered = answering(user, policy, f, v);
    Settlement.FactorUse use = use(answered, v, ctx);
    Map<String, String> details = new LinkedHashMap<>(v.details());
    details.put("factor", answered.id().value());
    Assurance.Proof proof = Assurances.factor(answered.kind(), userVerified(v), engine.now());
    if (stepUp) {
      return steppedUp(user, challenge, Optional.of(use), Optional.empty(), proof, request,
          details);
    }
    if (!allowed) {
      return reEnroll(user, policy, challenge, open, Optional.of(use), Optional.empty(),
          answered.kind(), request, details);
    }
    return succeeded(user, policy, challenge, open, Optional.of(use), Optional.empty(),
        answered.kind(), remember, request, details,
        engine.assurances.signIn(user, Optional.of(open.record().created()), List.of(proof)));
  }

  /** Whether an accepted answer says the authenticator verified the person (passkeys only). */
  static boolean userVerified(Verification v) {
    return "true".equals(v.details().get(Verification.USER_VERIFIED));
  }

  /** A step-up's accepted answer: the ceremony completes, no sign-in is recorded. */
  private LoginStep steppedUp(UserRef user, ChallengeId challenge,
      Optional<Settlement.FactorUse> use, Optional<String> backupCode, Assurance.Proof proof,
      RequestContext request, Map<String, String> details) {
    Instant now = engine.now();
    Optional<Assurance> current = engine.ceremonies.mark(challenge, StepUp.ASSURANCE)
        .flatMap(engine.assurances::restore);
    details.put("method", proof.kind().orElseThrow().id());
    details.put("action", engine.ceremonies.mark(challenge, StepUp.ACTION).orElse(""));
    engine.audit(user, AuditType.STEP_UP_SUCCEEDED, AuditOutcome.SUCCESS, request, details);
    engine.settle(audit -> new Settlement(user.practice(), user.user(), challenge.hash(), now,
        true, use, Optional.empty(), backupCode, new Settlement.Unchanged(), Optional.empty(),
        audit), LOST);
    return new LoginStep.Authenticated(user, proof.kind(), false, Optional.empty(),
        engine.assurances.make(user, current, List.of(proof)));
  }

  /** A ceremony opened for an answer, or the step that refuses the answer. */
  private record Opening(Ceremonies.Open open, Optional<LoginStep> refusal) {}

  /**
   * Opens the ceremony under the user's lock; refuses (audited) when it is closed or the user is
   * locked now.
   */
  private Opening openForAnswer(UserRef user, ChallengeId challenge, ChallengePurpose purpose,
      Optional<FactorId> named, RequestContext request) {
    Ceremonies.Opened opened = engine.ceremonies.open(user, challenge, purpose, named);
    if (opened instanceof Ceremonies.Closed c) {
      return new Opening(null, Optional.of(closed(user, c, request)));
    }
    Ceremonies.Open open = (Ceremonies.Open) opened;
    return new Opening(open, locked(user, open, request));
  }

  /**
   * Refuses when the user's second step is locked now (read under the user's lock): audited,
   * nothing counted, nothing spent.
   */
  Optional<LoginStep> locked(UserRef user, Ceremonies.Open open, RequestContext request) {
    Optional<Instant> locked = open.state().lockedUntil().filter(engine.now()::isBefore);
    if (locked.isEmpty()) {
      return Optional.empty();
    }
    engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
        Map.of("reason", "locked"));
    return Optional.of(new LoginStep.Locked(locked.get()));
  }

  /**
   * A factor's refused answer: a counter regression is audited as a suspected clone, then the
   * answer is refused and counted like any other ({@link #refused(UserRef, PracticePolicy,
   * ChallengeId, Ceremonies.Open, Optional, String, boolean, RequestContext)}).
   */
  LoginStep refused(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Ceremonies.Open open, FactorRecord f, Verification v, RequestContext request) {
    if (v.outcome() == VerificationOutcome.COUNTER_REGRESSION) {
      // the provider's non-secret facts name the credential (it may not be the prompted one)
      Map<String, String> clone = new LinkedHashMap<>(v.details());
      clone.put("factor", f.id().value());
      clone.put("kind", f.kind().id());
      engine.audit(user, AuditType.CREDENTIAL_CLONE_SUSPECTED, AuditOutcome.FAILURE, request,
          clone);
    }
    return refused(user, policy, challenge, open, Optional.of(f), lower(v.outcome()),
        v.outcome() == VerificationOutcome.REPLAYED, request);
  }

  /**
   * The accepted answer's use of the factor that answered: the counter the provider advanced in
   * this unit, and its attributes if the provider changed them.
   */
  static Settlement.FactorUse use(FactorRecord answered, Verification v, EngineContext ctx) {
    Optional<Map<String, String>> attributes = v.updated()
        .map(FactorRecord::attributes)
        .filter(a -> !a.equals(answered.attributes()));
    return new Settlement.FactorUse(answered.id(), ctx.pendingCounter(answered.id()),
        answered.label(), attributes);
  }

  /**
   * The factor that answered: {@code prompted}, or (a prompt that covered several factors of one
   * kind, see {@link Verification#updated}) another active factor of the same user and kind.
   */
  FactorRecord answering(UserRef user, PracticePolicy policy, FactorRecord prompted,
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
    return answerable(engine.store.factors().list(user.practice(), user.user()), user, policy,
        u.id()).filter(g -> g.kind().equals(u.kind()))
        .orElseThrow(() -> new IllegalStateException("the answering factor is not usable"));
  }

  private LoginStep verifyBackupCode(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Ceremonies.Open open, Answer.BackupCode code, RememberDevice remember,
      RequestContext request, boolean stepUp) {
    if (!policy.methodsFor(user.audience()).contains(FactorKind.BACKUP_CODE)) {
      return refused(user, policy, challenge, open, Optional.empty(), "backup_codes_not_allowed",
          false, request);
    }
    BackupCodeBook.Checked r = engine.backupCodes.check(user, code.reveal());
    if (r.result() != BackupCodeBook.Result.ACCEPTED) {
      return refused(user, policy, challenge, open, Optional.empty(),
          "backup_code_" + lower(r.result()), r.result() == BackupCodeBook.Result.USED, request);
    }
    int remaining = engine.store.backupCodes().countUnused(user.practice(), user.user()) - 1;
    Map<String, String> used = Map.of("remaining", Integer.toString(remaining));
    engine.audit(user, AuditType.BACKUP_CODE_USED, AuditOutcome.SUCCESS, request, used);
    engine.notifyUser(NotificationType.BACKUP_CODE_USED, user, request, used);
    Assurance.Proof proof = Assurances.factor(FactorKind.BACKUP_CODE, false, engine.now());
    if (stepUp) {
      return steppedUp(user, challenge, Optional.empty(), Optional.of(r.lookup()), proof, request,
          new LinkedHashMap<>());
    }
    List<FactorRecord> all = engine.store.factors().list(user.practice(), user.user());
    if (usable(all, user, policy).isEmpty() && !reEnrolling(all, user, policy).isEmpty()) {
      return reEnroll(user, policy, challenge, open, Optional.empty(), Optional.of(r.lookup()),
          FactorKind.BACKUP_CODE, request, new LinkedHashMap<>());
    }
    return succeeded(user, policy, challenge, open, Optional.empty(), Optional.of(r.lookup()),
        FactorKind.BACKUP_CODE, remember, request, new LinkedHashMap<>(),
        engine.assurances.signIn(user, Optional.of(open.record().created()), List.of(proof)));
  }

  /** What a race loser is told once its unit is undone. */
  static final LoginStep LOST =
      new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE);

  LoginStep succeeded(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Ceremonies.Open open, Optional<Settlement.FactorUse> use, Optional<String> backupCode,
      FactorKind method, RememberDevice remember, RequestContext request,
      Map<String, String> details, Assurance assurance) {
    Instant now = engine.now();
    Optional<DeviceToken> token = Optional.empty();
    Optional<DeviceRecord> device = Optional.empty();
    if (remember == RememberDevice.YES && !policy.rememberDevice().isZero()) {
      DeviceToken t = DeviceToken.fromTrusted(Tokens.randomBase64Url(engine.random, 32));
      String id = Tokens.randomBase64Url(engine.random, 16);
      String label = request.userAgent().isEmpty() ? "Unknown browser"
          : request.userAgent().substring(0, Math.min(128, request.userAgent().length()));
      device = Optional.of(new DeviceRecord(id, user.practice(), user.user(), t.hash(), label,
          request.ip(), now, now.plus(policy.rememberDevice()), now));
      engine.audit(user, AuditType.DEVICE_REMEMBERED, AuditOutcome.SUCCESS, request,
          Map.of("device", id, "expires", now.plus(policy.rememberDevice()).toString()));
      token = Optional.of(t);
    }
    // "New device": a browser whose User-Agent differs from the last sign-in's. Simple on purpose;
    // the host may do better with its own session history.
    Optional<SignIn> previous = open.state().lastSignIn();
    if (previous.isPresent() && !previous.get().userAgent().equals(request.userAgent())) {
      engine.notifyUser(NotificationType.NEW_DEVICE_SIGN_IN, user, request, Map.of());
    }
    details.put("method", method.id());
    engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request, details);
    Optional<DeviceRecord> remembered = device;
    engine.settle(audit -> new Settlement(user.practice(), user.user(), challenge.hash(), now,
        true, use, Optional.empty(), backupCode,
        new Settlement.SignedIn(new SignIn(now, request.ip(), request.userAgent())), remembered,
        audit), LOST);
    return new LoginStep.Authenticated(user, Optional.of(method), false, token, assurance);
  }

  /**
   * A second step answered by a factor (or backup code) of a user who has no factor the policy
   * allows: the ceremony completes, and the sign-in goes on to enrollment of an allowed method.
   */
  private LoginStep reEnroll(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Ceremonies.Open open, Optional<Settlement.FactorUse> use, Optional<String> backupCode,
      FactorKind method, RequestContext request, Map<String, String> details) {
    Instant now = engine.now();
    details.put("method", method.id());
    details.put("next", "enrollment");
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", "second_factor_for_re_enrollment", "method", method.id()));
    engine.settle(audit -> new Settlement(user.practice(), user.user(), challenge.hash(), now,
        true, use, Optional.empty(), backupCode, new Settlement.Unchanged(), Optional.empty(),
        audit), LOST);
    return enrollmentRequired(user, policy, request);
  }

  /**
   * A refused answer: counts it against the factor and the user, locks and disables where limits
   * are reached, audits the true reason and tells the user only "not accepted". Decided from the
   * state read under the user's lock, so parallel wrong answers are counted one after another.
   */
  LoginStep refused(UserRef user, PracticePolicy policy, ChallengeId challenge,
      Ceremonies.Open open, Optional<FactorRecord> factor, String reason, boolean replay,
      RequestContext request) {
    Instant now = engine.now();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", reason);
    factor.ifPresent(f -> {
      details.put("factor", f.id().value());
      details.put("kind", f.kind().id());
    });
    engine.audit(user, replay ? AuditType.CODE_REPLAYED : AuditType.SECOND_FACTOR_FAILED,
        AuditOutcome.FAILURE, request, details);
    Optional<Settlement.FactorFailure> failed = Optional.empty();
    if (factor.isPresent()) {
      FactorRecord f = factor.get();
      int failures = f.failures() + 1;
      boolean disable = failures >= policy.factorFailureLimit();
      failed = Optional.of(new Settlement.FactorFailure(f.id(), disable));
      if (disable) {
        Map<String, String> d = Map.of("factor", f.id().value(), "kind", f.kind().id(),
            "label", f.label(), "failures", Integer.toString(failures));
        engine.audit(user, AuditType.FACTOR_DISABLED, AuditOutcome.SUCCESS, request, d);
        engine.notifyUser(NotificationType.FACTOR_DISABLED, user, request, d);
      }
    }
    engine.notifyUser(NotificationType.SECOND_FACTOR_FAILED, user, request,
        Map.of("at", now.toString(), "ip", request.ip(), "userAgent", request.userAgent()));
    int n = open.state().consecutiveFailures() + 1;
    Optional<Instant> lock = engine.lockFor(n, policy);
    lock.ifPresent(until -> engine.lockedOut(user, n, until, request));
    Optional<Settlement.FactorFailure> factorFailure = failed;
    engine.settle(audit -> new Settlement(user.practice(), user.user(), challenge.hash(), now,
        false, Optional.empty(), factorFailure, Optional.empty(), new Settlement.Failed(lock),
        Optional.empty(), audit), LOST);
    if (lock.isPresent()) {
      return new LoginStep.Locked(lock.get());
    }
    int left = open.attemptsLeft() - 1;
    if (left <= 0) {
      return new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    return new LoginStep.Retry(challenge, left);
  }

  @Override
  public LoginStep completeEnrollment(UserRef user, ChallengeId challenge, ChallengeId enrollment,
      RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(enrollment, "enrollment");
    Objects.requireNonNull(request, "request");
    return engine.atomically(() -> completeEnrollmentInUnit(user, challenge, enrollment,
        request));
  }

  /** The mark an enrollment ceremony gets once it completed a sign-in: it completes only one. */
  private static final String COMPLETED_SIGN_IN = "completed_sign_in";

  private LoginStep completeEnrollmentInUnit(UserRef user, ChallengeId challenge,
      ChallengeId enrollment, RequestContext request) {
    Ceremonies.Opened opened = engine.ceremonies.open(user, challenge,
        ChallengePurpose.SIGN_IN_ENROLLMENT, Optional.empty());
    if (opened instanceof Ceremonies.Closed c) {
      return closed(user, c, request);
    }
    Ceremonies.Open open = (Ceremonies.Open) opened;
    PracticePolicy policy = engine.policy(user.practice());
    // Only the factor that this very enrollment ceremony enrolled completes the sign-in, and only
    // if that ceremony began after this sign-in did and was confirmed: a factor enrolled in
    // another session's ceremony (the real user's, say) never completes an attacker's sign-in.
    Optional<ChallengeRecord> e = engine.ceremonies.find(user, enrollment)
        .filter(r -> r.purpose() == ChallengePurpose.ENROLLMENT && r.consumed().isPresent()
            && !r.created().isBefore(open.record().created()) && r.factor().isPresent());
    Optional<FactorRecord> factor = e.flatMap(r -> engine.store.factors()
        .find(user.practice(), user.user(), r.factor().get()))
        .filter(f -> f.state() == FactorState.ACTIVE && engine.usable(policy, user, f.kind()));
    if (factor.isEmpty() || engine.ceremonies.mark(enrollment, COMPLETED_SIGN_IN).isPresent()) {
      engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
          Map.of("reason", "not_enrolled"));
      return new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    engine.ceremonies.mark(enrollment, COMPLETED_SIGN_IN, "1");
    if (!engine.ceremonies.take(challenge) || !engine.ceremonies.complete(challenge)) {
      throw new Engine.Undo(LOST);
    }
    FactorRecord f = factor.get();
    Instant now = engine.now();
    recordSignInAndNotifyNewDevice(user, open.state(), now, request);
    engine.audit(user, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, request,
        Map.of("method", f.kind().id(), "via", "enrollment", "factor", f.id().value()));
    return new LoginStep.Authenticated(user, Optional.of(f.kind()), false, Optional.empty(),
        engine.assurances.signIn(user, Optional.of(open.record().created()),
            List.of(Assurances.factor(f.kind(), false, now))));
  }

  /** Ceremony marks of a passkey-then-password sign-in: when the passkey answered, and its UV. */
  static final String PASSKEY_AT = "passkey_at";
  static final String PASSKEY_UV = "passkey_uv";

  @Override
  public LoginStep completeWithPassword(UserRef user, ChallengeId challenge, Password password,
      RememberDevice remember, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(remember, "remember");
    Objects.requireNonNull(request, "request");
    return engine.atomically(() -> {
      Opening opening = openForAnswer(user, challenge, ChallengePurpose.SIGN_IN_PASSWORD,
          Optional.empty(), request);
      if (opening.refusal().isPresent()) {
        return opening.refusal().get();
      }
      Ceremonies.Open open = opening.open();
      PracticePolicy policy = engine.policy(user.practice());
      if (!engine.config.passwords.verify(user, password, request)) {
        return refused(user, policy, challenge, open, Optional.empty(), "password_rejected",
            false, request);
      }
      Optional<LoginStep> change = new PasswordFlow(engine).changeRequired(user, policy, request);
      if (change.isPresent()) {
        if (!engine.ceremonies.take(challenge) || !engine.ceremonies.complete(challenge)) {
          throw new Engine.Undo(LOST);
        }
        return change.get();
      }
      Instant passkeyAt = engine.ceremonies.mark(challenge, PASSKEY_AT).map(Instant::parse)
          .orElseThrow(() -> new IllegalStateException("the sign-in has no passkey proof"));
      boolean uv = engine.ceremonies.mark(challenge, PASSKEY_UV).map(Boolean::parseBoolean)
          .orElse(false);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("via", "passkey_and_password");
      Assurance assurance = engine.assurances.signIn(user, Optional.of(engine.now()),
          List.of(Assurances.factor(FactorKind.PASSKEY, uv, passkeyAt)));
      return succeeded(user, policy, challenge, open, Optional.empty(), Optional.empty(),
          FactorKind.PASSKEY, remember, request, details, assurance);
    });
  }

  @Override
  public PasswordlessStart beginPasswordless(PracticeId practice, RequestContext request) {
    return passwordless.begin(practice, request);
  }

  @Override
  public LoginStep finishPasswordless(PracticeId practice, ChallengeId ceremony, String response,
      Function<UserId, Optional<UserRef>> users, RememberDevice remember,
      RequestContext request) {
    return passwordless.finish(practice, ceremony, response, users, remember, request);
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
  private void recordSignInAndNotifyNewDevice(UserRef user, UserSecurityState state, Instant now,
      RequestContext request) {
    Optional<SignIn> previous = state.lastSignIn();
    engine.store.users().recordSignIn(user.practice(), user.user(),
        new SignIn(now, request.ip(), request.userAgent()));
    if (previous.isPresent() && !previous.get().userAgent().equals(request.userAgent())) {
      engine.notifyUser(NotificationType.NEW_DEVICE_SIGN_IN, user, request, Map.of());
    }
  }
}
