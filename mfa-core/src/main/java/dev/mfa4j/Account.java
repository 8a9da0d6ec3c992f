package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One user's own two-factor settings. */
final class Account implements AccountSecurity {
  /** Shown when a RESTRICTED authenticator (SMS, voice) is enrolled. */
  static final String RESTRICTED_NOTICE = "Codes sent by text message or voice call are a"
      + " RESTRICTED authenticator (NIST SP 800-63B-4 §3.1.3.3): a SIM swap or number port can"
      + " let someone else receive them. Add an authenticator app or a passkey as well.";

  private final Engine engine;
  private final UserRef user;
  private final Reauth reauth;

  Account(Engine engine, UserRef user) {
    this(engine, user, Optional.empty());
  }

  private Account(Engine engine, UserRef user, Optional<Assurance> assurance) {
    this.engine = engine;
    this.user = user;
    this.reauth = new Reauth(engine, user, assurance);
  }

  @Override
  public AccountSecurity confirmedBy(Assurance assurance) {
    Objects.requireNonNull(assurance, "assurance");
    return new Account(engine, user, Optional.of(assurance));
  }

  /** The practice's reauthentication rule, with or without a password given now. */
  private void reauthenticate(Optional<Password> password, RequestContext request,
      String action) {
    reauth.account(action, password, request, p -> confirmPassword(p, request, action));
  }

  @Override
  public List<Advice> advice() {
    List<FactorRecord> active = engine.store.factors().list(user.practice(), user.user())
        .stream().filter(f -> f.state() == FactorState.ACTIVE).toList();
    List<Advice> out = new ArrayList<>();
    if (active.size() == 1 && active.get(0).kind().equals(FactorKind.PASSKEY)
        && !"true".equals(engine.summary(active.get(0)).display().get(FactorSummary.SYNCED))) {
      out.add(Advice.ADD_BACKUP_FOR_DEVICE_BOUND_PASSKEY);
    }
    if (!active.isEmpty() && active.stream()
        .allMatch(f -> engine.provider(f.kind()).map(FactorProvider::restricted).orElse(false))) {
      out.add(Advice.ADD_UNRESTRICTED_FACTOR);
    }
    return List.copyOf(out);
  }

  @Override
  public List<ClientSignal> signals(ClientSignal.Names names) {
    Objects.requireNonNull(names, "names");
    return signalsOf(engine.store.factors().list(user.practice(), user.user()), List.of(),
        Optional.of(names));
  }

  /** Each provider's signals for its kind: the records kept and removed. */
  private List<ClientSignal> signalsOf(List<FactorRecord> kept, List<FactorRecord> removed,
      Optional<ClientSignal.Names> names) {
    List<ClientSignal> out = new ArrayList<>();
    for (FactorProvider p : engine.config.providers.values()) {
      List<FactorRecord> k = kept.stream().filter(f -> f.kind().equals(p.kind())).toList();
      List<FactorRecord> r = removed.stream().filter(f -> f.kind().equals(p.kind())).toList();
      if (!k.isEmpty() || !r.isEmpty()) {
        out.addAll(p.signals(k, r, names));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public boolean twoFactorEnabled() {
    return engine.twoFactorOn(user);
  }

  @Override
  public List<FactorSummary> factors() {
    return engine.store.factors().list(user.practice(), user.user()).stream()
        .filter(f -> f.state() != FactorState.PENDING)
        .map(engine::summary)
        .toList();
  }

  /**
   * Checks the password. A wrong one is audited and counted with the user's second-step failures,
   * so guessing it here is throttled like guessing a code: while the user is locked, no password
   * is checked at all.
   */
  private void confirmPassword(Password password, RequestContext request, String action) {
    engine.passwordCheck(user, action, request, () -> {
      if (!engine.config.passwords.verify(user, password, request)) {
        throw new PasswordRejectedException();
      }
      return Boolean.TRUE;
    });
  }

  @Override
  public EnrollmentStart beginEnrollment(FactorKind kind, String label, Password password,
      Map<String, String> parameters, RequestContext request) {
    Objects.requireNonNull(password, "password");
    return beginEnrollment(kind, label, Optional.of(password), parameters, request);
  }

  @Override
  public EnrollmentStart beginEnrollment(FactorKind kind, String label,
      Map<String, String> parameters, RequestContext request) {
    return beginEnrollment(kind, label, Optional.empty(), parameters, request);
  }

  private EnrollmentStart beginEnrollment(FactorKind kind, String label,
      Optional<Password> password, Map<String, String> parameters, RequestContext request) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(request, "request");
    String cleanLabel = Engine.checkLabel(label);
    if (kind.equals(FactorKind.BACKUP_CODE)) {
      throw new InvalidInputException("backup codes are issued with the first factor");
    }
    FactorProvider provider = engine.provider(kind)
        .orElseThrow(() -> new InvalidInputException("no provider for kind " + kind.id()));
    PracticePolicy policy = engine.policy(user.practice());
    if (!policy.methodsFor(user.audience()).contains(kind)) {
      throw new PolicyViolationException("the practice does not allow " + kind.id()
          + " for " + user.audience().name().toLowerCase(java.util.Locale.ROOT));
    }
    reauthenticate(password, request, "enroll");
    if (policy.requireNonPhoneFactor() && provider.restricted() && !holdsUnrestricted()) {
      throw new PolicyViolationException("the practice requires a non-phone factor first:"
          + " enroll an authenticator app or a passkey before a phone");
    }
    Instant now = engine.now();
    deleteStalePending(now);
    FactorRecord pending = new FactorRecord(FactorId.random(engine.random), user.practice(),
        user.user(), kind, cleanLabel, FactorState.PENDING, now, Optional.empty(), 0, 0,
        Optional.empty(), new byte[0], Map.of());
    Duration lifetime = PracticePolicy.MAX_CODE_LIFETIME;
    Engine.Issued c = engine.issue(user, ChallengePurpose.ENROLLMENT, Optional.of(pending.id()),
        lifetime, policy.maxAttemptsPerChallenge());
    EngineContext ctx = new EngineContext(engine, user, request, policy, c.id().hash(),
        pending.id(), kind, true);
    Enrollment e = provider.begin(ctx, pending, Map.copyOf(parameters));
    FactorRecord p = e.pending();
    if (!p.id().equals(pending.id()) || !p.practice().equals(user.practice())
        || !p.user().equals(user.user()) || !p.kind().equals(kind)) {
      throw new IllegalStateException("provider " + kind.id() + " changed the factor's identity");
    }
    engine.atomically(() -> {
      engine.ceremonies.store(c);
      ctx.flush();
      engine.store.factors().insert(p);
      engine.audit(user, AuditType.ENROLLMENT_STARTED, AuditOutcome.SUCCESS, request,
          Map.of("factor", p.id().value(), "kind", kind.id()));
      return null;
    });
    return new EnrollmentStart(c.id(), p.id(), kind, c.record().expires(), e.details());
  }

  /** Pending factors whose ceremony has expired can never be confirmed: forget them. */
  private void deleteStalePending(Instant now) {
    for (FactorRecord f : engine.store.factors().list(user.practice(), user.user())) {
      if (f.state() == FactorState.PENDING
          && !now.isBefore(f.created().plus(PracticePolicy.MAX_CODE_LIFETIME))) {
        engine.store.factors().delete(user.practice(), user.user(), f.id());
      }
    }
  }

  private boolean holdsUnrestricted() {
    return engine.store.factors().list(user.practice(), user.user()).stream()
        .anyMatch(f -> f.state() == FactorState.ACTIVE
            && engine.provider(f.kind()).map(p -> !p.restricted()).orElse(false));
  }

  @Override
  public EnrollmentOutcome confirmEnrollment(ChallengeId ceremony, Answer answer,
      RequestContext request) {
    Objects.requireNonNull(ceremony, "ceremony");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(request, "request");
    if (answer instanceof Answer.BackupCode) {
      throw new InvalidInputException("an enrollment is confirmed with a code or a response");
    }
    return engine.atomically(() -> confirmInUnit(ceremony, answer, request));
  }

  private EnrollmentOutcome confirmInUnit(ChallengeId ceremony, Answer answer,
      RequestContext request) {
    byte[] hash = ceremony.hash();
    Ceremonies.Opened opened = engine.ceremonies.open(user, ceremony, ChallengePurpose.ENROLLMENT,
        Optional.empty());
    if (opened instanceof Ceremonies.Closed closed) {
      if (closed.reason() == LoginStep.Reason.INVALID_CHALLENGE
          || closed.reason() == LoginStep.Reason.ALREADY_COMPLETE) {
        engine.audit(user, AuditType.FACTOR_ENROLLED, AuditOutcome.DENIED, request,
            Map.of("reason", closed.reason().name().toLowerCase(java.util.Locale.ROOT)));
      }
      return new EnrollmentOutcome.Rejected(closed.reason());
    }
    ChallengeRecord rec = ((Ceremonies.Open) opened).record();
    if (rec.factor().isEmpty()) {
      return new EnrollmentOutcome.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    FactorId id = rec.factor().get();
    Optional<FactorRecord> found = engine.store.factors().find(user.practice(), user.user(), id)
        .filter(f -> f.state() == FactorState.PENDING);
    if (found.isEmpty()) {
      return new EnrollmentOutcome.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
    }
    FactorId answered = answer instanceof Answer.Code c ? c.factor()
        : ((Answer.Response) answer).factor();
    if (!answered.equals(id)) {
      throw new InvalidInputException("the answer is for another factor");
    }
    if (!engine.ceremonies.take(ceremony)) {
      return new EnrollmentOutcome.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    FactorRecord pending = found.get();
    PracticePolicy policy = engine.policy(user.practice());
    FactorProvider provider = engine.provider(pending.kind()).orElse(null);
    if (provider == null || !policy.methodsFor(user.audience()).contains(pending.kind())) {
      throw new PolicyViolationException("the practice no longer allows " + pending.kind().id());
    }
    EngineContext ctx = new EngineContext(engine, user, request, policy, hash, id,
        pending.kind(), false);
    Verification v = provider.confirm(ctx, pending, answer);
    if (!v.isAccepted()) {
      engine.audit(user, AuditType.FACTOR_ENROLLED, AuditOutcome.FAILURE, request,
          Map.of("factor", id.value(), "kind", pending.kind().id(),
              "reason", v.outcome().name().toLowerCase(java.util.Locale.ROOT)));
      int left = rec.maxAttempts() - rec.attempts() - 1;
      return left > 0 ? new EnrollmentOutcome.Retry(left)
          : new EnrollmentOutcome.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    if (!engine.ceremonies.complete(ceremony)) {
      throw new Engine.Undo(new EnrollmentOutcome.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    }
    boolean first = !engine.twoFactorOn(user);
    FactorRecord active;
    if (v.updated().isPresent()) {
      FactorRecord u = v.updated().get();
      if (!u.id().equals(id) || !u.practice().equals(user.practice())
          || !u.user().equals(user.user()) || !u.kind().equals(pending.kind())) {
        throw new IllegalStateException("provider changed the factor's identity");
      }
      // FactorStore has no full replace: the pending row is deleted and the provider's record
      // inserted as active. The consumed ceremony keeps this step single.
      Optional<FactorRecord> current = engine.store.factors().find(user.practice(), user.user(), id);
      if (current.isEmpty() || current.get().state() != FactorState.PENDING
          || !engine.store.factors().delete(user.practice(), user.user(), id)) {
        return new EnrollmentOutcome.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
      }
      active = new FactorRecord(u.id(), u.practice(), u.user(), u.kind(), pending.label(),
          FactorState.ACTIVE, pending.created(), current.get().lastUsed(),
          Math.max(u.counter(), current.get().counter()), 0, u.lookupKey(), u.sealedSecret(),
          u.attributes());
      engine.store.factors().insert(active);
    } else {
      if (!engine.store.factors().transition(user.practice(), user.user(), id,
          FactorState.PENDING, FactorState.ACTIVE)) {
        return new EnrollmentOutcome.Rejected(LoginStep.Reason.INVALID_CHALLENGE);
      }
      active = engine.store.factors().find(user.practice(), user.user(), id).orElseThrow(
          () -> new StoreException("factor vanished after activation"));
    }
    engine.revokeDevices(user, request, "factor_added");
    if (first) {
      // two-factor is on: enrollment grace never applies to this user again
      engine.store.users().endGrace(user.practice(), user.user(), engine.now());
    }
    Map<String, String> details = Map.of("factor", id.value(), "kind", active.kind().id(),
        "label", active.label());
    engine.audit(user, AuditType.FACTOR_ENROLLED, AuditOutcome.SUCCESS, request, details);
    engine.notifyUser(NotificationType.FACTOR_ADDED, user, request, details);
    Optional<BackupCodes> codes = first
        ? Optional.of(engine.issueBackupCodes(user, request))
        : Optional.empty();
    replaceOldFactor(active, request);
    List<String> notices = new ArrayList<>();
    if (provider.restricted()) {
      notices.add(RESTRICTED_NOTICE);
    }
    return new EnrollmentOutcome.Confirmed(engine.summary(active), codes, notices);
  }

  /**
   * A confirmed factor whose record names another factor in {@link FactorRecord#REPLACES} (a new
   * phone number replacing the old one) removes that factor: same user, same kind, never itself.
   * The password was confirmed when the replacing enrollment began, and the new binding has just
   * been verified, so the old one goes without a second password prompt.
   */
  private void replaceOldFactor(FactorRecord active, RequestContext request) {
    String replaced = active.attributes().get(FactorRecord.REPLACES);
    if (replaced == null) {
      return;
    }
    FactorId oldId = FactorId.of(replaced);
    Optional<FactorRecord> old = engine.store.factors().find(user.practice(), user.user(), oldId)
        .filter(f -> f.kind().equals(active.kind()) && !f.id().equals(active.id()));
    if (old.isPresent()
        && engine.store.factors().delete(user.practice(), user.user(), oldId)) {
      Map<String, String> d = Map.of("factor", oldId.value(), "kind", old.get().kind().id(),
          "label", old.get().label(), "replaced_by", active.id().value());
      engine.audit(user, AuditType.FACTOR_REMOVED, AuditOutcome.SUCCESS, request, d);
      engine.notifyUser(NotificationType.FACTOR_REMOVED, user, request, d);
    }
  }

  private FactorRecord ownFactor(FactorId factor) {
    return engine.store.factors().find(user.practice(), user.user(), factor)
        .filter(f -> f.state() != FactorState.PENDING)
        .orElseThrow(() -> new NotFoundException("no such factor"));
  }

  @Override
  public void rename(FactorId factor, String label, RequestContext request) {
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(request, "request");
    String clean = Engine.checkLabel(label);
    engine.atomically(() -> {
      FactorRecord f = ownFactor(factor);
      if (!engine.store.factors().update(user.practice(), user.user(), factor, clean,
          f.attributes())) {
        throw new NotFoundException("no such factor");
      }
      engine.audit(user, AuditType.FACTOR_RENAMED, AuditOutcome.SUCCESS, request,
          Map.of("factor", factor.value(), "kind", f.kind().id()));
      return null;
    });
  }

  @Override
  public List<ClientSignal> remove(FactorId factor, Password password, RequestContext request) {
    Objects.requireNonNull(password, "password");
    return remove(factor, Optional.of(password), request);
  }

  @Override
  public List<ClientSignal> remove(FactorId factor, RequestContext request) {
    return remove(factor, Optional.empty(), request);
  }

  private List<ClientSignal> remove(FactorId factor, Optional<Password> password,
      RequestContext request) {
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(request, "request");
    ownFactor(factor);
    reauthenticate(password, request, "remove_factor");
    return engine.atomically(() -> removeInUnit(factor, request));
  }

  /**
   * Removes the factor and, with the last one, turns two-factor off: one unit of work. Returns
   * the signals for the browser (computed from what the unit saw).
   */
  private List<ClientSignal> removeInUnit(FactorId factor, RequestContext request) {
    engine.store.users().lock(user.practice(), user.user());
    FactorRecord f = ownFactor(factor);
    List<FactorRecord> before = engine.store.factors().list(user.practice(), user.user());
    PracticePolicy policy = engine.policy(user.practice());
    if (policy.requireNonPhoneFactor() && f.state() == FactorState.ACTIVE
        && !engine.provider(f.kind()).map(FactorProvider::restricted).orElse(true)) {
      List<FactorRecord> others = engine.store.factors().list(user.practice(), user.user())
          .stream().filter(o -> o.state() == FactorState.ACTIVE && !o.id().equals(factor))
          .toList();
      boolean phoneLeft = others.stream()
          .anyMatch(o -> engine.provider(o.kind()).map(FactorProvider::restricted).orElse(false));
      boolean unrestrictedLeft = others.stream()
          .anyMatch(o -> engine.provider(o.kind()).map(p -> !p.restricted()).orElse(false));
      if (phoneLeft && !unrestrictedLeft) {
        throw new PolicyViolationException("the practice requires a non-phone factor:"
            + " remove the phone first or add another factor");
      }
    }
    if (!engine.store.factors().delete(user.practice(), user.user(), factor)) {
      throw new NotFoundException("no such factor");
    }
    Map<String, String> details = Map.of("factor", factor.value(), "kind", f.kind().id(),
        "label", f.label());
    engine.audit(user, AuditType.FACTOR_REMOVED, AuditOutcome.SUCCESS, request, details);
    engine.notifyUser(NotificationType.FACTOR_REMOVED, user, request, details);
    engine.revokeDevices(user, request, "factor_removed");
    List<ClientSignal> signals = signalsOf(
        before.stream().filter(o -> !o.id().equals(factor)).toList(), List.of(f),
        Optional.empty());
    if (!engine.twoFactorOn(user)) {
      engine.turnOff(user, Optional.empty(), request, Map.of("reason", "last_factor_removed"));
    }
    return signals;
  }

  @Override
  public BackupCodes regenerateBackupCodes(Password password, RequestContext request) {
    Objects.requireNonNull(password, "password");
    return regenerateBackupCodes(Optional.of(password), request);
  }

  @Override
  public BackupCodes regenerateBackupCodes(RequestContext request) {
    return regenerateBackupCodes(Optional.empty(), request);
  }

  private BackupCodes regenerateBackupCodes(Optional<Password> password,
      RequestContext request) {
    Objects.requireNonNull(request, "request");
    reauthenticate(password, request, "regenerate_backup_codes");
    return engine.atomically(() -> {
      if (!engine.twoFactorOn(user)) {
        throw new PolicyViolationException(
            "two-factor is off: there are no backup codes to renew");
      }
      return engine.issueBackupCodes(user, request);
    });
  }

  @Override
  public int backupCodesRemaining() {
    return engine.store.backupCodes().countUnused(user.practice(), user.user());
  }

  @Override
  public void disableTwoFactor(Password password, RequestContext request) {
    Objects.requireNonNull(password, "password");
    disableTwoFactor(Optional.of(password), request);
  }

  @Override
  public void disableTwoFactor(RequestContext request) {
    disableTwoFactor(Optional.empty(), request);
  }

  private void disableTwoFactor(Optional<Password> password, RequestContext request) {
    Objects.requireNonNull(request, "request");
    reauthenticate(password, request, "disable_two_factor");
    engine.atomically(() -> {
      engine.store.users().lock(user.practice(), user.user());
      engine.turnOff(user, Optional.empty(), request, Map.of("reason", "user"));
      return null;
    });
  }

  @Override
  public List<RememberedDevice> rememberedDevices() {
    return engine.store.devices().list(user.practice(), user.user()).stream()
        .map(Account::toDevice)
        .toList();
  }

  private static RememberedDevice toDevice(DeviceRecord d) {
    return new RememberedDevice(d.id(), d.label(), d.ip(), d.created(), d.expires(),
        d.lastSeen());
  }

  @Override
  public void revokeDevice(String deviceId, RequestContext request) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(request, "request");
    if (deviceId.isEmpty() || deviceId.length() > 64 || !Tokens.isBase64Url(deviceId)) {
      throw new InvalidInputException("device id is malformed");
    }
    engine.atomically(() -> {
      if (!engine.store.devices().delete(user.practice(), user.user(), deviceId)) {
        throw new NotFoundException("no such device");
      }
      engine.audit(user, AuditType.DEVICE_REVOKED, AuditOutcome.SUCCESS, request,
          Map.of("device", deviceId));
      return null;
    });
  }

  @Override
  public void revokeAllDevices(RequestContext request) {
    Objects.requireNonNull(request, "request");
    engine.atomically(() -> {
      int n = engine.store.devices().deleteAll(user.practice(), user.user());
      engine.audit(user, AuditType.DEVICE_REVOKED, AuditOutcome.SUCCESS, request,
          Map.of("count", Integer.toString(n)));
      return null;
    });
  }

  @Override
  public PasswordCheck changePassword(Password current, Password next, RequestContext request) {
    return new PasswordFlow(engine).change(user, current, next, request);
  }

  @Override
  public String toString() {
    return "AccountSecurity[" + user.practice().value() + "/" + user.user().value() + "]";
  }
}
