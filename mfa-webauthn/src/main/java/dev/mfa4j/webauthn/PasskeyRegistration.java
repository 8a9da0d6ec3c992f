package dev.mfa4j.webauthn;

import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.mfa4j.Answer;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Registration of a passkey (WebAuthn §7.1): the creation options for {@code
 * navigator.credentials.create}, kept in the ceremony state, and the check of the browser's answer
 * by Yubico's relying party, refusing a credential id registered to anyone ({@link
 * FactorContext#lookupKeyTaken}).
 *
 * <p>Conditional create ({@link PasskeyFactor#PARAM_MEDIATION} {@code conditional}): the choice is
 * made at {@link #begin} and kept in the ceremony's state next to the request, never read from the
 * browser's answer; only such a ceremony lets Yubico accept an attestation without the UP flag
 * (its {@code FinishRegistrationOptions.isConditionalCreate}, WebAuthn Level 3 §7.1 step 14).
 */
final class PasskeyRegistration {
  /** The ceremony state key of the creation options. */
  static final String STATE_CREATION = "passkey.creation";
  /** The ceremony state key of the mediation chosen at {@link #begin}. */
  static final String STATE_MEDIATION = "passkey.mediation";
  /** The engine's enrollment ceremonies live this long. */
  static final Duration ENROLLMENT_LIFETIME = PracticePolicy.MAX_CODE_LIFETIME;
  private static final int USER_HANDLE_BYTES = 32;
  private static final int MAX_NAME = 64;
  private static final List<String> MEDIATIONS =
      List.of(PasskeyFactor.MEDIATION_MODAL, PasskeyFactor.MEDIATION_CONDITIONAL);

  private static final Logger log = LoggerFactory.getLogger(PasskeyFactor.class);

  private final RelyingParties parties;
  private final UserVerificationRequirement userVerification;
  private final int maxPasskeys;

  PasskeyRegistration(RelyingParties parties, UserVerificationRequirement userVerification,
      int maxPasskeys) {
    this.parties = parties;
    this.userVerification = userVerification;
    this.maxPasskeys = maxPasskeys;
  }

  /**
   * Starts a registration: the creation options for the browser, kept in the ceremony state.
   *
   * @param parameters optional {@link PasskeyFactor#PARAM_USER_NAME} and {@link
   *     PasskeyFactor#PARAM_DISPLAY_NAME} (1 to 64 printable characters each), {@link
   *     PasskeyFactor#PARAM_MEDIATION} and {@link PasskeyFactor#PARAM_HINTS}
   * @throws InvalidInputException for a bad parameter, or if the user has the maximum number of
   *     passkeys already
   */
  Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(parameters, "parameters");
    String userName = name(parameters.get(PasskeyFactor.PARAM_USER_NAME), ctx.user().user().value(),
        PasskeyFactor.PARAM_USER_NAME);
    String displayName = name(parameters.get(PasskeyFactor.PARAM_DISPLAY_NAME), userName,
        PasskeyFactor.PARAM_DISPLAY_NAME);
    String mediation = parameters.getOrDefault(PasskeyFactor.PARAM_MEDIATION,
        PasskeyFactor.MEDIATION_MODAL);
    if (!MEDIATIONS.contains(mediation)) {
      throw new InvalidInputException(PasskeyFactor.PARAM_MEDIATION + " must be one of "
          + String.join(", ", MEDIATIONS));
    }
    boolean conditional = mediation.equals(PasskeyFactor.MEDIATION_CONDITIONAL);
    List<String> hints = Hints.parse(parameters);
    List<FactorRecord> others = Passkeys.others(ctx, pending);
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
    RelyingParty rp = parties.forView(new CredentialView(userName, registered, Optional.empty()),
        ctx.clock());
    PublicKeyCredentialCreationOptions options = rp.startRegistration(
        StartRegistrationOptions.builder()
            .user(UserIdentity.builder().name(userName).displayName(displayName)
                .id(userHandle).build())
            .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                .authenticatorAttachment(Hints.attachment(hints))
                // conditional create makes a passkey the browser can offer later: discoverable
                .residentKey(conditional
                    ? ResidentKeyRequirement.REQUIRED : ResidentKeyRequirement.PREFERRED)
                .userVerification(userVerification)
                .build())
            .timeout(ENROLLMENT_LIFETIME.toMillis())
            .hints(hints)
            .build());
    ctx.putState(STATE_CREATION, Ceremony.encode(ctx.clock().instant(), Json.write(options)));
    ctx.putState(STATE_MEDIATION, mediation);
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
  Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(answer, "answer");
    if (!(answer instanceof Answer.Response response)) {
      return Verification.rejected(VerificationOutcome.MALFORMED, Passkeys.reason("not_a_response"));
    }
    Optional<Ceremony> ceremony = ctx.state(STATE_CREATION).flatMap(Ceremony::decode);
    if (ceremony.isEmpty()) {
      return Verification.rejected(VerificationOutcome.NOT_PROMPTED, Passkeys.reason("no_request"));
    }
    if (ceremony.get().expired(ctx.clock().instant(), ENROLLMENT_LIFETIME)) {
      return Verification.rejected(VerificationOutcome.EXPIRED, Passkeys.reason("request_expired"));
    }
    PublicKeyCredentialCreationOptions options =
        Json.read(ceremony.get().json(), PublicKeyCredentialCreationOptions.class);
    PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> pkc;
    try {
      pkc = Json.registration(response.reveal());
    } catch (Json.MalformedException e) {
      return Verification.rejected(VerificationOutcome.MALFORMED, Passkeys.reason("bad_json"));
    }
    if (ctx.lookupKeyTaken(pkc.getId().getBase64Url())) {
      // WebAuthn §7.1 step 26: a credential id registered to anyone is refused
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("credential_registered"));
    }
    List<FactorRecord> registered =
        Passkeys.others(ctx, pending).stream().filter(Attributes::isRegistered).toList();
    RelyingParty rp = parties.forView(new CredentialView(Passkeys.VIEW_USER, registered, Optional.empty()),
        ctx.clock());
    // read from the server-side state of this ceremony, as chosen at begin: never from the answer
    boolean conditional = ctx.state(STATE_MEDIATION)
        .filter(PasskeyFactor.MEDIATION_CONDITIONAL::equals).isPresent();
    RegistrationResult result;
    try {
      result = parties.verifying(() -> {
        try {
          return rp.finishRegistration(finishOptions(options, pkc, conditional));
        } catch (RegistrationFailedException e) {
          throw new RelyingParties.Refusal(e);
        }
      });
    } catch (RelyingParties.Refusal e) {
      log.debug("passkey registration refused by the relying party checks");
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("registration_failed"));
    } catch (RuntimeException e) {
      // Yubico surfaces some malformed input (bad keys, bad signatures) as plain runtime errors
      log.debug("passkey registration failed on malformed input: {}", e.getClass().getName());
      return Verification.rejected(VerificationOutcome.MALFORMED, Passkeys.reason("unverifiable"));
    }
    ByteArray handle = options.getUser().getId();
    if (!Attributes.userHandle(pending).map(handle::equals).orElse(false)) {
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("user_handle_mismatch"));
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
    attributes.put(Attributes.CREATED_VIA,
        conditional ? PasskeyFactor.MEDIATION_CONDITIONAL : PasskeyFactor.MEDIATION_MODAL);
    FactorRecord registeredRecord = pending
        .withLookupKey(Optional.of(result.getKeyId().getId().getBase64Url()))
        .withCounter(result.getSignatureCount())
        .withAttributes(attributes);
    ctx.putState(STATE_CREATION, "");
    ctx.putState(STATE_MEDIATION, "");
    Map<String, String> details = new LinkedHashMap<>();
    details.put("aaguid", attributes.get(Attributes.AAGUID));
    details.put("synced", Boolean.toString(result.isBackupEligible()));
    details.put(Verification.USER_VERIFIED, Boolean.toString(result.isUserVerified()));
    details.put("createdVia", attributes.get(Attributes.CREATED_VIA));
    return Verification.accepted(registeredRecord, details);
  }

  /**
   * Yubico's options for the check. With {@code conditional} it skips only the UP check of §7.1
   * step 14 (WebAuthn Level 3: "If options.mediation is not set to conditional, verify that the UP
   * bit of the flags in authData is set"); every other step, user verification when required
   * included, runs as for a modal registration. Yubico marks the option experimental
   * (deprecated) while the standard matures.
   */
  @SuppressWarnings("deprecation")
  private static FinishRegistrationOptions finishOptions(PublicKeyCredentialCreationOptions options,
      PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> pkc,
      boolean conditional) {
    return FinishRegistrationOptions.builder().request(options).response(pkc)
        .isConditionalCreate(conditional).build();
  }

  /**
   * A name the authenticator shows: {@code fallback} (cut to 64 characters) when {@code value} is
   * null, else {@code value} checked.
   *
   * @throws InvalidInputException for a blank, too long, control or invisible character name
   */
  static String name(String value, String fallback, String what) {
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
}
