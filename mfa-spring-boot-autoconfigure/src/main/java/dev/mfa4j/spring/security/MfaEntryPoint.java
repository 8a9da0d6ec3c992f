package dev.mfa4j.spring.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authorization.RequiredFactorError;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.WebAttributes;

/**
 * Where Spring Security sends a principal that lacks one of mfa4j's factor authorities (through
 * its {@code DelegatingMissingAuthorityAccessDeniedHandler}, which saved the request first): to
 * the second step while the sign-in is pending, to a step-up once it is complete. A request that
 * asks for JSON gets 401 and a small JSON body naming the API to call.
 */
final class MfaEntryPoint implements AuthenticationEntryPoint {
  static final String VERIFY = "/mfa4j/verify";
  static final String STEP_UP = "/mfa4j/step-up";

  private final MfaFlow flow;

  MfaEntryPoint(MfaFlow flow) {
    this.flow = flow;
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException e) throws IOException {
    MfaState state = flow.state(request).orElse(null);
    String target = VERIFY;
    String next = "second_factor";
    if (state != null && state.signedIn()) {
      Set<String> required = new LinkedHashSet<>();
      if (request.getAttribute(WebAttributes.REQUIRED_FACTOR_ERRORS) instanceof List<?> errors) {
        for (Object o : errors) {
          if (o instanceof RequiredFactorError r) {
            required.add(r.getRequiredFactor().getAuthority());
          }
        }
      }
      state.stepUpFor = required;
      state.clearStepUp();
      state.save(request.getSession());
      target = STEP_UP;
      next = "step_up";
    }
    if (wantsJson(request)) {
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      response.getWriter().write("{\"error\":\"mfa_required\",\"next\":\"" + next
          + "\",\"state\":\"" + request.getContextPath() + "/mfa4j/api/state\"}");
      return;
    }
    response.sendRedirect(request.getContextPath() + target);
  }

  static boolean wantsJson(HttpServletRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return request.getRequestURI().startsWith(request.getContextPath() + "/mfa4j/api/")
        || (accept != null && accept.contains(MediaType.APPLICATION_JSON_VALUE)
            && !accept.contains(MediaType.TEXT_HTML_VALUE));
  }
}
