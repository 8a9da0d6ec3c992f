package dev.mfa4j.examples;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a session after 30 minutes without a request or 12 hours after it began (NIST SP
 * 800-63B-4 at AAL2: inactivity at most 1 hour, overall at most 24 hours), by the demo's clock.
 * The servlet container's own idle timeout stays as a backstop. Static files do not count as
 * activity. Never makes a session.
 */
final class SessionTimeouts extends OncePerRequestFilter {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration ABSOLUTE = Duration.ofHours(12);
  private static final String BEGAN = SessionTimeouts.class.getName() + ".began";
  private static final String SEEN = SessionTimeouts.class.getName() + ".seen";

  private final Clock clock;

  SessionTimeouts(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.startsWith("/css/") || path.startsWith("/js/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    HttpSession session = request.getSession(false);
    if (session != null) {
      Instant now = clock.instant();
      Instant began = session.getAttribute(BEGAN) instanceof Instant b ? b : now;
      Instant seen = session.getAttribute(SEEN) instanceof Instant s ? s : now;
      if (now.isAfter(seen.plus(IDLE)) || now.isAfter(began.plus(ABSOLUTE))) {
        boolean signedIn = session.getAttribute(
            HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) != null;
        session.invalidate();
        if (signedIn && "GET".equals(request.getMethod())) {
          response.sendRedirect("/signin?expired");
          return;
        }
      } else {
        session.setAttribute(BEGAN, began);
        session.setAttribute(SEEN, now);
      }
    }
    chain.doFilter(request, response);
  }
}
