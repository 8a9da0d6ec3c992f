package dev.mfa4j;

import java.util.Objects;

/**
 * A user as the host application knows it, after the host has identified them. mfa4j never owns
 * the user table; the host supplies this reference on every call.
 *
 * @param practice the practice the user belongs to
 * @param user the user's id within the practice
 * @param audience staff or client; decides which policy rules apply
 * @param admin whether the user administers the practice (may call {@link MfaEngine#admin});
 *     administrators are staff, so {@code true} requires {@link Audience#STAFF}
 */
public record UserRef(PracticeId practice, UserId user, Audience audience, boolean admin) {
  /**
   * Checks that no component is null and that only staff administer.
   *
   * @throws NullPointerException if a component is null, naming it
   * @throws InvalidInputException if {@code admin} is {@code true} for a {@link Audience#CLIENT}
   */
  public UserRef {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(audience, "audience");
    if (admin && audience != Audience.STAFF) {
      throw new InvalidInputException("a client cannot be an administrator:"
          + " administrators are staff (audience STAFF)");
    }
  }

  /** A staff member who is not an administrator. */
  public static UserRef staff(String practice, String user) {
    return new UserRef(practice(practice), userId(user), Audience.STAFF, false);
  }

  /** A practice administrator (always staff). */
  public static UserRef admin(String practice, String user) {
    return new UserRef(practice(practice), userId(user), Audience.STAFF, true);
  }

  /** A client of the practice. */
  public static UserRef client(String practice, String user) {
    return new UserRef(practice(practice), userId(user), Audience.CLIENT, false);
  }

  private static PracticeId practice(String practice) {
    return PracticeId.of(Objects.requireNonNull(practice, "practice"));
  }

  private static UserId userId(String user) {
    return UserId.of(Objects.requireNonNull(user, "user"));
  }

  /** Whether {@code other} is the same person in the same practice (ignores audience and admin). */
  public boolean sameSubject(UserRef other) {
    return other != null && practice.equals(other.practice) && user.equals(other.user);
  }
}
