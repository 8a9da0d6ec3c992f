package dev.mfa4j;

import java.util.Objects;

/** The key of a user's rows in an {@link InMemoryMfaStore}: practice and user. */
record InMemoryOwner(PracticeId practice, UserId user) {
  InMemoryOwner {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
  }
}
