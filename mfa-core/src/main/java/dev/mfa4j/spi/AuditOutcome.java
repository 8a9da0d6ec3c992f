package dev.mfa4j.spi;

/** How an audited action ended. */
public enum AuditOutcome {
  /** It did what was asked. */
  SUCCESS,
  /** It was tried and failed (wrong code, provider error). */
  FAILURE,
  /** It was refused (no right, locked, throttled). */
  DENIED
}
