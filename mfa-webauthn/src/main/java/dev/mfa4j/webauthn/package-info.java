/**
 * Passkeys and security keys (WebAuthn) as a factor, on Yubico's {@code webauthn-server-core}.
 *
 * <p>Public API: {@link dev.mfa4j.webauthn.PasskeyFactor} (the factor provider and its builder),
 * {@link dev.mfa4j.webauthn.PasskeyEnrollment} (what enrollment shows the browser), {@link
 * dev.mfa4j.webauthn.PasskeyDisplay} (the display keys), {@link
 * dev.mfa4j.webauthn.RelatedOrigins} (the {@code /.well-known/webauthn} document). Everything else
 * is package-private.
 *
 * <p>What it covers, each described on {@link dev.mfa4j.webauthn.PasskeyFactor}: passkeys as a
 * second step; passkey-first (passwordless) sign-in through the engine ({@link
 * dev.mfa4j.LoginFlow#beginPasswordless}), by a button or by the browser's autofill (conditional
 * UI); automatic passkey upgrade after a password sign-in (conditional create, {@link
 * dev.mfa4j.webauthn.PasskeyFactor#PARAM_MEDIATION}); WebAuthn Level 3 hints ({@link
 * dev.mfa4j.webauthn.PasskeyFactor#PARAM_HINTS}); the Signal API messages that keep the browser's
 * passkey manager in step ({@link dev.mfa4j.webauthn.PasskeyFactor#signals}, {@link
 * dev.mfa4j.webauthn.PasskeyFactor#unknownCredentialSignal}); related origins.
 *
 * <p>Nulls: no method accepts or returns {@code null}; absence is {@link java.util.Optional}.
 */
package dev.mfa4j.webauthn;
