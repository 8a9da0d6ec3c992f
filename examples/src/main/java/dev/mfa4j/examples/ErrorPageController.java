package dev.mfa4j.examples;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Error pages in the site's layout, in plain words, never with internals. It makes no session:
 * a refused cross-site form post must not hand the browser a new session cookie in place of the
 * one it has.
 */
@Controller
final class ErrorPageController implements ErrorController {
  @RequestMapping("/error")
  String error(HttpServletRequest request, HttpServletResponse response, Model model) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 500;
    Object denied = request.getAttribute(WebAttributes.ACCESS_DENIED_403);
    String path = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
    String message;
    if (denied instanceof CsrfException) {
      message = "This form has expired. Go back, reload the page and try again.";
    } else if (status == 403 && path.startsWith("/admin")) {
      message = "Only practice administrators may open this page.";
    } else if (status == 403 && path.startsWith("/chart")) {
      message = "Only practice staff may export client charts.";
    } else if (status == 403) {
      message = "You may not do that.";
    } else if (status == 404) {
      message = "There is no such page.";
    } else if (status == 400 || status == 405) {
      message = "That request was not valid.";
    } else {
      message = "Something went wrong. Please try again.";
    }
    response.setStatus(status);
    model.addAttribute("message", message);
    return "error";
  }
}
