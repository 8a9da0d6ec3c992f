package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Assurance;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.StepUpRequiredException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The home page: the practice's own work (here one sensitive action, exporting a client chart,
 * which asks the user to confirm it's them unless they did a moment ago) and the offer of a
 * passkey to a user who has none.
 */
final class HomeController {
  /** How recent the proof must be to export a client chart. */
  static final Duration CHART_MAX_AGE = Duration.ofMinutes(5);

  private final Demo app;
  private final StepUpController stepUp;

  HomeController(Demo app, StepUpController stepUp) {
    this.app = app;
    this.stepUp = stepUp;
  }

  void routes(DemoServer s) {
    s.get("/", this::home);
    s.post("/chart/export", this::exportChart);
  }

  Response home(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    StringBuilder sb = new StringBuilder();
    r.session.takeBackupCodes().ifPresent(c -> sb.append(Views.backupCodes(c)));
    sb.append("<p id=\"signed-in\">You are signed in as ").append(h(u.email())).append(" (")
        .append(h(u.role().name().toLowerCase(java.util.Locale.ROOT))).append(").</p>")
        .append("<ul><li><a href=\"/account/security\">Profile &amp; security</a></li>")
        .append(u.role() == DemoUser.Role.ADMIN
            ? "<li><a href=\"/admin\">Administration</a></li>" : "")
        .append("</ul>");
    if (u.role() != DemoUser.Role.CLIENT) {
      sb.append("<section id=\"charts\"><h2>Client charts</h2>"
          + "<p>Demo client: Jordan Example. A chart holds health information, so exporting it"
          + " asks you to confirm it's you, unless you did in the last ")
          .append(CHART_MAX_AGE.toMinutes()).append(" minutes.</p>"
              + "<form method=\"post\" action=\"/chart/export\" id=\"export-chart-form\">")
          .append(Layout.csrf(r))
          .append("<button id=\"export-chart\">Export client chart</button></form></section>");
    }
    if (passkeyOffered(app, u)) {
      sb.append("<section id=\"passkey-offer\"><h2>Sign in with a passkey</h2><p>A passkey"
          + " signs you in with your fingerprint, face or screen lock instead of your password,"
          + " and cannot be phished.</p>");
      if (upgradeFits(app, r, u) && !r.session.upgradeOffered()) {
        // Where the browser can, it saves a passkey in the background for the password the user
        // just typed (conditional create): no dialog, nothing to click.
        sb.append("<div id=\"passkey-upgrade\" data-begin=\"/account/passkey/upgrade\""
            + " data-confirm=\"/account/passkey/upgrade/confirm\">"
            + "<p id=\"passkey-upgrade-status\" class=\"ok\" role=\"status\" hidden></p></div>");
      }
      sb.append("<form method=\"post\" action=\"/account/enroll/begin\" id=\"passkey-offer-form\">")
          .append(Layout.csrf(r)).append(SecurityController.hidden("kind", "passkey"))
          .append(SecurityController.hidden("label", "Passkey"))
          .append("<button id=\"create-passkey\">Create a passkey</button></form></section>");
    }
    return Response.ok(app.layout.page(r, "Welcome, " + u.name(), sb.toString()));
  }

  /** Whether to offer a passkey: the user has none, and the practice allows passkeys. */
  static boolean passkeyOffered(Demo app, DemoUser u) {
    AccountSecurity account = app.mfa.account(u.ref());
    return app.policy(u.practice()).methodsFor(u.ref().audience()).contains(FactorKind.PASSKEY)
        && app.mfa.kinds().contains(FactorKind.PASSKEY)
        && account.factors().stream().noneMatch(f -> f.kind().equals(FactorKind.PASSKEY));
  }

  /**
   * Whether a passkey may be made in the background now: offered, two-step verification on (so
   * no backup codes would be issued unseen), and this session signed in with a password and a
   * code.
   */
  static boolean upgradeFits(Demo app, Request r, DemoUser u) {
    Assurance a = r.session.assurance().orElse(null);
    return a != null && passkeyOffered(app, u)
        && app.mfa.account(u.ref()).factors().stream().anyMatch(FactorSummary::active)
        && a.passwordAt().isPresent() && a.proofs().stream()
            .anyMatch(p -> p.type() == Assurance.Type.FACTOR);
  }

  /**
   * The host's own sensitive action. A fresh second step (mfa4j's {@code isFresh}) lets it
   * through; otherwise the user confirms it's them first.
   */
  Response exportChart(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    if (u.role() == DemoUser.Role.CLIENT) {
      return Response.html(403, app.layout.page(r, "Client charts",
          "<p class=\"error\" id=\"error\">Only practice staff may export client charts.</p>"));
    }
    Instant now = app.clock.instant();
    // mfa4j: checks the record is genuine and shows a second step within the last 5 minutes.
    boolean fresh = r.session.assurance()
        .map(a -> app.mfa.stepUp().isFresh(a, CHART_MAX_AGE)).orElse(false)
        // a user with no second step confirmed with the password, checked by the host
        || r.session.passwordConfirmed()
            .filter(t -> !t.isBefore(now.minus(CHART_MAX_AGE))).isPresent();
    if (!fresh) {
      return stepUp.ask(r, StepUpRequiredException.Needs.SECOND_FACTOR, "export_chart",
          new Session.Resume("/chart/export", Map.of(), "export the client chart", "/", true,
              true));
    }
    r.session.resume(null);
    String chart = "Client chart (demo data, not a real person)\n"
        + "Client: Jordan Example\n"
        + "Exported by: " + u.name() + " at " + Views.time(now) + "\n\n"
        + "2024-03-04  Intake session. Goals agreed.\n"
        + "2024-03-11  Follow-up. Sleep improving.\n";
    return Response.download("text/plain; charset=utf-8", "client-chart-jordan-example.txt",
        chart.getBytes(StandardCharsets.UTF_8));
  }
}
