package dev.mfa4j.spi;

/**
 * Why a provider accepted or refused an answer. The user is told only "not accepted" for every
 * refusal; the audit log records the reason.
 */
public enum VerificationOutcome {
  /** The answer is right and was not used before. */
  ACCEPTED,
  /** The answer is wrong. */
  INVALID,
  /** The answer was right once but was used already (a TOTP step at or before the last one). */
  REPLAYED,
  /** The code or ceremony expired. */
  EXPIRED,
  /** Nothing was sent or prompted for this factor in this challenge. */
  NOT_PROMPTED,
  /** The answer is malformed (bad JSON, non-digits, wrong length). */
  MALFORMED,
  /** The authenticator's signature counter went back: possibly cloned. */
  COUNTER_REGRESSION
}
