package dev.mfa4j.examples;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.support.RequestContextUtils;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * A {@link Notice} for the page after a redirect (Spring MVC's flash attributes: kept in the
 * session for exactly one request), from a controller or from a Spring Security handler.
 */
final class Flash {
  static final String NOTICE = "notice";
  private static final SessionFlashMapManager OUTSIDE_MVC = new SessionFlashMapManager();

  private Flash() {}

  /** In a controller that answers with a redirect. */
  static void put(HttpServletRequest request, Notice notice) {
    FlashMap out = RequestContextUtils.getOutputFlashMap(request);
    if (out == null) {
      throw new IllegalStateException("not in Spring MVC: use redirect(...)");
    }
    out.put(NOTICE, notice);
  }

  /**
   * A controller's redirect to {@code path}, carrying the notice that {@link SignInFlow#next}
   * left on the request, if any.
   */
  static String redirectTo(HttpServletRequest request, String path) {
    if (request.getAttribute(NOTICE) instanceof Notice n) {
      put(request, n);
    }
    return "redirect:" + path;
  }

  /** Anywhere: sends a redirect to {@code path} whose page shows {@code notice}. */
  static void redirect(HttpServletRequest request, HttpServletResponse response, String path,
      Notice notice) throws java.io.IOException {
    FlashMap out = new FlashMap();
    out.put(NOTICE, notice);
    int q = path.indexOf('?');
    out.setTargetRequestPath(q < 0 ? path : path.substring(0, q));
    OUTSIDE_MVC.saveOutputFlashMap(out, request, response);
    response.sendRedirect(request.getContextPath() + path);
  }
}
