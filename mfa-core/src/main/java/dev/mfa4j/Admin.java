package dev.mfa4j;

import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** An administrator's actions; the actor is checked on every call. */
final class Admin implements Administration {
  private final Engine engine;
  private final UserRef actor;
  private final Reauth reauth;

  Admin(Engine engine, UserRef actor) {
    this(engine, actor, Optional.empty());
  }

  private Admin(Engine engine, UserRef actor, Optional<Assurance> assurance) {
    this.engine = engine;
    this.actor = actor;
    this.reauth = new Reauth(engine, actor, assurance);
  }

  @Override
  public Administration confirmedBy(Assurance assurance) {
    Objects.requireNonNull(assurance, "assurance");
    return new Admin(engine, actor, Optional.of(assurance));
  }

  /** Refuses and audits unless the actor administers {@code practice}. */
  private void authorize(PracticeId practice, Optional<UserId> subject, String action,
      RequestContext request) {
    if (actor.admin() && actor.practice().equals(practice)) {
      return;
    }
    engine.audit(practice, subject, Optional.of(actor.user()), AuditType.ACCESS_DENIED,
        AuditOutcome.DENIED, request, Map.of("action", action,
            "actor_practice", actor.practice().value(),
            "actor_admin", Boolean.toString(actor.admin())));
    throw new AccessDeniedException(actor.admin()
        ? "an administrator may act only within their own practice"
        : "only a practice administrator may do this");
  }

  @Override
  public PracticePolicy policy() {
    authorize(actor.practice(), Optional.empty(), "read_policy", RequestContext.system());
    return engine.policy(actor.practice());
  }

  @Override
  public void setPolicy(PracticePolicy policy, RequestContext request) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(request, "request");
    authorize(actor.practice(), Optional.empty(), "set_policy", request);
    reauth.admin("set_policy", request);
    for (Audience audience : Audience.values()) {
      // PracticePolicy refuses a requirement with no method at all; this engine must also be able
      // to set one of them up (a provider registered for it), else nobody could comply
      if (policy.requirement().requires(audience) && policy.methodsFor(audience).stream()
          .noneMatch(k -> !k.equals(FactorKind.BACKUP_CODE) && engine.provider(k).isPresent())) {
        throw new PolicyViolationException("two-factor is required for "
            + (audience == Audience.STAFF ? "staff" : "clients")
            + ", but none of the methods allowed for them is available here");
      }
    }
    // the policy and its audit row commit together, or neither does
    engine.atomically(() -> {
      engine.store.policies().put(actor.practice(), policy);
      engine.audit(actor.practice(), Optional.empty(), Optional.of(actor.user()),
          AuditType.POLICY_CHANGED, AuditOutcome.SUCCESS, request,
          Map.of("requirement", policy.requirement().name(),
              "remember_device", policy.rememberDevice().toString(),
              "nist_departures", Integer.toString(policy.warnings().size())));
      return null;
    });
    engine.policyChanged(actor.practice());
  }

  @Override
  public void disableTwoFactor(UserRef target, String reason, RequestContext request) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(request, "request");
    String r = reason.strip();
    if (r.isEmpty() || r.length() > 256) {
      throw new InvalidInputException("reason must be 1 to 256 characters");
    }
    Engine.checkNoControl(r, "reason");
    authorize(target.practice(), Optional.of(target.user()), "disable_two_factor", request);
    reauth.admin("disable_two_factor", request);
    engine.atomically(() -> {
      engine.store.users().lock(target.practice(), target.user());
      engine.turnOff(target, Optional.of(actor.user()), request, Map.of("reason", r));
      return null;
    });
  }

  @Override
  public List<UserTwoFactorStatus> twoFactorStatus(Collection<UserRef> users) {
    Objects.requireNonNull(users, "users");
    List<UserRef> list = new ArrayList<>(users.size());
    for (UserRef u : users) {
      list.add(Objects.requireNonNull(u, () -> "users[" + list.size() + "]"));
    }
    for (UserRef u : list) {
      authorize(u.practice(), Optional.of(u.user()), "read_status", RequestContext.system());
    }
    PracticePolicy policy = engine.policy(actor.practice());
    List<UserTwoFactorStatus> out = new ArrayList<>(list.size());
    for (UserRef u : list) {
      List<FactorKind> methods = engine.store.factors().list(u.practice(), u.user()).stream()
          .filter(f -> f.state() == FactorState.ACTIVE)
          .map(FactorRecord::kind)
          .distinct()
          .toList();
      Optional<Instant> last = engine.store.users().find(u.practice(), u.user())
          .flatMap(UserSecurityState::lastSignIn)
          .map(SignIn::at);
      out.add(new UserTwoFactorStatus(u, !methods.isEmpty(), methods, policy.requires(u), last));
    }
    return out;
  }

  @Override
  public SecurityActivity activity(UserRef target, OptionalLong beforeSeq, int limit) {
    Objects.requireNonNull(target, "target");
    checkPage(beforeSeq, limit);
    authorize(target.practice(), Optional.of(target.user()), "read_activity",
        RequestContext.system());
    Optional<SignIn> last = engine.store.users().find(target.practice(), target.user())
        .flatMap(UserSecurityState::lastSignIn);
    AuditPage page = page(target.practice(), Optional.of(target.user()), beforeSeq, limit);
    return new SecurityActivity(target, last, page.events(), page.next());
  }

  @Override
  public AuditPage practiceActivity(OptionalLong beforeSeq, int limit) {
    checkPage(beforeSeq, limit);
    authorize(actor.practice(), Optional.empty(), "read_practice_activity",
        RequestContext.system());
    return page(actor.practice(), Optional.empty(), beforeSeq, limit);
  }

  private static void checkPage(OptionalLong beforeSeq, int limit) {
    Objects.requireNonNull(beforeSeq, "beforeSeq");
    if (limit < 1 || limit > 500) {
      throw new InvalidInputException("limit must be 1 to 500");
    }
    if (beforeSeq.isPresent() && beforeSeq.getAsLong() < 1) {
      throw new InvalidInputException("beforeSeq must be at least 1");
    }
  }

  private AuditPage page(PracticeId practice, Optional<UserId> subject, OptionalLong beforeSeq,
      int limit) {
    List<AuditEntry> entries = engine.store.audit().findEntries(
        AuditQuery.bySeq(practice, subject, beforeSeq, limit));
    OptionalLong next = entries.size() < limit ? OptionalLong.empty()
        : OptionalLong.of(entries.get(entries.size() - 1).seq());
    return new AuditPage(entries.stream().map(AuditEntry::event).toList(), next);
  }

  @Override
  public UserSecurityOverview securityState(UserRef target) {
    Objects.requireNonNull(target, "target");
    authorize(target.practice(), Optional.of(target.user()), "read_security_state",
        RequestContext.system());
    Instant now = engine.now();
    UserSecurityState s = engine.store.users().find(target.practice(), target.user())
        .orElse(UserSecurityState.initial(target.practice(), target.user()));
    List<FactorSummary> factors = engine.store.factors().list(target.practice(), target.user())
        .stream().map(engine::summary).toList();
    return new UserSecurityOverview(target, s.consecutiveFailures(),
        s.lockedUntil().filter(now::isBefore), s.lastSignIn(), factors,
        engine.store.backupCodes().countUnused(target.practice(), target.user()),
        engine.store.devices().list(target.practice(), target.user()).size(), now);
  }

  @Override
  public TemporaryPassword resetPassword(UserRef target, RequestContext request) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(request, "request");
    authorize(target.practice(), Optional.of(target.user()), "reset_password", request);
    reauth.admin("reset_password", request);
    return engine.atomically(() -> new PasswordFlow(engine).reset(actor, target, request));
  }

  @Override
  public AuditVerification verifyAudit(List<AuditCheckpoint> trusted, RequestContext request) {
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(request, "request");
    authorize(actor.practice(), Optional.empty(), "verify_audit", request);
    AuditVerification v = engine.config.auditTrail().verify(actor.practice(), trusted);
    Map<String, String> details = new java.util.LinkedHashMap<>();
    details.put("result", v.intact() ? "intact" : "broken");
    details.put("through", Long.toString(v.throughSeq()));
    v.firstBreak().ifPresent(b -> {
      details.put("kind", b.kind().name());
      details.put("seq", Long.toString(b.seq()));
    });
    engine.audit(actor.practice(), Optional.empty(), Optional.of(actor.user()),
        AuditType.AUDIT_VERIFIED, v.intact() ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
        request, details);
    return v;
  }

  @Override
  public long exportAudit(long afterSeq, java.io.Writer out, RequestContext request) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(request, "request");
    authorize(actor.practice(), Optional.empty(), "export_audit", request);
    reauth.admin("export_audit", request);
    long last = engine.config.auditTrail().export(actor.practice(), afterSeq, out);
    engine.audit(actor.practice(), Optional.empty(), Optional.of(actor.user()),
        AuditType.AUDIT_EXPORTED, AuditOutcome.SUCCESS, request,
        Map.of("after", Long.toString(afterSeq), "through", Long.toString(last)));
    return last;
  }

  @Override
  public String toString() {
    return "Administration[" + actor.practice().value() + "/" + actor.user().value() + "]";
  }
}
