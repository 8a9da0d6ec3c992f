package dev.mfa4j.spring.security;

import jakarta.servlet.http.HttpSession;
import java.util.Optional;

/** A typed value kept under one session attribute, for the starter's per-session state. */
final class SessionValues {
  private SessionValues() {}

  /** The value under {@code attribute} if the session exists and holds one of {@code type}. */
  static <T> Optional<T> in(HttpSession session, String attribute, Class<T> type) {
    if (session == null) {
      return Optional.empty();
    }
    Object o = session.getAttribute(attribute);
    return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
  }

  /** Removes the value, if the session exists. */
  static void remove(HttpSession session, String attribute) {
    if (session != null) {
      session.removeAttribute(attribute);
    }
  }
}
