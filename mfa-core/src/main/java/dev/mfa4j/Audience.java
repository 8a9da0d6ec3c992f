package dev.mfa4j;

/** Who a user is to the practice: a member of staff or a client (patient). */
public enum Audience {
  /** Practitioners, administrators and other practice staff. */
  STAFF,
  /** The practice's clients or patients. */
  CLIENT
}
