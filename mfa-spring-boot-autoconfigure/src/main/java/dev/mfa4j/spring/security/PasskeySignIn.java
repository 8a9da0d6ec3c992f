package dev.mfa4j.spring.security;

import dev.mfa4j.Audience;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import jakarta.servlet.http.HttpSession;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;

/**
 * A sign-in that starts with a passkey, in the server-side session before anyone is signed in:
 * the passwordless ceremony the sign-in page answers, then, if the engine asks for the password
 * too, the pending challenge and the user the passkey named. Plain strings only (Spring Session).
 */
final class PasskeySignIn implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  static final String ATTRIBUTE = PasskeySignIn.class.getName();

  final String practice;
  String ceremony;
  Instant ceremonyExpiresAt;

  String challenge;
  Instant challengeExpiresAt;
  String user;
  String audience;
  boolean admin;
  /** The principal's name, shown on the password page. */
  String username;
  boolean remember;
  String message;

  PasskeySignIn(PracticeId practice) {
    this.practice = practice.value();
  }

  PracticeId practiceId() {
    return PracticeId.of(practice);
  }

  void awaitPassword(UserRef ref, String name, String pending, Instant expiresAt) {
    user = ref.user().value();
    audience = ref.audience().name();
    admin = ref.admin();
    username = name;
    challenge = pending;
    challengeExpiresAt = expiresAt;
  }

  boolean awaitingPassword() {
    return challenge != null;
  }

  UserRef user() {
    return new UserRef(PracticeId.of(practice), UserId.of(user), Audience.valueOf(audience),
        admin);
  }

  Optional<String> takeMessage() {
    Optional<String> m = Optional.ofNullable(message);
    message = null;
    return m;
  }

  static Optional<PasskeySignIn> in(HttpSession session) {
    return SessionValues.in(session, ATTRIBUTE, PasskeySignIn.class);
  }

  void save(HttpSession session) {
    session.setAttribute(ATTRIBUTE, this);
  }

  static void remove(HttpSession session) {
    SessionValues.remove(session, ATTRIBUTE);
  }

  @Override
  public String toString() {
    return "PasskeySignIn[" + (awaitingPassword() ? "password" : "ceremony") + "]";
  }
}
