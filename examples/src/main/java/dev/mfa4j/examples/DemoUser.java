package dev.mfa4j.examples;

import dev.mfa4j.Audience;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;

/**
 * A row of the host's own user table. mfa4j owns no users: the host tells it who someone is with a
 * {@link UserRef}.
 *
 * @param practice the practice (tenant) id
 * @param id the user's id within the practice
 * @param email what the user signs in with
 * @param name the display name
 * @param role administrator, staff member or client
 */
record DemoUser(String practice, String id, String email, String name, Role role) {
  /** The host's roles. */
  enum Role {
    ADMIN, STAFF, CLIENT
  }

  /** The same user as mfa4j sees them. */
  UserRef ref() {
    return new UserRef(PracticeId.of(practice), UserId.of(id),
        role == Role.CLIENT ? Audience.CLIENT : Audience.STAFF, role == Role.ADMIN);
  }

  String key() {
    return practice + "/" + id;
  }
}
