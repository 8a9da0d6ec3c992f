package dev.mfa4j.spi;

/** Security notices the host should send the user out of band (NIST SP 800-63B-4 SHALLs). */
public enum NotificationType {
  /** A factor was added. */
  FACTOR_ADDED,
  /** A factor was removed (by the user or an administrator). */
  FACTOR_REMOVED,
  /** A factor was disabled after too many consecutive failures. */
  FACTOR_DISABLED,
  /** A new set of backup codes was issued. */
  BACKUP_CODES_ISSUED,
  /** A backup code was used to sign in. */
  BACKUP_CODE_USED,
  /** Two-factor was turned off. */
  TWO_FACTOR_DISABLED,
  /** A second step failed (details: time, browser, IP). */
  SECOND_FACTOR_FAILED,
  /** The second step was locked after repeated failures. */
  LOCKED_OUT,
  /** The phone number of a phone factor changed. */
  PHONE_CHANGED,
  /** The password was changed. */
  PASSWORD_CHANGED,
  /** An administrator reset the password to a temporary one. */
  PASSWORD_RESET,
  /** A sign-in completed from a browser not seen before. */
  NEW_DEVICE_SIGN_IN
}
