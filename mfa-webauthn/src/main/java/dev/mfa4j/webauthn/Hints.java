package dev.mfa4j.webauthn;

import com.yubico.webauthn.data.AuthenticatorAttachment;
import com.yubico.webauthn.data.PublicKeyCredentialHint;
import dev.mfa4j.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;


/**
 * The {@link PasskeyFactor#PARAM_HINTS} parameter: WebAuthn Level 3 user-agent hints (§5.8.7,
 * {@code enum PublicKeyCredentialHint}), in the order given, which is the order of preference.
 * Yubico passes them through to the options JSON and checks nothing against them; neither do we.
 */
final class Hints {
  private static final List<String> ALLOWED = List.of(
      PublicKeyCredentialHint.SECURITY_KEY.getValue(),
      PublicKeyCredentialHint.CLIENT_DEVICE.getValue(),
      PublicKeyCredentialHint.HYBRID.getValue());

  private Hints() {}

  /**
   * The hints of {@code parameters}, in order; empty without the parameter.
   *
   * @throws InvalidInputException for a value that is not a comma-separated list of distinct
   *     allowed hints (the message names the allowed values, never the input)
   */
  static List<String> parse(Map<String, String> parameters) {
    String value = parameters.get(PasskeyFactor.PARAM_HINTS);
    if (value == null) {
      return List.of();
    }
    List<String> hints = new ArrayList<>();
    for (String token : value.split(",", -1)) {
      String hint = token.strip();
      if (!ALLOWED.contains(hint) || hints.contains(hint)) {
        throw new InvalidInputException(PasskeyFactor.PARAM_HINTS
            + " must be a comma-separated list of distinct values among "
            + String.join(", ", ALLOWED));
      }
      hints.add(hint);
    }
    return List.copyOf(hints);
  }

  /**
   * The {@code authenticatorAttachment} WebAuthn Level 3 §5.8.7 recommends with the first (most
   * preferred) hint "for compatibility with older user agents": {@code cross-platform} for {@code
   * security-key} and {@code hybrid}, {@code platform} for {@code client-device}; none without
   * hints.
   */
  static Optional<AuthenticatorAttachment> attachment(List<String> hints) {
    if (hints.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(hints.get(0).equals(PublicKeyCredentialHint.CLIENT_DEVICE.getValue())
        ? AuthenticatorAttachment.PLATFORM : AuthenticatorAttachment.CROSS_PLATFORM);
  }
}
