package dev.mfa4j.spi;

/** The life of a stored factor. */
public enum FactorState {
  /** Enrollment begun, not yet confirmed: never used for sign-in. */
  PENDING,
  /** Confirmed and usable. */
  ACTIVE,
  /** Disabled after too many consecutive failures (NIST SP 800-63B-4 §3.2.2); must be re-bound. */
  DISABLED
}
