/**
 * mfa4j's public API: {@link dev.mfa4j.MfaEngine} and its flows ({@link dev.mfa4j.LoginFlow},
 * {@link dev.mfa4j.AccountSecurity}, {@link dev.mfa4j.Administration}), results, identifiers and
 * {@link dev.mfa4j.PracticePolicy}. Every parameter is non-null unless documented otherwise;
 * every method returns non-null.
 */
package dev.mfa4j;
