package dev.mfa4j.examples;

import dev.mfa4j.Audience;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import java.security.Principal;
import java.util.Locale;

/**
 * A row of the host's own user table, and the principal of a signed-in session (its {@link
 * #getName()} is the e-mail address). mfa4j owns no users: the host tells it who someone is with a
 * {@link UserRef}.
 *
 * @param practice the practice (tenant) id
 * @param id the user's id within the practice
 * @param email what the user signs in with
 * @param name the display name
 * @param role administrator, staff member or client
 */
record DemoUser(String practice, String id, String email, String name, Role role)
    implements Principal {
  /** The host's roles. */
  enum Role {
    ADMIN, STAFF, CLIENT
  }

  /** The same user as mfa4j sees them. */
  UserRef ref() {
    return new UserRef(PracticeId.of(practice), UserId.of(id),
        role == Role.CLIENT ? Audience.CLIENT : Audience.STAFF, role == Role.ADMIN);
  }

  /** The Spring Security role, e.g. {@code ROLE_ADMIN}. */
  String authority() {
    return "ROLE_" + role.name();
  }

  /** The role as people read it: admin, staff or client (public: pages show it). */
  public String roleName() {
    return role.name().toLowerCase(Locale.ROOT);
  }

  /** Whether this is the same person (names may change while signed in). */
  boolean same(DemoUser other) {
    return other != null && other.practice.equals(practice) && other.id.equals(id);
  }

  @Override
  public String getName() {
    return email;
  }
}
