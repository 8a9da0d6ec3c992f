package dev.mfa4j.examples;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/**
 * Spring Security's session-held CSRF tokens, except that a form post arriving without a
 * session gets no new session. Spring Security's filter makes a token for a post that has none,
 * to compare it with the one submitted, and the session repository then makes a session to keep
 * it: the refusal's response carries a new session cookie. A cross-site form post (sent without
 * the victim's SameSite=Lax cookie) would so replace the victim's session cookie and sign them
 * out. Here such a token is compared and forgotten; the post is refused all the same.
 */
final class NoSessionForRefusalCsrfTokenRepository implements CsrfTokenRepository {
  private final HttpSessionCsrfTokenRepository sessions = new HttpSessionCsrfTokenRepository();

  @Override
  public CsrfToken generateToken(HttpServletRequest request) {
    return sessions.generateToken(request);
  }

  @Override
  public void saveToken(CsrfToken token, HttpServletRequest request,
      HttpServletResponse response) {
    if (token != null && request.getSession(false) == null && !safe(request.getMethod())) {
      return;
    }
    sessions.saveToken(token, request, response);
  }

  @Override
  public CsrfToken loadToken(HttpServletRequest request) {
    return sessions.loadToken(request);
  }

  private static boolean safe(String method) {
    return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
        || "TRACE".equals(method);
  }
}
