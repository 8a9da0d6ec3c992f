package dev.mfa4j;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the administrator's user list.
 *
 * @param user the user
 * @param enabled whether two-factor is on
 * @param methods kinds of the user's active factors
 * @param required whether the practice requires two-factor of this user
 * @param lastSignIn when the user last signed in
 */
public record UserTwoFactorStatus(
    UserRef user,
    boolean enabled,
    List<FactorKind> methods,
    boolean required,
    Optional<Instant> lastSignIn) {
  /** Copies the list. */
  public UserTwoFactorStatus {
    Objects.requireNonNull(user, "user");
    methods = List.copyOf(methods);
    Objects.requireNonNull(lastSignIn, "lastSignIn");
  }

  /** Whether the user is out of compliance: required but not enrolled. */
  public boolean missingRequiredEnrollment() {
    return required && !enabled;
  }
}
