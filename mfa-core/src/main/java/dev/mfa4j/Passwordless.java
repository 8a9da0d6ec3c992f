package dev.mfa4j;

import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Settlement;
import dev.mfa4j.spi.Verification;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Passwordless sign-in with a passkey, as an engine flow: the ceremony is issued through {@link
 * Ceremonies} to the reserved owner {@link Ceremonies#PASSWORDLESS_OWNER} (nobody is identified
 * yet), and the answer, once its credential names a user, is decided as one unit of work exactly
 * like a second-step answer ({@link Login}): that user locked, the lockout and the policy
 * consulted, failures counted by {@link Login#refused}, success settled by {@link
 * Login#succeeded}.
 */
final class Passwordless {
  /** The factor id of the begin step's context: no factor is known yet. */
  private static final FactorId NO_FACTOR = FactorId.of("mfa4j-passwordless");

  private final Engine engine;
  private final Login login;

  Passwordless(Engine engine, Login login) {
    this.engine = engine;
    this.login = login;
  }

  PasswordlessStart begin(PracticeId practice, RequestContext request) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(request, "request");
    PracticePolicy policy = engine.policy(practice);
    if (!policy.methodsFor(Audience.STAFF).contains(FactorKind.PASSKEY)
        && !policy.methodsFor(Audience.CLIENT).contains(FactorKind.PASSKEY)) {
      throw new PolicyViolationException("the practice allows no passkeys");
    }
    FactorProvider provider = engine.provider(FactorKind.PASSKEY).orElseThrow(
        () -> new IllegalStateException("no passkey provider is registered"));
    return engine.atomically(() -> {
      Engine.Issued c = engine.ceremonies.issuePasswordless(practice, policy.challengeLifetime());
      EngineContext ctx = new EngineContext(engine, Ceremonies.owner(practice), request, policy,
          c.id().hash(), NO_FACTOR, FactorKind.PASSKEY, false).passwordless();
      Prompt prompt = provider.passwordlessPrompt(ctx).orElseThrow(
          () -> new IllegalStateException("the passkey provider does not do passwordless sign-in"));
      return new PasswordlessStart(c.id(), prompt, c.record().expires());
    });
  }

  LoginStep finish(PracticeId practice, ChallengeId ceremony, String response,
      Function<UserId, Optional<UserRef>> users, RememberDevice remember,
      RequestContext request) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(ceremony, "ceremony");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(remember, "remember");
    Objects.requireNonNull(request, "request");
    if (response.length() > Answer.MAX_LENGTH) {
      throw new InvalidInputException("response is longer than " + Answer.MAX_LENGTH);
    }
    return engine.atomically(() -> finishInUnit(practice, ceremony, response, users, remember,
        request));
  }

  private LoginStep finishInUnit(PracticeId practice, ChallengeId ceremony, String response,
      Function<UserId, Optional<UserRef>> users, RememberDevice remember,
      RequestContext request) {
    Optional<FactorProvider> provider = engine.provider(FactorKind.PASSKEY);
    Optional<String> key = provider.flatMap(p -> p.passwordlessLookupKey(response));
    if (key.isEmpty()) {
      return unidentified(practice, ceremony, "malformed", request,
          LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    // the credential names its owner; nothing of the response is trusted before verify
    Optional<FactorRecord> anywhere = engine.store.factors()
        .findByLookupKey(FactorKind.PASSKEY, key.get())
        .filter(f -> f.kind().equals(FactorKind.PASSKEY));
    Optional<FactorRecord> credential = anywhere.filter(f -> f.practice().equals(practice));
    Optional<UserRef> found = credential.flatMap(f -> users.apply(f.user())
        .filter(u -> u.practice().equals(f.practice()) && u.user().equals(f.user())));
    if (anywhere.isEmpty()) {
      // registered nowhere (removed, say): the browser may be told to forget it
      return unidentified(practice, ceremony, "unknown_credential", request,
          LoginStep.Reason.UNKNOWN_CREDENTIAL);
    }
    if (found.isEmpty()) {
      // another practice's passkey on this page, or a user the host does not let in: refused,
      // but never "unknown" (the browser would delete a passkey that works elsewhere)
      return unidentified(practice, ceremony, credential.isEmpty() ? "other_practice"
          : "user_not_allowed", request, LoginStep.Reason.ATTEMPTS_EXHAUSTED);
    }
    UserRef user = found.get();
    Ceremonies.Opened opened = engine.ceremonies.openPasswordless(user, ceremony,
        credential.get().id());
    if (opened instanceof Ceremonies.Closed c) {
      return login.closed(user, c, request);
    }
    Ceremonies.Open open = (Ceremonies.Open) opened;
    Optional<LoginStep> locked = login.locked(user, open, request);
    if (locked.isPresent()) {
      return locked.get();
    }
    PracticePolicy policy = engine.policy(practice);
    if (!engine.usable(policy, user, FactorKind.PASSKEY)) {
      return notAllowed(user, ceremony, request);
    }
    Optional<FactorRecord> factor = open.factor()
        .filter(f -> f.state() == FactorState.ACTIVE && f.kind().equals(FactorKind.PASSKEY));
    if (factor.isEmpty()) {
      return login.refused(user, policy, ceremony, open, Optional.empty(), "unknown_factor", false,
          request);
    }
    FactorRecord f = factor.get();
    EngineContext ctx = new EngineContext(engine, user, request, policy, ceremony.hash(), f.id(),
        f.kind(), false).answering(f).passwordless();
    Verification v = provider.get().verify(ctx, f, Answer.response(f.id(), response));
    if (!v.isAccepted()) {
      return login.refused(user, policy, ceremony, open, f, v, request);
    }
    FactorRecord answered = login.answering(user, policy, f, v);
    Map<String, String> details = new LinkedHashMap<>(v.details());
    details.put("factor", answered.id().value());
    details.put("via", "passwordless");
    boolean uv = Login.userVerified(v);
    Settlement.FactorUse use = Login.use(answered, v, ctx);
    if (uv && policy.passkeyCompletesSignIn(user)) {
      // a passkey that verified the person: a multi-factor cryptographic authenticator (AAL2)
      return login.succeeded(user, policy, ceremony, open, Optional.of(use), Optional.empty(),
          FactorKind.PASSKEY, remember, request, details, engine.assurances.signIn(user,
              Optional.empty(), List.of(Assurances.factor(FactorKind.PASSKEY, true,
                  engine.now()))));
    }
    return passwordNext(user, policy, ceremony, answered, use, uv, request);
  }

  /**
   * The passkey is one factor here (no user verification, or the practice does not let a passkey
   * alone sign in this audience): its use is recorded and the passwordless ceremony completes,
   * and a new ceremony waits for the password ({@link LoginFlow#completeWithPassword}).
   */
  private LoginStep passwordNext(UserRef user, PracticePolicy policy, ChallengeId ceremony,
      FactorRecord answered, Settlement.FactorUse use, boolean uv, RequestContext request) {
    Instant now = engine.now();
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", "sign_in_password", "factor", answered.id().value(),
            "userVerified", Boolean.toString(uv), "via", "passwordless"));
    engine.settle(audit -> new Settlement(user.practice(), user.user(), ceremony.hash(), now,
        true, Optional.of(use), Optional.empty(), Optional.empty(), new Settlement.Unchanged(),
        Optional.empty(), audit), Login.LOST);
    Engine.Issued c = engine.ceremonies.issue(user, ChallengePurpose.SIGN_IN_PASSWORD,
        Optional.of(answered.id()), policy.challengeLifetime(), policy.maxAttemptsPerChallenge());
    engine.ceremonies.mark(c.id(), Login.PASSKEY_AT, now.toString());
    engine.ceremonies.mark(c.id(), Login.PASSKEY_UV, Boolean.toString(uv));
    return new LoginStep.PasswordRequired(c.id(), user, c.record().expires());
  }

  /**
   * An answer that names nobody of this practice (malformed, an unregistered credential, or a
   * user the host does not let in): the ceremony's one attempt is spent and the refusal audited
   * without a subject; no user's failures are counted, since no user is known.
   */
  private LoginStep unidentified(PracticeId practice, ChallengeId ceremony, String reason,
      RequestContext request, LoginStep.Reason told) {
    Ceremonies.Opened opened = engine.ceremonies.peekPasswordless(practice, ceremony);
    if (opened instanceof Ceremonies.Closed c) {
      engine.audit(practice, Optional.empty(), Optional.empty(), AuditType.SECOND_FACTOR_FAILED,
          AuditOutcome.DENIED, request,
          Map.of("reason", Login.lower(c.reason()), "via", "passwordless"));
      return new LoginStep.Rejected(c.reason());
    }
    if (!engine.ceremonies.take(ceremony)) {
      throw new Engine.Undo(Login.LOST);
    }
    engine.audit(practice, Optional.empty(), Optional.empty(), AuditType.SECOND_FACTOR_FAILED,
        AuditOutcome.FAILURE, request, Map.of("reason", reason, "via", "passwordless"));
    return new LoginStep.Rejected(told);
  }

  /**
   * The policy does not let this user sign in with a passkey: the ceremony is spent, the refusal
   * audited; not the user's failure.
   */
  private LoginStep notAllowed(UserRef user, ChallengeId ceremony, RequestContext request) {
    engine.audit(user, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.DENIED, request,
        Map.of("reason", "passkey_not_allowed", "via", "passwordless"));
    Instant now = engine.now();
    engine.settle(audit -> new Settlement(user.practice(), user.user(), ceremony.hash(), now,
        false, Optional.empty(), Optional.empty(), Optional.empty(), new Settlement.Unchanged(),
        Optional.empty(), audit), Login.LOST);
    return new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
  }
}
