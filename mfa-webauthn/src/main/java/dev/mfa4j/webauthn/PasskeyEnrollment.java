package dev.mfa4j.webauthn;

import java.util.Objects;

/**
 * What {@code beginEnrollment} of a passkey returns for the browser (read it with {@code
 * EnrollmentStart.details(PasskeyEnrollment.class)}).
 *
 * <pre>{@code
 * const options = PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(creationOptionsJson));
 * const credential = await navigator.credentials.create({ publicKey: options });
 * // POST JSON.stringify(credential.toJSON()) and confirm with Answer.response(factorId, thatJson)
 * }</pre>
 *
 * @param creationOptionsJson the {@code PublicKeyCredentialCreationOptionsJSON} for {@code
 *     PublicKeyCredential.parseCreationOptionsFromJSON}; not secret
 */
public record PasskeyEnrollment(String creationOptionsJson) {
  /** Checks for null. */
  public PasskeyEnrollment {
    Objects.requireNonNull(creationOptionsJson, "creationOptionsJson");
  }
}
