package dev.mfa4j.webauthn;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The second step with a passkey (WebAuthn §7.2): the request for {@code navigator.credentials.get}
 * listing the user's active passkeys, kept in the ceremony state, and the check of the browser's
 * answer (also of a passwordless ceremony's) by Yubico's relying party, the credential's owner and
 * then the {@link SignatureCounter}.
 */
final class PasskeyAssertion {
  /** The ceremony state key of a second step's request. */
  static final String STATE_REQUEST = "passkey.request";

  private static final Logger log = LoggerFactory.getLogger(PasskeyFactor.class);

  private final RelyingParties parties;
  private final UserVerificationRequirement userVerification;
  private final boolean passwordlessEnabled;

  PasskeyAssertion(RelyingParties parties, UserVerificationRequirement userVerification,
      boolean passwordlessEnabled) {
    this.parties = parties;
    this.userVerification = userVerification;
    this.passwordlessEnabled = passwordlessEnabled;
  }

  /**
   * Builds the browser's {@code navigator.credentials.get} request listing the user's active
   * passkeys (the picked one first) and keeps it in the ceremony state (replacing an earlier one).
   *
   * @param parameters optional {@link PasskeyFactor#PARAM_HINTS}
   * @throws InvalidInputException if {@code factor} is not an active, registered passkey (an empty
   *     {@code allowCredentials} would let the browser offer any passkey), or for bad hints
   */
  Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(parameters, "parameters");
    List<FactorRecord> mine = Passkeys.active(ctx);
    Optional<FactorRecord> picked = Passkeys.byId(mine, factor.id());
    if (picked.isEmpty()) {
      throw new InvalidInputException("the factor is not an active, registered passkey");
    }
    List<FactorRecord> offered = new ArrayList<>();
    offered.add(picked.get());
    mine.stream().filter(r -> !r.id().equals(factor.id())).forEach(offered::add);
    RelyingParty rp = parties.forView(
        new CredentialView(Passkeys.VIEW_USER, offered, Optional.empty()), ctx.clock());
    AssertionRequest request = rp.startAssertion(StartAssertionOptions.builder()
        .username(Passkeys.VIEW_USER)
        .userVerification(userVerification)
        .timeout(ctx.policy().challengeLifetime().toMillis())
        .hints(Hints.parse(parameters))
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
  Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(answer, "answer");
    if (!(answer instanceof Answer.Response response)) {
      return Verification.rejected(VerificationOutcome.MALFORMED, Passkeys.reason("not_a_response"));
    }
    Optional<Ceremony> ceremony = ctx.state(STATE_REQUEST).flatMap(Ceremony::decode);
    boolean passwordless = false;
    if (ceremony.isEmpty() && passwordlessEnabled) {
      // a passwordless ceremony: the engine found this factor by the response's credential id
      ceremony = ctx.state(PasswordlessSignIn.STATE_KEY).flatMap(Ceremony::decode);
      passwordless = ceremony.isPresent();
    }
    if (ceremony.isEmpty()) {
      return Verification.rejected(VerificationOutcome.NOT_PROMPTED, Passkeys.reason("no_request"));
    }
    ctx.putState(passwordless ? PasswordlessSignIn.STATE_KEY : STATE_REQUEST, "");
    if (ceremony.get().expired(ctx.clock().instant(), ctx.policy().challengeLifetime())) {
      return Verification.rejected(VerificationOutcome.EXPIRED, Passkeys.reason("request_expired"));
    }
    AssertionRequest request = Json.read(ceremony.get().json(), AssertionRequest.class);
    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> pkc;
    try {
      pkc = Json.assertion(response.reveal());
    } catch (Json.MalformedException e) {
      return Verification.rejected(VerificationOutcome.MALFORMED, Passkeys.reason("bad_json"));
    }
    List<FactorRecord> mine = Passkeys.active(ctx);
    if (Passkeys.byId(mine, factor.id()).isEmpty()) {
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("unknown_credential"));
    }
    // the request listed all the user's passkeys: the one that answered may not be the picked one
    Optional<String> credential = Optional.of(pkc.getId().getBase64Url());
    Optional<FactorRecord> used = mine.stream()
        .filter(r -> r.lookupKey().equals(credential)).findFirst();
    if (used.isEmpty()) {
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("unknown_credential"));
    }
    if (requiresUserVerification(request)
        && !pkc.getResponse().getParsedAuthenticatorData().getFlags().UV) {
      // Yubico would refuse it too (§7.2 step 17); saying why helps the audit log
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("user_not_verified"));
    }
    Checked checked = finishAssertion(
        new CredentialView(Passkeys.VIEW_USER, List.of(used.get()), used), request, pkc, used.get(),
        ctx.clock());
    if (checked.refusal.isPresent()) {
      return checked.refusal.get();
    }
    if (requiresUserVerification(request) && !checked.result.isUserVerified()) {
      return Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("user_not_verified"));
    }
    Verification v = SignatureCounter.counted(ctx, used.get(), checked.result);
    if (v.isAccepted() && v.updated().isEmpty() && !used.get().id().equals(factor.id())) {
      // tell the engine which passkey answered, so it records the use on that one
      return Verification.accepted(used.get(), v.details());
    }
    return v;
  }

  /** Whether the request that was issued asked for user verification as required. */
  private static boolean requiresUserVerification(AssertionRequest request) {
    return request.getPublicKeyCredentialRequestOptions().getUserVerification()
        .filter(UserVerificationRequirement.REQUIRED::equals).isPresent();
  }

  /** The outcome of Yubico's checks plus ours: a result, or a refusal. */
  record Checked(AssertionResult result, Optional<Verification> refusal) {}

  Checked finishAssertion(CredentialRepository view, AssertionRequest request,
      PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> pkc,
      FactorRecord expected, Clock clock) {
    RelyingParty rp = parties.forView(view, clock);
    AssertionResult result;
    try {
      result = parties.verifying(() -> {
        try {
          return rp.finishAssertion(FinishAssertionOptions.builder()
              .request(request).response(pkc).build());
        } catch (AssertionFailedException e) {
          throw new RelyingParties.Refusal(e);
        }
      });
    } catch (RelyingParties.Refusal e) {
      log.debug("passkey assertion refused by the relying party checks");
      return new Checked(null, Optional.of(
          Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("assertion_failed"))));
    } catch (RuntimeException e) {
      // Yubico issue #234: a malformed signature surfaces as a plain RuntimeException
      log.debug("passkey assertion unverifiable: {}", e.getClass().getName());
      return new Checked(null, Optional.of(
          Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("bad_signature"))));
    }
    boolean owner = result.isSuccess()
        && Attributes.credentialId(expected).map(result.getCredential().getCredentialId()::equals)
            .orElse(false)
        && Attributes.userHandle(expected).map(result.getCredential().getUserHandle()::equals)
            .orElse(false);
    if (!owner) {
      return new Checked(null, Optional.of(
          Verification.rejected(VerificationOutcome.INVALID, Passkeys.reason("not_owner"))));
    }
    return new Checked(result, Optional.empty());
  }
}
