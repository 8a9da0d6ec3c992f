package dev.mfa4j.examples;

import dev.mfa4j.ClientSignal;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page's layout needs: the practice's name, the signed-in user, whether the developer
 * outbox exists, how to write times, and what to tell the browser's passkey manager. Never makes
 * a session.
 */
@ControllerAdvice
final class PageModel {
  private final SignInFlow flow;
  private final boolean outbox;
  private final Times times;

  PageModel(SignInFlow flow, ObjectProvider<DemoOutbox> outbox, Times times) {
    this.flow = flow;
    this.outbox = outbox.getIfAvailable() != null;
    this.times = times;
  }

  @ModelAttribute
  void common(HttpServletRequest request, Model model) {
    model.addAttribute("practiceTitle", DemoApp.PRACTICE_NAME);
    model.addAttribute("devOutbox", outbox);
    model.addAttribute("times", times);
    flow.signedInUser().ifPresent(u -> model.addAttribute("me", u));
    if ("GET".equals(request.getMethod())) {
      // What the browser's passkey manager should be told after a change (the WebAuthn Signal
      // API): the page's script sends it where the browser supports it.
      SessionState.find(request).flatMap(SessionState::takeSignals)
          .ifPresent(s -> model.addAttribute("signals", json(s)));
    }
  }

  /** {@code [{"method": "signalAllAcceptedCredentials", "args": {…}}, …]}. */
  private static String json(List<ClientSignal> signals) {
    StringBuilder out = new StringBuilder("[");
    for (ClientSignal s : signals) {
      if (out.length() > 1) {
        out.append(',');
      }
      // the method is one of three fixed names, the argument a JSON object (ClientSignal checks)
      out.append("{\"method\":\"").append(s.method()).append("\",\"args\":").append(s.json())
          .append('}');
    }
    return out.append(']').toString();
  }
}
