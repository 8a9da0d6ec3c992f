package dev.mfa4j.spring.security;

import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.StepUpRequiredException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a {@link StepUpRequiredException} that leaves one of the application's controllers (a
 * change made through {@link MfaFlow#account}):
 *
 * <ul>
 *   <li>{@code SECOND_FACTOR}: to the step-up page ({@code /mfa4j/step-up}), which adds the new
 *       proof to the session's assurance record ({@link MfaFlow#ASSURANCE_ATTRIBUTE}) and returns
 *       to the page the change was made from (the {@code Referer} of a POST on this site, the URL
 *       of a GET), where the user makes it again;
 *   <li>{@code PASSWORD}: a single password prompt ({@code templates/mfa4j/confirm-password.html})
 *       that posts the same form to the same URL again with the password in {@link
 *       MfaFlow#PASSWORD_PARAMETER}; a wrong password ({@link PasswordRejectedException}) or a
 *       throttled one shows the prompt again with a message.
 * </ul>
 *
 * <p>A JSON request (see the API's description) gets 401 and {@code {"error": "step_up_required",
 * "needs": "second_factor" | "password", "action": …}}: run the step-up through {@code
 * /mfa4j/api/step-up}, or send the password in the header {@link MfaFlow#PASSWORD_HEADER}, then
 * make the change again. Ordered after Spring MVC's own resolvers, so an {@code @ExceptionHandler}
 * of the application wins.
 */
public final class MfaStepUpExceptionResolver implements HandlerExceptionResolver, Ordered {
  private final MfaFlow flow;

  /** A resolver over {@code flow}. */
  public MfaStepUpExceptionResolver(MfaFlow flow) {
    this.flow = Objects.requireNonNull(flow, "flow");
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 1000;
  }

  @Override
  public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
      Object handler, Exception ex) {
    try {
      if (ex instanceof StepUpRequiredException e) {
        return stepUp(request, response, e);
      }
      boolean prompted = request.getParameter(MfaFlow.PASSWORD_PARAMETER) != null;
      if (prompted && ex instanceof PasswordRejectedException) {
        return prompt(request, "The password is not right.");
      }
      if (prompted && ex instanceof RateLimitedException) {
        return prompt(request, "Too many attempts. Please wait a little and try again.");
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private ModelAndView stepUp(HttpServletRequest request, HttpServletResponse response,
      StepUpRequiredException e) throws IOException {
    boolean json = MfaEntryPoint.wantsJson(request);
    if (e.needs() == StepUpRequiredException.Needs.SECOND_FACTOR) {
      if (!flow.stepUpForChange(request, e, returnTo(request))) {
        return null;
      }
      if (json) {
        return json(request, response, "second_factor", e);
      }
      return new ModelAndView("redirect:" + MfaEntryPoint.STEP_UP);
    }
    if (json) {
      return json(request, response, "password", e);
    }
    return prompt(request, null);
  }

  private ModelAndView json(HttpServletRequest request, HttpServletResponse response,
      String needs, StepUpRequiredException e) throws IOException {
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    String extra = needs.equals("password")
        ? "\"header\":\"" + MfaFlow.PASSWORD_HEADER + "\""
        : "\"state\":\"" + request.getContextPath() + "/mfa4j/api/state\"";
    response.getWriter().write("{\"error\":\"step_up_required\",\"needs\":\"" + needs
        + "\",\"action\":\"" + e.action().replaceAll("[^a-z0-9_.-]", "") + "\"," + extra + "}");
    return new ModelAndView();
  }

  /** The password prompt, re-posting the request's own fields to its own URL. */
  private ModelAndView prompt(HttpServletRequest request, String message) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    request.getParameterMap().forEach((name, values) -> {
      if (!name.equals("_csrf") && !name.equals(MfaFlow.PASSWORD_PARAMETER)) {
        fields.put(name, List.of(values));
      }
    });
    ModelAndView mav = new ModelAndView("mfa4j/confirm-password");
    mav.addObject("action", request.getRequestURI().substring(request.getContextPath().length()));
    mav.addObject("fields", fields);
    mav.addObject("passwordField", MfaFlow.PASSWORD_PARAMETER);
    if (message != null) {
      mav.addObject("message", message);
      mav.addObject("messageKind", "error");
    }
    return mav;
  }

  /**
   * Where to come back after a step-up, relative to the context path as Spring MVC's redirects
   * are: this site's referring page, or the page asked for.
   */
  private String returnTo(HttpServletRequest request) {
    String context = request.getContextPath();
    if ("GET".equals(request.getMethod())) {
      String q = request.getQueryString();
      return request.getRequestURI().substring(context.length()) + (q == null ? "" : "?" + q);
    }
    String referer = request.getHeader(HttpHeaders.REFERER);
    if (referer != null) {
      try {
        URI uri = new URI(referer);
        int port = uri.getPort() == -1
            ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort();
        if (request.getServerName().equalsIgnoreCase(uri.getHost())
            && request.getServerPort() == port && request.getScheme().equals(uri.getScheme())
            && uri.getRawPath() != null && uri.getRawPath().startsWith(context + "/")) {
          return uri.getRawPath().substring(context.length())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
      } catch (URISyntaxException e) {
        // not a URL: go to the default page
      }
    }
    return flow.settings().defaultSuccessUrl();
  }

  @Override
  public String toString() {
    return "MfaStepUpExceptionResolver";
  }
}
