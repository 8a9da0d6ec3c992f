package dev.mfa4j.webauthn;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialParameters;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passkeys and security keys (WebAuthn) as a factor, verified by Yubico's {@code
 * webauthn-server-core} {@link RelyingParty}.
 *
 * <pre>{@code
 * PasskeyFactor passkeys = PasskeyFactor.builder()
 *     .relyingParty("app.example.com", "Sunrise Therapy")
 *     .origins(Set.of("https://app.example.com"))   // exact match; list http://localhost:8080 as such
 *     .build();
 * MfaEngine mfa = MfaEngine.builder()...factor(passkeys).build();
 * }</pre>
 *
 * <p>Enrollment ({@link #begin}) returns a {@link PasskeyEnrollment} with the JSON for {@code
 * navigator.credentials.create} (user verification and a discoverable credential preferred, the
 * user's existing passkeys excluded) and keeps the request in the ceremony's stored state, so any
 * node may confirm it with the browser's {@code credential.toJSON()}. A second step ({@link
 * #prompt}) returns the JSON for {@code navigator.credentials.get} listing every active passkey of
 * the user (the picked one first), so the browser offers whichever the person has at hand; the
 * passkey that answers is the one whose use and counter are recorded (see {@link
 * Verification#updated}). It refuses to start without a registered credential: an empty {@code
 * allowCredentials} would turn into a passkey-only sign-in. Each request answers at most once;
 * after a refusal, prompt again.
 *
 * <p>Passwordless sign-in (opt-in, {@link Builder#passwordless(boolean)}) is an engine flow
 * ({@link dev.mfa4j.LoginFlow#beginPasswordless}): {@link #passwordlessPrompt} builds a request
 * for a discoverable credential with user verification required, {@link #passwordlessLookupKey}
 * names the credential that answered, and {@link #verify} checks the answer as above, refusing
 * one whose user was not verified.
 *
 * <p>Signature counters: a counter that advances is stored through {@link
 * FactorContext#advanceCounter}; 0 after 0 (synced passkeys never count) is accepted and the engine
 * records the use; anything else is refused as {@link VerificationOutcome#COUNTER_REGRESSION},
 * which the engine audits as {@code CREDENTIAL_CLONE_SUSPECTED}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PasskeyFactor implements FactorProvider {
  /** Enrollment parameter: the account name the authenticator shows (default: the user id). */
  public static final String PARAM_USER_NAME = "userName";
  /** Enrollment parameter: the person's name the authenticator shows (default: the user name). */
  public static final String PARAM_DISPLAY_NAME = "displayName";

  static final String STATE_CREATION = "passkey.creation";
  static final String STATE_REQUEST = "passkey.request";
  /** A passwordless ceremony's request (no allowCredentials, user verification required). */
  static final String STATE_PASSWORDLESS = "passkey.passwordless";
  /** The only "username" Yubico ever sees: each {@link CredentialView} holds one user. */
  static final String VIEW_USER = "user";
  private static final int USER_HANDLE_BYTES = 32;
  /** The engine's enrollment ceremonies live this long. */
  static final Duration ENROLLMENT_LIFETIME = PracticePolicy.MAX_CODE_LIFETIME;
  private static final int MAX_NAME = 64;

  private static final Logger log = LoggerFactory.getLogger(PasskeyFactor.class);

  private final RelyingPartyIdentity identity;
  private final Set<String> origins;
  private final UserVerificationRequirement userVerification;
  private final int maxPasskeys;
  private final boolean passwordlessEnabled;
  private final boolean fastEs256;

  private PasskeyFactor(Builder b) {
    this.identity = RelyingPartyIdentity.builder().id(b.rpId).name(b.rpName).build();
    this.origins = Set.copyOf(b.origins);
    this.userVerification = b.userVerification.yubico;
    this.maxPasskeys = b.maxPasskeys;
    this.passwordlessEnabled = b.passwordless;
    this.fastEs256 = b.fastEs256;
    if (fastEs256) {
      BouncyCastleP256Provider.installJvmWide();
    }
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public FactorKind kind() {
    return FactorKind.PASSKEY;
  }

  /** The relying party id (the site's registrable domain). */
  public String rpId() {
    return identity.getId();
  }

  /** The allowed origins, matched exactly. */
  public Set<String> origins() {
    return origins;
  }

  // ---------------------------------------------------------------- registration

  /**
   * Starts a registration: the creation options for the browser, kept in the ceremony state.
   *
   * @param parameters optional {@link #PARAM_USER_NAME} and {@link #PARAM_DISPLAY_NAME} (1 to 64
   *     printable characters each)
   * @throws InvalidInputException for a bad parameter, or if the user has the maximum number of
   *     passkeys already
   */
  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(parameters, "parameters");
    String userName = name(parameters.get(PARAM_USER_NAME), ctx.user().user().value(),
        PARAM_USER_NAME);
    String displayName = name(parameters.get(PARAM_DISPLAY_NAME), userName, PARAM_DISPLAY_NAME);
    List<FactorRecord> others = others(ctx, pending);
    List<FactorRecord> registered = others.stream().filter(Attributes::isRegistered).toList();
    if (registered.size() >= maxPasskeys) {
      throw new InvalidInputException("at most " + maxPasskeys + " passkeys per user");
    }
    ByteArray userHandle = others.stream()
        .sorted((a, b) -> a.created().compareTo(b.created()))
        .map(Attributes::userHandle).flatMap(Optional::stream).findFirst()
        .orElseGet(() -> {
          byte[] h = new byte[USER_HANDLE_BYTES];
          ctx.random().nextBytes(h);
          return new ByteArray(h);
        });
    // Yubico asks the view for the excluded credentials under the user entity's name
    RelyingParty rp = relyingParty(new CredentialView(userName, registered, Optional.empty()),
        ctx.clock());
    PublicKeyCredentialCreationOptions options = rp.startRegistration(
        StartRegistrationOptions.builder()
            .user(UserIdentity.builder().name(userName).displayName(displayName)
                .id(userHandle).build())
            .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                .residentKey(ResidentKeyRequirement.PREFERRED)
                .userVerification(userVerification)
                .build())
            .timeout(ENROLLMENT_LIFETIME.toMillis())
            .build());
    ctx.putState(STATE_CREATION, Ceremony.encode(ctx.clock().instant(), Json.write(options)));
    Map<String, String> attributes = new HashMap<>(pending.attributes());
    attributes.put(Attributes.USER_HANDLE, userHandle.getBase64Url());
    return new Enrollment(pending.withAttributes(attributes),
        new PasskeyEnrollment(Json.write(options)));
  }

  /**
   * Finishes a registration with the browser's {@code credential.toJSON()} (an {@link
   * Answer.Response}). On success the result carries the record to store: credential id as lookup
   * key, signature count as counter, public key and flags in attributes.
   */
  @Override
  public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(answer, "answer");
    if (!(answer instanceof Answer.Response response)) {
      return Verification.rejected(VerificationOutcome.MALFORMED, reason("not_a_response"));
    }
    Optional<Ceremony> ceremony = ctx.state(STATE_CREATION).flatMap(Ceremony::decode);
    if (ceremony.isEmpty()) {
      return Verification.rejected(VerificationOutcome.NOT_PROMPTED, reason("no_request"));
    }
    if (ceremony.get().expired(ctx.clock().instant(), ENROLLMENT_LIFETIME)) {
      return Verification.rejected(VerificationOutcome.EXPIRED, reason("request_expired"));
    }
    PublicKeyCredentialCreationOptions options =
        Json.read(ceremony.get().json(), PublicKeyCredentialCreationOptions.class);
    PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> pkc;
    try {
      pkc = Json.registration(response.reveal());
    } catch (Json.MalformedException e) {
      return Verification.rejected(VerificationOutcome.MALFORMED, reason("bad_json"));
    }
    if (ctx.lookupKeyTaken(pkc.getId().getBase64Url())) {
      // WebAuthn §7.1 step 26: a credential id registered to anyone is refused
      return Verification.rejected(VerificationOutcome.INVALID, reason("credential_registered"));
    }
    List<FactorRecord> registered =
        others(ctx, pending).stream().filter(Attributes::isRegistered).toList();
    RelyingParty rp = relyingParty(new CredentialView(VIEW_USER, registered, Optional.empty()),
        ctx.clock());
    RegistrationResult result;
    try {
      result = scoped(() -> {
        try {
          return rp.finishRegistration(FinishRegistrationOptions.builder()
              .request(options).response(pkc).build());
        } catch (RegistrationFailedException e) {
          throw new Refusal(e);
        }
      });
    } catch (Refusal e) {
      log.debug("passkey registration refused by the relying party checks");
      return Verification.rejected(VerificationOutcome.INVALID, reason("registration_failed"));
    } catch (RuntimeException e) {
      // Yubico surfaces some malformed input (bad keys, bad signatures) as plain runtime errors
      log.debug("passkey registration failed on malformed input: {}", e.getClass().getName());
      return Verification.rejected(VerificationOutcome.MALFORMED, reason("unverifiable"));
    }
    ByteArray handle = options.getUser().getId();
    if (!Attributes.userHandle(pending).map(handle::equals).orElse(false)) {
      return Verification.rejected(VerificationOutcome.INVALID, reason("user_handle_mismatch"));
    }
    Map<String, String> attributes = new LinkedHashMap<>(pending.attributes());
    attributes.put(Attributes.USER_HANDLE, handle.getBase64Url());
    attributes.put(Attributes.PUBLIC_KEY, result.getPublicKeyCose().getBase64Url());
    attributes.put(Attributes.TRANSPORTS,
        Attributes.transportsValue(result.getKeyId().getTransports()
            .<Set<AuthenticatorTransport>>map(t -> t).orElse(Set.of())));
    attributes.put(Attributes.BACKUP_ELIGIBLE, Boolean.toString(result.isBackupEligible()));
    attributes.put(Attributes.BACKED_UP, Boolean.toString(result.isBackedUp()));
    attributes.put(Attributes.AAGUID, Aaguids.format(result.getAaguid()));
    attributes.put(Attributes.DISCOVERABLE,
        result.isDiscoverable().map(String::valueOf).orElse("unknown"));
    attributes.put(Attributes.UV_INITIALIZED, Boolean.toString(result.isUserVerified()));
    result.getAuthenticatorAttachment()
        .ifPresent(a -> attributes.put(Attributes.ATTACHMENT, a.getValue()));
    FactorRecord registeredRecord = pending
        .withLookupKey(Optional.of(result.getKeyId().getId().getBase64Url()))
        .withCounter(result.getSignatureCount())
        .withAttributes(attributes);
    ctx.putState(STATE_CREATION, "");
    Map<String, String> details = new LinkedHashMap<>();
    details.put("aaguid", attributes.get(Attributes.AAGUID));
    details.put("synced", Boolean.toString(result.isBackupEligible()));
    details.put("userVerified", Boolean.toString(result.isUserVerified()));
    return Verification.accepted(registeredRecord, details);
  }

  // ---------------------------------------------------------------- second step

  /**
   * Builds the browser's {@code navigator.credentials.get} request listing the user's active
   * passkeys (the picked one first) and keeps it in the ceremony state (replacing an earlier one).
   *
   * @throws InvalidInputException if {@code factor} is not an active, registered passkey (an empty
   *     {@code allowCredentials} would let the browser offer any passkey)
   */
  @Override
  public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(parameters, "parameters");
    List<FactorRecord> mine = active(ctx);
    Optional<FactorRecord> picked = byId(mine, factor.id());
    if (picked.isEmpty()) {
      throw new InvalidInputException("the factor is not an active, registered passkey");
    }
    List<FactorRecord> offered = new ArrayList<>();
    offered.add(picked.get());
    mine.stream().filter(r -> !r.id().equals(factor.id())).forEach(offered::add);
    RelyingParty rp = relyingParty(
        new CredentialView(VIEW_USER, offered, Optional.empty()), ctx.clock());
    AssertionRequest request = rp.startAssertion(StartAssertionOptions.builder()
        .username(VIEW_USER)
        .userVerification(userVerification)
        .timeout(ctx.policy().challengeLifetime().toMillis())
        .build());
    if (request.getPublicKeyCredentialRequestOptions().getAllowCredentials()
        .map(List::isEmpty).orElse(true)) {
      throw new IllegalStateException("refusing an assertion request without allowCredentials");
    }
    ctx.putState(STATE_REQUEST, Ceremony.encode(ctx.clock().instant(), Json.write(request)));
    return new Prompt(Optional.of(Json.write(request.getPublicKeyCredentialRequestOptions())),
        Map.of("method", FactorKind.PASSKEY.id()),
        Optional.empty());
  }

  /**
   * Checks the browser's {@code credential.toJSON()} against the prompted request: signature,
   * challenge, origin, RP id, user verification, the credential's owner and its counter. The
   * request is cleared first, so it answers once whatever the outcome.
   */
  @Override
  public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(answer, "answer");
    if (!(answer instanceof Answer.Response response)) {
      return Verification.rejected(VerificationOutcome.MALFORMED, reason("not_a_response"));
    }
    Optional<Ceremony> ceremony = ctx.state(STATE_REQUEST).flatMap(Ceremony::decode);
    boolean passwordless = false;
    if (ceremony.isEmpty() && passwordlessEnabled) {
      // a passwordless ceremony: the engine found this factor by the response's credential id
      ceremony = ctx.state(STATE_PASSWORDLESS).flatMap(Ceremony::decode);
      passwordless = ceremony.isPresent();
    }
    if (ceremony.isEmpty()) {
      return Verification.rejected(VerificationOutcome.NOT_PROMPTED, reason("no_request"));
    }
    ctx.putState(passwordless ? STATE_PASSWORDLESS : STATE_REQUEST, "");
    if (ceremony.get().expired(ctx.clock().instant(), ctx.policy().challengeLifetime())) {
      return Verification.rejected(VerificationOutcome.EXPIRED, reason("request_expired"));
    }
    AssertionRequest request = Json.read(ceremony.get().json(), AssertionRequest.class);
    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> pkc;
    try {
      pkc = Json.assertion(response.reveal());
    } catch (Json.MalformedException e) {
      return Verification.rejected(VerificationOutcome.MALFORMED, reason("bad_json"));
    }
    List<FactorRecord> mine = active(ctx);
    if (byId(mine, factor.id()).isEmpty()) {
      return Verification.rejected(VerificationOutcome.INVALID, reason("unknown_credential"));
    }
    // the request listed all the user's passkeys: the one that answered may not be the picked one
    Optional<String> credential = Optional.of(pkc.getId().getBase64Url());
    Optional<FactorRecord> used = mine.stream()
        .filter(r -> r.lookupKey().equals(credential)).findFirst();
    if (used.isEmpty()) {
      return Verification.rejected(VerificationOutcome.INVALID, reason("unknown_credential"));
    }
    Checked checked = finishAssertion(
        new CredentialView(VIEW_USER, List.of(used.get()), used), request, pkc, used.get(),
        ctx.clock());
    if (checked.refusal.isPresent()) {
      return checked.refusal.get();
    }
    if (passwordless && !checked.result.isUserVerified()) {
      // the passkey is the only factor: it must have verified the person (PIN, biometrics)
      return Verification.rejected(VerificationOutcome.INVALID, reason("user_not_verified"));
    }
    Verification v = counted(ctx, used.get(), checked.result);
    if (v.isAccepted() && v.updated().isEmpty() && !used.get().id().equals(factor.id())) {
      // tell the engine which passkey answered, so it records the use on that one
      return Verification.accepted(used.get(), v.details());
    }
    return v;
  }

  /** The outcome of Yubico's checks plus ours: a result, or a refusal. */
  record Checked(AssertionResult result, Optional<Verification> refusal) {}

  Checked finishAssertion(CredentialRepository view, AssertionRequest request,
      PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> pkc,
      FactorRecord expected, Clock clock) {
    RelyingParty rp = relyingParty(view, clock);
    AssertionResult result;
    try {
      result = scoped(() -> {
        try {
          return rp.finishAssertion(FinishAssertionOptions.builder()
              .request(request).response(pkc).build());
        } catch (AssertionFailedException e) {
          throw new Refusal(e);
        }
      });
    } catch (Refusal e) {
      log.debug("passkey assertion refused by the relying party checks");
      return new Checked(null, Optional.of(
          Verification.rejected(VerificationOutcome.INVALID, reason("assertion_failed"))));
    } catch (RuntimeException e) {
      // Yubico issue #234: a malformed signature surfaces as a plain RuntimeException
      log.debug("passkey assertion unverifiable: {}", e.getClass().getName());
      return new Checked(null, Optional.of(
          Verification.rejected(VerificationOutcome.INVALID, reason("bad_signature"))));
    }
    boolean owner = result.isSuccess()
        && Attributes.credentialId(expected).map(result.getCredential().getCredentialId()::equals)
            .orElse(false)
        && Attributes.userHandle(expected).map(result.getCredential().getUserHandle()::equals)
            .orElse(false);
    if (!owner) {
      return new Checked(null, Optional.of(
          Verification.rejected(VerificationOutcome.INVALID, reason("not_owner"))));
    }
    return new Checked(result, Optional.empty());
  }

  /** Applies the counter rule and stores the use. */
  private Verification counted(FactorContext ctx, FactorRecord used, AssertionResult result) {
    long stored = used.counter();
    long received = result.getSignatureCount();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("credentialFactor", used.id().value());
    details.put("counter", Long.toString(received));
    if (stored == 0 && received == 0) {
      // synced passkeys never count: the engine records the use (last used) itself
      details.put("counterless", "true");
    } else if (received > stored) {
      if (!ctx.advanceCounter(used, received)) {
        return Verification.rejected(VerificationOutcome.REPLAYED, reason("counter_race"));
      }
    } else {
      // the engine audits CREDENTIAL_CLONE_SUSPECTED for this outcome
      Map<String, String> why = new LinkedHashMap<>();
      why.put("reason", "counter_regression");
      why.put("credentialFactor", used.id().value());
      why.put("storedCounter", Long.toString(stored));
      why.put("receivedCounter", Long.toString(received));
      why.put("synced", Boolean.toString(Attributes.flag(used, Attributes.BACKUP_ELIGIBLE)));
      return Verification.rejected(VerificationOutcome.COUNTER_REGRESSION, why);
    }
    details.put("userVerified", Boolean.toString(result.isUserVerified()));
    String backedUp = Boolean.toString(result.isBackedUp());
    if (!backedUp.equals(used.attributes().get(Attributes.BACKED_UP))) {
      Map<String, String> attributes = new HashMap<>(used.attributes());
      attributes.put(Attributes.BACKED_UP, backedUp);
      return Verification.accepted(used.withAttributes(attributes)
          .withCounter(Math.max(stored, received)), details);
    }
    return Verification.accepted(details);
  }

  // ---------------------------------------------------------------- display

  /** Synced or device-bound, backed up, created, last used, transports, AAGUID and its provider. */
  @Override
  public Map<String, String> display(FactorRecord factor) {
    Objects.requireNonNull(factor, "factor");
    Map<String, String> d = new LinkedHashMap<>();
    boolean synced = Attributes.flag(factor, Attributes.BACKUP_ELIGIBLE);
    d.put(PasskeyDisplay.SYNCED, Boolean.toString(synced));
    d.put(PasskeyDisplay.DEVICE_TYPE, synced ? "multiDevice" : "singleDevice");
    d.put(PasskeyDisplay.BACKED_UP,
        Boolean.toString(Attributes.flag(factor, Attributes.BACKED_UP)));
    d.put(PasskeyDisplay.CREATED, factor.created().truncatedTo(ChronoUnit.SECONDS).toString());
    factor.lastUsed().ifPresent(
        t -> d.put(PasskeyDisplay.LAST_USED, t.truncatedTo(ChronoUnit.SECONDS).toString()));
    String transports = factor.attributes().getOrDefault(Attributes.TRANSPORTS, "");
    if (!transports.isEmpty()) {
      d.put(PasskeyDisplay.TRANSPORTS, transports);
    }
    String aaguid = factor.attributes().get(Attributes.AAGUID);
    if (aaguid != null) {
      d.put(PasskeyDisplay.AAGUID, aaguid);
      Aaguids.provider(aaguid).ifPresent(p -> d.put(PasskeyDisplay.PROVIDER, p));
    }
    return d;
  }

  // ---------------------------------------------------------------- passwordless

  /**
   * Starts a passwordless sign-in (see {@link dev.mfa4j.LoginFlow#beginPasswordless}) when the
   * builder enabled it with {@link Builder#passwordless(boolean)}: the browser's {@code
   * navigator.credentials.get} request for a discoverable credential, without {@code
   * allowCredentials}, with user verification required, kept in the ceremony state for {@link
   * #verify}. Empty when passwordless sign-in is off.
   */
  @Override
  public Optional<Prompt> passwordlessPrompt(FactorContext ctx) {
    Objects.requireNonNull(ctx, "ctx");
    if (!passwordlessEnabled) {
      return Optional.empty();
    }
    AssertionRequest request = relyingParty(
        new CredentialView(VIEW_USER, List.of(), Optional.empty()), ctx.clock())
        .startAssertion(StartAssertionOptions.builder()
            .userVerification(UserVerificationRequirement.REQUIRED)
            .timeout(ctx.policy().challengeLifetime().toMillis())
            .build());
    ctx.putState(STATE_PASSWORDLESS, Ceremony.encode(ctx.clock().instant(), Json.write(request)));
    return Optional.of(new Prompt(
        Optional.of(Json.write(request.getPublicKeyCredentialRequestOptions())),
        Map.of("method", FactorKind.PASSKEY.id(), "passwordless", "true"), Optional.empty()));
  }

  /**
   * The credential id of a passwordless response (the browser's {@code credential.toJSON()}),
   * unchecked; empty if it is not an assertion or passwordless sign-in is off.
   */
  @Override
  public Optional<String> passwordlessLookupKey(String response) {
    Objects.requireNonNull(response, "response");
    if (!passwordlessEnabled) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.assertion(response).getId().getBase64Url());
    } catch (Json.MalformedException e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- internals

  RelyingParty relyingParty(CredentialRepository view, Clock clock) {
    return RelyingParty.builder()
        .identity(identity)
        .credentialRepository(view)
        .origins(origins)
        .attestationConveyancePreference(AttestationConveyancePreference.NONE)
        .preferredPubkeyParams(List.of(PublicKeyCredentialParameters.ES256,
            PublicKeyCredentialParameters.EdDSA, PublicKeyCredentialParameters.RS256))
        .allowUntrustedAttestation(true)
        .validateSignatureCounter(false)
        .clock(clock)
        .build();
  }

  <T> T scoped(Supplier<T> action) {
    return fastEs256 ? BouncyCastleP256Provider.scoped(action) : action.get();
  }

  /** The user's records of this kind other than {@code self}, plus nothing of anyone else. */
  private static List<FactorRecord> others(FactorContext ctx, FactorRecord self) {
    List<FactorRecord> out = new ArrayList<>();
    for (FactorRecord r : ctx.factorsOfKind()) {
      if (!r.id().equals(self.id()) && r.kind().equals(FactorKind.PASSKEY)
          && r.practice().equals(ctx.user().practice()) && r.user().equals(ctx.user().user())) {
        out.add(r);
      }
    }
    return out;
  }

  /** The user's active, registered passkeys, read once through the context. */
  private static List<FactorRecord> active(FactorContext ctx) {
    return ctx.factorsOfKind().stream().filter(r -> r.state() == FactorState.ACTIVE
        && Attributes.isRegistered(r) && r.kind().equals(FactorKind.PASSKEY)
        && r.practice().equals(ctx.user().practice()) && r.user().equals(ctx.user().user()))
        .toList();
  }

  /** The record with {@code id} among {@code records}. */
  private static Optional<FactorRecord> byId(List<FactorRecord> records, FactorId id) {
    return records.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  static Map<String, String> reason(String reason) {
    return Map.of("reason", reason);
  }

  private static String name(String value, String fallback, String what) {
    if (value == null) {
      return fallback.length() > MAX_NAME ? fallback.substring(0, MAX_NAME) : fallback;
    }
    if (value.isBlank() || value.length() > MAX_NAME
        || value.codePoints().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(what + " must be 1 to " + MAX_NAME
          + " printable characters");
    }
    // the name the browser shows in its passkey picker: no U+202E and the like (Unicode Cf)
    if (value.codePoints().anyMatch(c -> Character.getType(c) == Character.FORMAT)) {
      throw new InvalidInputException(what
          + " must not contain invisible or direction-changing characters");
    }
    return value;
  }

  /** A checked Yubico failure carried through a supplier. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(Exception cause) {
      super(cause.getClass().getSimpleName(), cause, false, false);
    }
  }

  /** A stored request: when it was issued and its JSON. */
  record Ceremony(Instant issued, String json) {
    static String encode(Instant issued, String json) {
      return issued.toEpochMilli() + "|" + json;
    }

    static Optional<Ceremony> decode(String value) {
      int bar = value.indexOf('|');
      if (bar <= 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Ceremony(
            Instant.ofEpochMilli(Long.parseLong(value.substring(0, bar))),
            value.substring(bar + 1)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    boolean expired(Instant now, Duration lifetime) {
      return !now.isBefore(issued.plus(lifetime));
    }
  }

  /** How a factor asks for user verification (the WebAuthn {@code userVerification}). */
  public enum UserVerification {
    /** The authenticator must verify the user (PIN, biometrics); keys without it are refused. */
    REQUIRED(UserVerificationRequirement.REQUIRED),
    /** Verify the user when the authenticator can (the default). */
    PREFERRED(UserVerificationRequirement.PREFERRED),
    /** Do not ask for user verification (a security key touch is enough). */
    DISCOURAGED(UserVerificationRequirement.DISCOURAGED);

    final UserVerificationRequirement yubico;

    UserVerification(UserVerificationRequirement yubico) {
      this.yubico = yubico;
    }
  }

  /** Configures a {@link PasskeyFactor}; {@link #relyingParty} is required. */
  public static final class Builder {
    private String rpId;
    private String rpName;
    private Set<String> origins;
    private UserVerification userVerification = UserVerification.PREFERRED;
    private int maxPasskeys = 20;
    private boolean passwordless;
    private boolean fastEs256;

    private Builder() {}

    /**
     * The relying party: its id (the registrable domain the site runs on, e.g. {@code
     * app.example.com} or {@code localhost}) and the name authenticators show.
     */
    public Builder relyingParty(String id, String name) {
      this.rpId = Objects.requireNonNull(id, "id");
      this.rpName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The origins the browser may report, compared exactly (scheme, host and port): list {@code
     * http://localhost:8080} as such. Default: {@code https://} + the RP id.
     */
    public Builder origins(Set<String> origins) {
      Objects.requireNonNull(origins, "origins");
      this.origins = new LinkedHashSet<>(origins);
      return this;
    }

    /** User verification asked of authenticators (default {@link UserVerification#PREFERRED}). */
    public Builder userVerification(UserVerification userVerification) {
      this.userVerification = Objects.requireNonNull(userVerification, "userVerification");
      return this;
    }

    /**
     * The most passkeys one user may register (default 20, at most 50, so that a ceremony's stored
     * request with every passkey excluded stays well inside the store's 16 KiB state limit).
     */
    public Builder maxPasskeysPerUser(int max) {
      if (max < 1 || max > 50) {
        throw new IllegalArgumentException("maxPasskeysPerUser must be 1 to 50");
      }
      this.maxPasskeys = max;
      return this;
    }

    /**
     * Allows passwordless sign-in with discoverable credentials, through the engine's {@link
     * dev.mfa4j.LoginFlow#beginPasswordless} and {@link dev.mfa4j.LoginFlow#finishPasswordless}.
     * Off by default: the engine then refuses to begin one.
     */
    public Builder passwordless(boolean enabled) {
      this.passwordless = enabled;
      return this;
    }

    /**
     * Opt-in, and it <b>installs a JVM-wide security provider</b>: verify ES256 (P-256) signatures
     * with Bouncy Castle's fixed-curve arithmetic, about 5 times faster than the JDK 17 verifier
     * (see {@code docs/benchmarks.md}). Yubico takes no JCA provider parameter, so {@link #build()}
     * with this on inserts into {@link java.security.Security} (once per JVM, at position 1, never
     * removed) a one-service provider named {@code mfa4j-p256} for {@code SHA256withECDSA}. It
     * claims P-256 public keys only on threads inside the checks of a factor that opted in; every
     * other use of the algorithm in the JVM, and all signing, passes through to the next provider
     * as before. Off by default: nothing is installed and the JDK verifies.
     */
    public Builder fastEs256Verify(boolean enabled) {
      this.fastEs256 = enabled;
      return this;
    }

    /**
     * Builds the factor.
     *
     * @throws IllegalStateException if the relying party is missing or an origin is blank
     */
    public PasskeyFactor build() {
      if (rpId == null || rpId.isBlank() || rpName == null || rpName.isBlank()) {
        throw new IllegalStateException("relyingParty(id, name) is required");
      }
      if (origins == null) {
        origins = Set.of("https://" + rpId);
      }
      if (origins.isEmpty() || origins.stream().anyMatch(String::isBlank)) {
        throw new IllegalStateException("origins must be non-empty and not blank");
      }
      return new PasskeyFactor(this);
    }
  }
}
