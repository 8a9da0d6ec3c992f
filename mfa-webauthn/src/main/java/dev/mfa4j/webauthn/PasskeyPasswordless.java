package dev.mfa4j.webauthn;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.UserVerificationRequirement;
import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.MfaStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Passwordless sign-in with a discoverable passkey as the first (and only) factor. Off by default;
 * obtain from {@link PasskeyFactor#passwordless(MfaStore, Clock)} on a factor built with {@code
 * passwordless(true)}.
 *
 * <pre>{@code
 * PasskeyPasswordless.Start s = passwordless.start(practice, request);
 * // session: s.ceremony(); browser: navigator.credentials.get({ publicKey:
 * //   PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(s.requestOptionsJson())) })
 * switch (passwordless.finish(practice, ceremony, credentialJson, request)) {
 *   case PasskeyPasswordless.SignedIn in -> signIn(in.user());   // then renew the session id
 *   case PasskeyPasswordless.Refused r -> showError();
 * }
 * }</pre>
 *
 * <p>How it works without engine support: the ceremony is a {@link ChallengeRecord} in the shared
 * store (one attempt, 5 minutes) owned by a reserved user id, {@value #CEREMONY_OWNER}, with
 * purpose {@code ENROLLMENT} and no factor, a shape no engine flow accepts (a sign-in needs purpose
 * {@code SIGN_IN}, an enrollment a factor), so the ceremony can never stand in for a second step
 * even if a host had a user of that id; the request JSON is its state.
 * {@link #finish} consumes it with one conditional write <em>before</em> verifying, so it answers
 * once whatever the outcome. The credential is found by its id, must be an active passkey of the
 * given practice whose stored user handle matches the response's, and user verification is
 * required. Counter, clone audit and last use are kept as in the second-factor path. The engine's
 * failure counting and lockout do not run here (a user whose second step is locked is refused);
 * hosts should rate-limit the endpoint. Audit events go to the store's audit log only, not to the
 * engine's listeners.
 */
public final class PasskeyPasswordless {
  /** The reserved owner of passwordless ceremonies (never a host user). */
  public static final String CEREMONY_OWNER = "mfa4j.passwordless:ceremony";

  static final Duration LIFETIME = Duration.ofMinutes(5);
  private static final UserId OWNER = UserId.of(CEREMONY_OWNER);

  private final PasskeyFactor factor;
  private final MfaStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  PasskeyPasswordless(PasskeyFactor factor, MfaStore store, Clock clock) {
    this.factor = factor;
    this.store = store;
    this.clock = clock;
  }

  /**
   * A started passwordless ceremony.
   *
   * @param ceremony keep in the server-side session; a bearer value
   * @param requestOptionsJson for {@code PublicKeyCredential.parseRequestOptionsFromJSON}; no
   *     {@code allowCredentials}, user verification required
   * @param expiresAt when the ceremony stops being answerable
   */
  public record Start(ChallengeId ceremony, String requestOptionsJson, Instant expiresAt) {
    /** Checks for nulls. */
    public Start {
      Objects.requireNonNull(ceremony, "ceremony");
      Objects.requireNonNull(requestOptionsJson, "requestOptionsJson");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** The result of {@link #finish}. */
  public sealed interface Outcome permits SignedIn, Refused {}

  /**
   * The passkey verified: the host signs this user in (and renews its session id).
   *
   * @param practice the user's practice
   * @param user the user
   * @param passkey the factor that signed
   */
  public record SignedIn(PracticeId practice, UserId user, FactorId passkey) implements Outcome {
    /** Checks for nulls. */
    public SignedIn {
      Objects.requireNonNull(practice, "practice");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(passkey, "passkey");
    }
  }

  /**
   * Not signed in; start again. Show the user one uniform message whatever the reason.
   *
   * @param reason why, for the host's logs
   */
  public record Refused(Reason reason) implements Outcome {
    /** Checks for nulls. */
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a passwordless sign-in was refused. */
  public enum Reason {
    /** Unknown, already answered, or of another practice. */
    INVALID_CEREMONY,
    /** Past its lifetime. */
    EXPIRED,
    /** The browser's JSON is not a WebAuthn assertion, or carries no user handle. */
    MALFORMED,
    /** No active passkey of this practice has this credential id and user handle. */
    UNKNOWN_CREDENTIAL,
    /** Signature, challenge, origin, RP id or user verification did not check out. */
    NOT_VERIFIED,
    /** The signature counter went back: possibly a cloned authenticator (audited). */
    COUNTER_REGRESSION,
    /** The user's second step is locked after repeated failures. */
    LOCKED
  }

  /**
   * Starts a ceremony for a sign-in page of {@code practice}.
   *
   * @throws dev.mfa4j.StoreException if the store fails
   */
  public Start start(PracticeId practice, RequestContext request) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(request, "request");
    Instant now = clock.instant();
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    ChallengeId ceremony =
        ChallengeId.of(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
    AssertionRequest assertion = factor
        .relyingParty(new CredentialView(PasskeyFactor.VIEW_USER, List.of(), Optional.empty()),
            clock)
        .startAssertion(StartAssertionOptions.builder()
            .userVerification(UserVerificationRequirement.REQUIRED)
            .timeout(LIFETIME.toMillis())
            .build());
    Instant expires = now.plus(LIFETIME);
    store.challenges().insert(new ChallengeRecord(ceremony.hash(), practice, OWNER,
        ChallengePurpose.ENROLLMENT, Optional.empty(), now, expires, 0, 1, Optional.empty()));
    store.challenges().putState(ceremony.hash(), PasskeyFactor.STATE_REQUEST,
        PasskeyFactor.Ceremony.encode(now, Json.write(assertion)));
    return new Start(ceremony,
        Json.write(assertion.getPublicKeyCredentialRequestOptions()), expires);
  }

  /**
   * Finishes a ceremony with the browser's {@code credential.toJSON()}.
   *
   * @throws InvalidInputException if the JSON is longer than {@link Answer#MAX_LENGTH}
   * @throws dev.mfa4j.StoreException if the store fails (the sign-in fails closed)
   */
  public Outcome finish(PracticeId practice, ChallengeId ceremony, String credentialJson,
      RequestContext request) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(ceremony, "ceremony");
    Objects.requireNonNull(credentialJson, "credentialJson");
    Objects.requireNonNull(request, "request");
    if (credentialJson.length() > Answer.MAX_LENGTH) {
      throw new InvalidInputException("response is longer than " + Answer.MAX_LENGTH);
    }
    Instant now = clock.instant();
    byte[] hash = ceremony.hash();
    Optional<ChallengeRecord> challenge = store.challenges().find(hash);
    if (challenge.isEmpty() || !challenge.get().practice().equals(practice)
        || !challenge.get().user().equals(OWNER)
        || challenge.get().purpose() != ChallengePurpose.ENROLLMENT
        || challenge.get().factor().isPresent()) {
      return new Refused(Reason.INVALID_CEREMONY);
    }
    if (!now.isBefore(challenge.get().expires())) {
      return new Refused(Reason.EXPIRED);
    }
    if (!store.challenges().consume(hash, now)) {
      return new Refused(Reason.INVALID_CEREMONY);
    }
    Optional<PasskeyFactor.Ceremony> stored = store.challenges()
        .state(hash, PasskeyFactor.STATE_REQUEST).flatMap(PasskeyFactor.Ceremony::decode);
    if (stored.isEmpty()) {
      return new Refused(Reason.INVALID_CEREMONY);
    }
    AssertionRequest assertion = Json.read(stored.get().json(), AssertionRequest.class);
    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> pkc;
    try {
      pkc = Json.assertion(credentialJson);
    } catch (Json.MalformedException e) {
      return new Refused(Reason.MALFORMED);
    }
    Optional<ByteArray> handle = pkc.getResponse().getUserHandle();
    if (handle.isEmpty()) {
      return new Refused(Reason.MALFORMED);
    }
    Optional<FactorRecord> found = store.factors()
        .findByLookupKey(FactorKind.PASSKEY, pkc.getId().getBase64Url())
        .filter(r -> r.kind().equals(FactorKind.PASSKEY) && r.practice().equals(practice)
            && r.state() == FactorState.ACTIVE && Attributes.isRegistered(r)
            && Attributes.userHandle(r).map(handle.get()::equals).orElse(false));
    if (found.isEmpty()) {
      return new Refused(Reason.UNKNOWN_CREDENTIAL);
    }
    FactorRecord used = found.get();
    boolean locked = store.users().find(practice, used.user())
        .flatMap(s -> s.lockedUntil()).filter(now::isBefore).isPresent();
    if (locked) {
      return new Refused(Reason.LOCKED);
    }
    List<FactorRecord> active = store.factors().list(practice, used.user()).stream()
        .filter(r -> r.kind().equals(FactorKind.PASSKEY) && r.state() == FactorState.ACTIVE
            && Attributes.isRegistered(r))
        .toList();
    PasskeyFactor.Checked checked = factor.finishAssertion(
        new CredentialView(PasskeyFactor.VIEW_USER, active, Optional.of(used)),
        assertion, pkc, used, clock);
    if (checked.refusal().isPresent() || !checked.result().isUserVerified()) {
      audit(practice, used, AuditType.SECOND_FACTOR_FAILED, AuditOutcome.FAILURE,
          Map.of("reason", "passwordless_not_verified"), request, now);
      return new Refused(Reason.NOT_VERIFIED);
    }
    long stored2 = used.counter();
    long received = checked.result().getSignatureCount();
    boolean recorded;
    if (stored2 == 0 && received == 0) {
      recorded = store.factors().recordUse(practice, used.user(), used.id(), -1, now);
    } else if (received > stored2) {
      recorded = store.factors().recordUse(practice, used.user(), used.id(), received, now);
    } else {
      audit(practice, used, AuditType.CREDENTIAL_CLONE_SUSPECTED, AuditOutcome.FAILURE,
          Map.of("factor", used.id().value(), "storedCounter", Long.toString(stored2),
              "receivedCounter", Long.toString(received)), request, now);
      return new Refused(Reason.COUNTER_REGRESSION);
    }
    if (!recorded) {
      return new Refused(Reason.NOT_VERIFIED);
    }
    String backedUp = Boolean.toString(checked.result().isBackedUp());
    if (!backedUp.equals(used.attributes().get(Attributes.BACKED_UP))) {
      Map<String, String> attributes = new HashMap<>(used.attributes());
      attributes.put(Attributes.BACKED_UP, backedUp);
      store.factors().update(practice, used.user(), used.id(), used.label(), attributes);
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("method", FactorKind.PASSKEY.id());
    details.put("passwordless", "true");
    details.put("factor", used.id().value());
    audit(practice, used, AuditType.SIGN_IN_SUCCEEDED, AuditOutcome.SUCCESS, details, request,
        now);
    return new SignedIn(practice, used.user(), used.id());
  }

  private void audit(PracticeId practice, FactorRecord subject, AuditType type,
      AuditOutcome outcome, Map<String, String> details, RequestContext request, Instant now) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    store.audit().append(new AuditEvent(
        Base64.getUrlEncoder().withoutPadding().encodeToString(id), now, practice,
        Optional.of(subject.user()), Optional.empty(), type, outcome, request.ip(),
        request.userAgent(), details));
  }
}
