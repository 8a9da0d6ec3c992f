package dev.mfa4j;

/** The practice-wide rule: who must use two-factor authentication. */
public enum TwoFactorRequirement {
  /** Nobody must; anyone may turn it on. */
  NONE,
  /** Every staff member must; clients may. */
  ALL_STAFF,
  /** Every staff member and every client must. */
  ALL_STAFF_AND_CLIENTS;

  /** Whether this rule requires two-factor of a user of the given audience. */
  public boolean requires(Audience audience) {
    return switch (this) {
      case NONE -> false;
      case ALL_STAFF -> audience == Audience.STAFF;
      case ALL_STAFF_AND_CLIENTS -> true;
    };
  }
}
