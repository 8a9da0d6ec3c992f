package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

/** The page chrome around every view: header, navigation, the one-time message. */
final class Layout {
  private final String practiceTitle;

  Layout(String practiceTitle) {
    this.practiceTitle = practiceTitle;
  }

  /** The hidden CSRF field every form carries. */
  static String csrf(Request r) {
    return "<input type=\"hidden\" name=\"_csrf\" value=\"" + h(r.session.csrfToken) + "\">";
  }

  String page(Request r, String title, String body) {
    StringBuilder nav = new StringBuilder();
    r.session.user().ifPresent(u -> {
      nav.append("<a href=\"/\">Home</a> <a href=\"/account/security\" id=\"nav-security\">")
          .append("Profile &amp; security</a> ");
      if (u.role() == DemoUser.Role.ADMIN) {
        nav.append("<a href=\"/admin\" id=\"nav-admin\">Administration</a> ");
      }
      nav.append("<form method=\"post\" action=\"/signout\" class=\"inline\">").append(csrf(r))
          .append("<button id=\"signout\">Sign out ").append(h(u.name())).append("</button></form>");
    });
    nav.append(" <a href=\"/dev/outbox\" id=\"nav-outbox\">Developer outbox</a>");
    String flash = r.session.takeError()
        .map(e -> "<p class=\"error alert\" id=\"error\" role=\"alert\">" + h(e) + "</p>")
        .orElse("")
        + r.session.takeFlash()
        .map(f -> "<p class=\"flash\" id=\"flash\">" + h(f) + "</p>").orElse("");
    // What the browser's passkey manager should be told after a change (the WebAuthn Signal
    // API): a data block that the page's script sends where the browser supports it.
    String signals = r.session.takeSignals().map(Layout::signals).orElse("");
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"csrf-token\" content=\"" + h(r.session.csrfToken) + "\">"
        + "<title>" + h(title) + " · " + h(practiceTitle) + "</title>"
        + "<link rel=\"stylesheet\" href=\"/static/demo.css\">"
        + "<script src=\"/static/webauthn.js\" defer></script></head><body>"
        + "<header><strong>" + h(practiceTitle) + "</strong> <span class=\"muted\">mfa4j demo</span>"
        + "<nav>" + nav + "</nav></header><main><h1>" + h(title) + "</h1>" + flash + body
        + signals + "</main></body></html>";
  }

  /** {@code [{"method": "signalAllAcceptedCredentials", "args": {…}}, …]} in a data block. */
  private static String signals(java.util.List<dev.mfa4j.ClientSignal> list) {
    StringBuilder json = new StringBuilder("[");
    for (dev.mfa4j.ClientSignal s : list) {
      if (json.length() > 1) {
        json.append(',');
      }
      // the method is one of three fixed names, the argument a JSON object (ClientSignal checks)
      json.append("{\"method\":\"").append(s.method()).append("\",\"args\":").append(s.json())
          .append('}');
    }
    return Views.jsonBlock("client-signals", json.append(']').toString());
  }
}
