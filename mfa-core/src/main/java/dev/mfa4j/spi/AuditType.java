package dev.mfa4j.spi;

/** What an audit event records. */
public enum AuditType {
  /** A sign-in completed (details: method, via remembered device). */
  SIGN_IN_SUCCEEDED,
  /** A sign-in was let through without a factor under enrollment grace. */
  SIGN_IN_GRACE,
  /** A second step was asked for. */
  CHALLENGE_ISSUED,
  /** A second-step answer was refused (details: reason, factor). */
  SECOND_FACTOR_FAILED,
  /** A code was refused because it had been used already. */
  CODE_REPLAYED,
  /** The user's second step was locked. */
  LOCKED_OUT,
  /** A code was sent by SMS or voice (details: channel, masked destination). */
  CODE_SENT,
  /** Sending a code failed or was throttled. */
  CODE_SEND_FAILED,
  /** A factor's enrollment began. */
  ENROLLMENT_STARTED,
  /** A factor was enrolled. */
  FACTOR_ENROLLED,
  /** A factor was renamed. */
  FACTOR_RENAMED,
  /** A factor was removed. */
  FACTOR_REMOVED,
  /** A factor was disabled after too many consecutive failures. */
  FACTOR_DISABLED,
  /** A possibly cloned authenticator was seen (WebAuthn counter went back). */
  CREDENTIAL_CLONE_SUSPECTED,
  /** A new set of backup codes was issued. */
  BACKUP_CODES_ISSUED,
  /** A backup code was used. */
  BACKUP_CODE_USED,
  /** A device was remembered. */
  DEVICE_REMEMBERED,
  /** A remembered device was revoked. */
  DEVICE_REVOKED,
  /** Two-factor was turned off (by the user or an administrator). */
  TWO_FACTOR_DISABLED,
  /** The practice policy was changed. */
  POLICY_CHANGED,
  /** A password was changed. */
  PASSWORD_CHANGED,
  /** An administrator reset a password to a temporary one. */
  PASSWORD_RESET,
  /** A password confirmation failed. */
  PASSWORD_REJECTED,
  /** An action was refused for lack of rights (another practice, not an administrator). */
  ACCESS_DENIED,
  /** An administrator verified the practice's audit chain (details: result, kind, seq). */
  AUDIT_VERIFIED,
  /** The practice's audit trail was exported (details: after, through). */
  AUDIT_EXPORTED,
  /** Entries past the retention period were removed (details: through, removed). */
  AUDIT_PURGED,
  /** A signed-in user gave fresh proof for a sensitive action (details: action, method). */
  STEP_UP_SUCCEEDED,
  /**
   * A change was refused because it needs fresh proof the session does not have (details:
   * action, needs).
   */
  STEP_UP_REQUIRED
}
