/**
 * Passkeys and security keys (WebAuthn) as a factor, on Yubico's {@code webauthn-server-core}.
 *
 * <p>Public API: {@link dev.mfa4j.webauthn.PasskeyFactor} (the factor provider and its builder),
 * {@link dev.mfa4j.webauthn.PasskeyEnrollment} (what enrollment shows the browser), {@link
 * dev.mfa4j.webauthn.PasskeyDisplay} (the display keys). The opt-in passwordless sign-in runs
 * through the engine ({@link dev.mfa4j.LoginFlow#beginPasswordless}). Everything else is
 * package-private.
 *
 * <p>Nulls: no method accepts or returns {@code null}; absence is {@link java.util.Optional}.
 */
package dev.mfa4j.webauthn;
