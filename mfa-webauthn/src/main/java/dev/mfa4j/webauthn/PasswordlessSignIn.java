package dev.mfa4j.webauthn;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.data.UserVerificationRequirement;
import dev.mfa4j.FactorKind;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.Prompt;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;


/**
 * Passwordless sign-in with a discoverable credential (opt-in, {@link
 * PasskeyFactor.Builder#passwordless(boolean)}): the request without {@code allowCredentials},
 * with user verification as configured ({@link
 * PasskeyFactor.Builder#passwordlessUserVerification}, required by default) and a timeout of the
 * ceremony's lifetime (a conditional-mediation request stays open in the autofill menu as long as
 * the ceremony can be answered), and the credential id that names the factor of an answer. The
 * answer itself is checked by {@link PasskeyAssertion}.
 */
final class PasswordlessSignIn {
  /** The ceremony state key of a passwordless request. */
  static final String STATE_KEY = "passkey.passwordless";

  private final RelyingParties parties;
  private final boolean passwordlessEnabled;
  private final UserVerificationRequirement userVerification;

  PasswordlessSignIn(RelyingParties parties, boolean passwordlessEnabled,
      UserVerificationRequirement userVerification) {
    this.parties = parties;
    this.passwordlessEnabled = passwordlessEnabled;
    this.userVerification = userVerification;
  }

  /**
   * Starts a passwordless sign-in (see {@link dev.mfa4j.LoginFlow#beginPasswordless}) when the
   * builder enabled it with {@link PasskeyFactor.Builder#passwordless(boolean)}: the browser's {@code
   * navigator.credentials.get} request for a discoverable credential, without {@code
   * allowCredentials}, with user verification as configured, kept in the ceremony state for
   * {@link PasskeyAssertion#verify}. Empty when passwordless sign-in is off.
   */
  Optional<Prompt> prompt(FactorContext ctx) {
    Objects.requireNonNull(ctx, "ctx");
    if (!passwordlessEnabled) {
      return Optional.empty();
    }
    AssertionRequest request = parties.forView(
        new CredentialView(Passkeys.VIEW_USER, List.of(), Optional.empty()), ctx.clock())
        .startAssertion(StartAssertionOptions.builder()
            .userVerification(userVerification)
            .timeout(ctx.policy().challengeLifetime().toMillis())
            .build());
    ctx.putState(STATE_KEY, Ceremony.encode(ctx.clock().instant(), Json.write(request)));
    return Optional.of(new Prompt(
        Optional.of(Json.write(request.getPublicKeyCredentialRequestOptions())),
        Map.of("method", FactorKind.PASSKEY.id(), "passwordless", "true"), Optional.empty()));
  }

  /**
   * The credential id of a passwordless response (the browser's {@code credential.toJSON()}),
   * unchecked; empty if it is not an assertion or passwordless sign-in is off.
   */
  Optional<String> lookupKey(String response) {
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
}
