package dev.mfa4j.webauthn;

import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.data.UserVerificationRequirement;
import dev.mfa4j.Answer;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 * after a refusal, prompt again. Every accepted answer carries the detail {@link
 * Verification#USER_VERIFIED}: {@code "true"} when the authenticator verified the person (PIN,
 * biometrics), {@code "false"} when it only saw a touch.
 *
 * <h2>Passkey-first sign-in and conditional UI</h2>
 *
 * <p>Passwordless sign-in (opt-in, {@link Builder#passwordless(boolean)}) is an engine flow
 * ({@link dev.mfa4j.LoginFlow#beginPasswordless}): {@link #passwordlessPrompt} builds a request
 * for a discoverable credential (no {@code allowCredentials}) with user verification as {@link
 * Builder#passwordlessUserVerification} says (required by default), {@link #passwordlessLookupKey}
 * names the credential that answered, and {@link #verify} checks the answer as above. The same
 * request serves a "Sign in with a passkey" button (modal) and the browser's autofill (conditional
 * mediation, "conditional UI"): mediation is an argument of the JavaScript call, not of the
 * options, and the request's {@code timeout} is the ceremony's lifetime ({@code
 * PracticePolicy.challengeLifetime}), so an autofill request stays open as long as it can be
 * answered. On the sign-in page:
 *
 * <pre>{@code
 * <input name="username" autocomplete="username webauthn">
 * <script>
 * if (PublicKeyCredential.isConditionalMediationAvailable
 *     && await PublicKeyCredential.isConditionalMediationAvailable()) {
 *   const credential = await navigator.credentials.get({ mediation: 'conditional',
 *       publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(optionsJson)) });
 *   // POST JSON.stringify(credential.toJSON()) to finishPasswordless
 * }
 * </script>
 * }</pre>
 *
 * <p>Start the conditional request when the page loads and abort it ({@code AbortController})
 * before a modal one. When the engine refuses an answer whose credential the server does not know
 * at all (a passkey deleted here but still in the user's passkey manager), {@link
 * #unknownCredentialSignal} tells the browser to forget it.
 *
 * <h2>Conditional create (automatic passkey upgrade)</h2>
 *
 * <p>Right after a password sign-in, a page may create a passkey without a dialog: {@link #begin}
 * with {@link #PARAM_MEDIATION} {@link #MEDIATION_CONDITIONAL}, then {@code
 * navigator.credentials.create({mediation: 'conditional', publicKey: options})} (feature test:
 * {@code (await PublicKeyCredential.getClientCapabilities?.())?.conditionalCreate}). Such a request
 * requires a discoverable credential, and the browser's password manager answers it without asking
 * the person, so WebAuthn Level 3 lets the authenticator report the UP (user present) flag unset:
 * that ceremony, and only that one (the choice is kept in the ceremony's server-side state at
 * {@code begin}, never taken from the answer), accepts an attestation without UP, through Yubico's
 * own {@code FinishRegistrationOptions.isConditionalCreate} (experimental in Yubico 2.9.0). Every
 * other check runs as for a modal registration; user verification is asked as {@link
 * Builder#userVerification} says, and a browser refuses a conditional create that requires it
 * when it cannot verify the person without a dialog, so keep the default {@code PREFERRED} for
 * automatic upgrades. The record's {@code createdVia} attribute says {@code conditional} or {@code
 * modal}.
 *
 * <h2>Hints</h2>
 *
 * <p>{@link #PARAM_HINTS} (enrollment and second step) passes WebAuthn Level 3 hints ({@code
 * security-key}, {@code client-device}, {@code hybrid}) into the options in the order given. For
 * older browsers a registration also sets the {@code authenticatorAttachment} the specification
 * recommends for the first hint ({@code cross-platform}, {@code platform}, {@code cross-platform}).
 *
 * <h2>Keeping the passkey manager in step (Signal API)</h2>
 *
 * <p>{@link #signals} gives the {@link ClientSignal}s for the page after a passkey was removed or
 * the user's names changed: {@code signalAllAcceptedCredentials} (the user's active passkeys; a
 * passkey manager may hide or delete the others) and {@code signalCurrentUserDetails}; {@link
 * #unknownCredentialSignal} gives {@code signalUnknownCredential} for a credential the server does
 * not know at all.
 *
 * <h2>Related origins</h2>
 *
 * <p>Other sites of the same organisation can use passkeys of this RP id (WebAuthn Level 3
 * §5.11): list their origins in {@link Builder#origins} (the server compares them exactly) and
 * serve {@link RelatedOrigins#wellKnownJson} at {@code https://<rpId>/.well-known/webauthn} with
 * {@code Content-Type: application/json}, for the browsers.
 *
 * <h2>Signature counters</h2>
 *
 * <p>A counter that advances is stored through {@link FactorContext#advanceCounter}; 0 after 0
 * (synced passkeys never count) is accepted and the engine records the use; anything else is
 * refused as {@link VerificationOutcome#COUNTER_REGRESSION}, which the engine audits as {@code
 * CREDENTIAL_CLONE_SUSPECTED}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PasskeyFactor implements FactorProvider {
  /** Enrollment parameter: the account name the authenticator shows (default: the user id). */
  public static final String PARAM_USER_NAME = "userName";
  /** Enrollment parameter: the person's name the authenticator shows (default: the user name). */
  public static final String PARAM_DISPLAY_NAME = "displayName";
  /**
   * Enrollment parameter: how the page will call {@code navigator.credentials.create}, {@link
   * #MEDIATION_MODAL} (the default) or {@link #MEDIATION_CONDITIONAL} (conditional create, see the
   * class description).
   */
  public static final String PARAM_MEDIATION = "mediation";
  /** {@link #PARAM_MEDIATION}: the browser shows its dialog (the default). */
  public static final String MEDIATION_MODAL = "modal";
  /**
   * {@link #PARAM_MEDIATION}: conditional create, right after a password sign-in and without a
   * dialog; the passkey must be discoverable and may come without the UP flag.
   */
  public static final String MEDIATION_CONDITIONAL = "conditional";
  /**
   * Enrollment and second-step parameter: WebAuthn Level 3 hints, comma-separated, most preferred
   * first, among {@code security-key}, {@code client-device} and {@code hybrid} (each at most
   * once). They guide the browser's dialog; nothing is checked against them.
   */
  public static final String PARAM_HINTS = "hints";

  private final RelyingParties parties;
  private final PasskeyRegistration registration;
  private final PasskeyAssertion assertion;
  private final PasswordlessSignIn passwordless;
  private final Signals signals;

  private PasskeyFactor(Builder b) {
    this.parties = new RelyingParties(b.rpId, b.rpName, b.origins, b.fastEs256);
    this.registration = new PasskeyRegistration(parties, b.userVerification.yubico,
        b.maxPasskeys);
    this.assertion = new PasskeyAssertion(parties, b.userVerification.yubico, b.passwordless);
    this.passwordless = new PasswordlessSignIn(parties, b.passwordless,
        b.passwordlessUserVerification.yubico);
    this.signals = new Signals(parties);
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
    return parties.rpId();
  }

  /** The allowed origins, matched exactly. */
  public Set<String> origins() {
    return parties.origins();
  }

  // ---------------------------------------------------------------- registration

  /**
   * Starts a registration: the creation options for the browser, kept in the ceremony state.
   *
   * @param parameters optional {@link #PARAM_USER_NAME} and {@link #PARAM_DISPLAY_NAME} (1 to 64
   *     printable characters each), {@link #PARAM_MEDIATION} and {@link #PARAM_HINTS}
   * @throws InvalidInputException for a bad parameter, or if the user has the maximum number of
   *     passkeys already
   */
  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters) {
    return registration.begin(ctx, pending, parameters);
  }

  /**
   * Finishes a registration with the browser's {@code credential.toJSON()} (an {@link
   * Answer.Response}). On success the result carries the record to store: credential id as lookup
   * key, signature count as counter, public key and flags in attributes. A credential id already
   * registered to any user is refused as {@code INVALID} (WebAuthn §7.1 step 26). The UP flag is
   * required unless {@link #begin} was asked for {@link #MEDIATION_CONDITIONAL}.
   */
  @Override
  public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    return registration.confirm(ctx, pending, answer);
  }

  // ---------------------------------------------------------------- second step

  /**
   * Builds the browser's {@code navigator.credentials.get} request listing the user's active
   * passkeys (the picked one first) and keeps it in the ceremony state (replacing an earlier one).
   *
   * @param parameters optional {@link #PARAM_HINTS}
   * @throws InvalidInputException if {@code factor} is not an active, registered passkey (an empty
   *     {@code allowCredentials} would let the browser offer any passkey), or for bad hints
   */
  @Override
  public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters) {
    return assertion.prompt(ctx, factor, parameters);
  }

  /**
   * Checks the browser's {@code credential.toJSON()} against the prompted request: signature,
   * challenge, origin, RP id, user verification, the credential's owner and its counter. The
   * request is cleared first, so it answers once whatever the outcome. An accepted answer carries
   * {@link Verification#USER_VERIFIED}; a request that required user verification refuses an
   * answer without it as {@code INVALID} ({@code reason=user_not_verified}).
   */
  @Override
  public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    return assertion.verify(ctx, factor, answer);
  }

  // ---------------------------------------------------------------- display

  /**
   * Synced or device-bound (also in plain words, {@link PasskeyDisplay#STORAGE}), backed up,
   * created, last used, transports, AAGUID and its provider.
   */
  @Override
  public Map<String, String> display(FactorRecord factor) {
    Objects.requireNonNull(factor, "factor");
    Map<String, String> d = new LinkedHashMap<>();
    boolean synced = Attributes.flag(factor, Attributes.BACKUP_ELIGIBLE);
    d.put(PasskeyDisplay.SYNCED, Boolean.toString(synced));
    d.put(PasskeyDisplay.STORAGE, synced ? PasskeyDisplay.STORAGE_SYNCED
        : PasskeyDisplay.STORAGE_DEVICE);
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

  // ---------------------------------------------------------------- signals

  /**
   * The WebAuthn Signal API messages for the page after the user's passkeys or names changed. The
   * user is known by the WebAuthn user handle ({@code userId}, base64url) of the registered
   * passkeys among {@code kept} and {@code removed} (a user's passkeys share one); without any,
   * none is returned.
   *
   * <ul>
   *   <li>{@link ClientSignal#ALL_ACCEPTED_CREDENTIALS}, when {@code removed} is not empty or
   *       {@code names} is present: {@code {"rpId", "userId", "allAcceptedCredentialIds"}} with
   *       the credential ids of the active passkeys in {@code kept}. A passkey manager may hide or
   *       delete this user's passkeys that are not listed, disabled ones included (Chrome hides
   *       them and shows them again once a later list names them).
   *   <li>{@link ClientSignal#CURRENT_USER_DETAILS}, when {@code names} is present: {@code
   *       {"rpId", "userId", "name", "displayName"}}, so the passkey manager shows the new names.
   * </ul>
   *
   * @throws InvalidInputException if a name is longer than 64 characters or has control,
   *     invisible or direction-changing characters (the rule of {@link #PARAM_USER_NAME})
   */
  @Override
  public List<ClientSignal> signals(List<FactorRecord> kept, List<FactorRecord> removed,
      Optional<ClientSignal.Names> names) {
    Objects.requireNonNull(kept, "kept");
    Objects.requireNonNull(removed, "removed");
    Objects.requireNonNull(names, "names");
    return signals.after(kept, removed, names);
  }

  /**
   * {@link ClientSignal#UNKNOWN_CREDENTIAL} for the credential of a browser's assertion ({@code
   * credential.toJSON()}): {@code {"rpId", "credentialId"}}, for a passkey the server does not know
   * at all (deleted here, still in the user's passkey manager), which the passkey manager may then
   * delete. Send it only when no user has that credential (a refusal for another reason, such as a
   * disabled passkey or a bad signature, is no ground for it). Empty if {@code response} is not an
   * assertion.
   */
  public Optional<ClientSignal> unknownCredentialSignal(String response) {
    Objects.requireNonNull(response, "response");
    return signals.unknownCredential(response);
  }

  // ---------------------------------------------------------------- passwordless

  /**
   * Starts a passwordless sign-in (see {@link dev.mfa4j.LoginFlow#beginPasswordless}) when the
   * builder enabled it with {@link Builder#passwordless(boolean)}: the browser's {@code
   * navigator.credentials.get} request for a discoverable credential, without {@code
   * allowCredentials}, with user verification as {@link Builder#passwordlessUserVerification} says
   * and the ceremony's lifetime as {@code timeout}, kept in the ceremony state for {@link #verify}.
   * The same JSON serves modal and conditional mediation (see the class description). Empty when
   * passwordless sign-in is off.
   */
  @Override
  public Optional<Prompt> passwordlessPrompt(FactorContext ctx) {
    return passwordless.prompt(ctx);
  }

  /**
   * The credential id of a passwordless response (the browser's {@code credential.toJSON()}),
   * unchecked; empty if it is not an assertion or passwordless sign-in is off.
   */
  @Override
  public Optional<String> passwordlessLookupKey(String response) {
    return passwordless.lookupKey(response);
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
    private UserVerification passwordlessUserVerification = UserVerification.REQUIRED;
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
     * http://localhost:8080} as such. Default: {@code https://} + the RP id. Origins of other sites
     * (related origins, WebAuthn Level 3 §5.11) are accepted too when listed here; browsers also
     * need the RP id's domain to list them in its {@code /.well-known/webauthn} document ({@link
     * RelatedOrigins#wellKnownJson}).
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
     * User verification asked in a passwordless sign-in (default {@link UserVerification#REQUIRED}).
     *
     * <p>NIST SP 800-63B-4 counts a passkey that verified the person (PIN, biometrics: the
     * WebAuthn UV flag) as a multi-factor cryptographic authenticator, enough alone for AAL2: with
     * {@code REQUIRED} the passwordless request asks for it and an answer without it is refused as
     * {@code INVALID} ({@code reason=user_not_verified}). A passkey that only saw a touch is a
     * single-factor authenticator (something you have): with {@link UserVerification#PREFERRED} or
     * {@link UserVerification#DISCOURAGED} the request asks that and such an answer is accepted
     * with {@link Verification#USER_VERIFIED} {@code "false"}, for the engine to treat the passkey
     * as one factor and ask for the password as well.
     */
    public Builder passwordlessUserVerification(UserVerification userVerification) {
      this.passwordlessUserVerification =
          Objects.requireNonNull(userVerification, "userVerification");
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

