package dev.mfa4j;

import java.util.Objects;
import java.util.Set;

/**
 * A message for the browser's credential manager, so the passkeys it offers stay in step with
 * the server: call {@code PublicKeyCredential[method](JSON.parse(json))} where the browser has
 * the method (the WebAuthn Signal API; feature-test it, since browsers without it must simply
 * skip the call).
 *
 * <pre>{@code
 * for (ClientSignal s : mfa.account(user).remove(factor, password, request)) {
 *   page.addScript("if (PublicKeyCredential." + s.method() + ") PublicKeyCredential."
 *       + s.method() + "(" + s.json() + ");");   // json is JSON, safe inside a script element
 * }
 * }</pre>
 *
 * @param method {@link #ALL_ACCEPTED_CREDENTIALS}, {@link #UNKNOWN_CREDENTIAL} or {@link
 *     #CURRENT_USER_DETAILS}
 * @param json the argument, a JSON object (it holds no secret: a relying party id, a
 *     credential id, the random user handle and the names the user chose)
 */
public record ClientSignal(String method, String json) {
  /** {@code PublicKeyCredential.signalAllAcceptedCredentials}: the passkeys still accepted. */
  public static final String ALL_ACCEPTED_CREDENTIALS = "signalAllAcceptedCredentials";
  /** {@code PublicKeyCredential.signalUnknownCredential}: a passkey the server does not know. */
  public static final String UNKNOWN_CREDENTIAL = "signalUnknownCredential";
  /** {@code PublicKeyCredential.signalCurrentUserDetails}: the user's current names. */
  public static final String CURRENT_USER_DETAILS = "signalCurrentUserDetails";

  private static final Set<String> METHODS =
      Set.of(ALL_ACCEPTED_CREDENTIALS, UNKNOWN_CREDENTIAL, CURRENT_USER_DETAILS);

  /**
   * Checks the method is one of the three and the JSON an object.
   *
   * @throws IllegalArgumentException otherwise
   */
  public ClientSignal {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(json, "json");
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("unknown signal method");
    }
    if (!json.startsWith("{") || !json.endsWith("}")) {
      throw new IllegalArgumentException("json must be a JSON object");
    }
  }

  /**
   * The names a user's passkeys show, for {@link #CURRENT_USER_DETAILS}.
   *
   * @param userName the account name (what the user types to sign in)
   * @param displayName the person's name
   */
  public record Names(String userName, String displayName) {
    /** Both names are required and not blank. */
    public Names {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(displayName, "displayName");
      if (userName.isBlank() || displayName.isBlank()) {
        throw new InvalidInputException("userName and displayName must not be blank");
      }
    }
  }
}
