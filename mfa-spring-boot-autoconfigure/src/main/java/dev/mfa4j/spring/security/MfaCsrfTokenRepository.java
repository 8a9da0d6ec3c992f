package dev.mfa4j.spring.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/**
 * Spring Security's session-held CSRF tokens ({@link HttpSessionCsrfTokenRepository}), except
 * that a state-changing request arriving without a session is given none.
 *
 * <p>Spring Security's {@code CsrfFilter} makes a token for a request that has none, to compare it
 * with the one submitted, and the session repository then creates a session to keep it: the 403
 * answering a forged request carries a new session cookie. A cross-site form post arrives without
 * the victim's {@code SameSite=Lax} session cookie, so that new cookie replaces the victim's and
 * signs them out. This repository compares such a token and forgets it; the request is refused
 * all the same. Safe methods ({@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}) and
 * every request of an existing session behave exactly as with {@link
 * HttpSessionCsrfTokenRepository}, so the forms of a page still carry a token the session knows.
 *
 * <p>The auto-configuration installs it on every {@code HttpSecurity} whose CSRF protection is on
 * ({@code mfa4j.web.csrf-session-safe}, default true), before the application's own security
 * configuration runs: an application that sets a repository itself ({@code
 * http.csrf(c -> c.csrfTokenRepository(...))}) keeps its own. An application that applies
 * {@link Mfa4jHttpConfigurer} itself installs it the same way:
 *
 * <pre>{@code
 * http.csrf(c -> c.csrfTokenRepository(new MfaCsrfTokenRepository()));
 * }</pre>
 */
public final class MfaCsrfTokenRepository implements CsrfTokenRepository {
  private final HttpSessionCsrfTokenRepository sessions;

  /** Over a {@link HttpSessionCsrfTokenRepository} with Spring Security's default names. */
  public MfaCsrfTokenRepository() {
    this(new HttpSessionCsrfTokenRepository());
  }

  /**
   * Over the given session repository (for its parameter, header or attribute names).
   *
   * @param sessions the repository that generates, keeps and loads the tokens
   */
  public MfaCsrfTokenRepository(HttpSessionCsrfTokenRepository sessions) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
  }

  /** A new token, from the session repository; nothing is saved yet. */
  @Override
  public CsrfToken generateToken(HttpServletRequest request) {
    return sessions.generateToken(request);
  }

  /**
   * Saves the token in the session, unless the request has no session and its method is not a
   * safe one: then the token is not kept and no session is created. A null token (a removal)
   * always passes through.
   */
  @Override
  public void saveToken(CsrfToken token, HttpServletRequest request,
      HttpServletResponse response) {
    if (token != null && request.getSession(false) == null && !safe(request.getMethod())) {
      return;
    }
    sessions.saveToken(token, request, response);
  }

  /** The token the session holds, if any. */
  @Override
  public CsrfToken loadToken(HttpServletRequest request) {
    return sessions.loadToken(request);
  }

  private static boolean safe(String method) {
    return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
        || "TRACE".equals(method);
  }

  @Override
  public String toString() {
    return "MfaCsrfTokenRepository[" + sessions.getClass().getSimpleName() + "]";
  }
}
