/**
 * Authenticator apps as a second factor: RFC 4226 HOTP and RFC 6238 TOTP codes ({@link
 * dev.mfa4j.totp.Otp}), Base32 secrets ({@link dev.mfa4j.totp.TotpSecret}), {@code otpauth://}
 * Key URIs ({@link dev.mfa4j.totp.OtpAuthUri}), QR codes ({@link dev.mfa4j.totp.QrCode}) and the
 * factor provider ({@link dev.mfa4j.totp.TotpFactor}).
 *
 * <p>Public API: {@link dev.mfa4j.totp.TotpFactor}, {@link dev.mfa4j.totp.TotpEnrollment}, {@link
 * dev.mfa4j.totp.Otp}, {@link dev.mfa4j.totp.TotpCheck}, {@link dev.mfa4j.totp.OtpAlgorithm},
 * {@link dev.mfa4j.totp.TotpParameters}, {@link dev.mfa4j.totp.TotpSecret}, {@link
 * dev.mfa4j.totp.OtpAuthUri}, {@link dev.mfa4j.totp.InvalidOtpAuthUriException}, {@link
 * dev.mfa4j.totp.QrCode}, {@link dev.mfa4j.totp.QrOptions}. Everything else is package-private.
 * Every parameter is non-null unless documented otherwise; every method returns non-null.
 */
package dev.mfa4j.totp;
