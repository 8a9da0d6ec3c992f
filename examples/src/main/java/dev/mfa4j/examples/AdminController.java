package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.Administration;
import dev.mfa4j.Audience;
import dev.mfa4j.AuditCheckpoint;
import dev.mfa4j.AuditVerification;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.Reauthentication;
import dev.mfa4j.SecurityActivity;
import dev.mfa4j.StepUpRequiredException;
import dev.mfa4j.TwoFactorRequirement;
import dev.mfa4j.UserRef;
import dev.mfa4j.UserSecurityOverview;
import dev.mfa4j.UserTwoFactorStatus;
import dev.mfa4j.spi.AuditEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Administration: the practice's two-factor rule, its users and their status, and the actions an
 * administrator takes for them. mfa4j checks on every call that the actor administers the
 * target's practice; the host checks the role first so non-administrators never see the page.
 */
final class AdminController {
  private static final List<FactorKind> KINDS =
      List.of(FactorKind.TOTP, FactorKind.PHONE, FactorKind.PASSKEY, FactorKind.BACKUP_CODE);

  private final Demo app;
  private final StepUpController stepUp;

  AdminController(Demo app, StepUpController stepUp) {
    this.app = app;
    this.stepUp = stepUp;
  }

  /**
   * The administrator's actions with the session's record: under a practice rule that asks for a
   * second step, a recent one in it lets changes through.
   */
  private Administration admin(Request r, DemoUser a) {
    Administration admin = app.mfa.admin(a.ref());
    return r.session.assurance().map(admin::confirmedBy).orElse(admin);
  }

  void routes(DemoServer s) {
    s.get("/admin", this::page);
    s.post("/admin/policy", this::setPolicy);
    s.post("/admin/users/disable-2fa", this::disableTwoFactor);
    s.post("/admin/users/reset-password", this::resetPassword);
    s.get("/admin/activity", this::activity);
    s.post("/admin/audit/verify", this::verifyAudit);
    s.post("/admin/audit/export", this::exportAudit);
    s.post("/admin/audit/checkpoint", this::checkpoint);
  }

  private Optional<DemoUser> admin(Request r) {
    return r.session.user().filter(u -> u.role() == DemoUser.Role.ADMIN);
  }

  private Response denied(Request r) {
    return r.session.user().isPresent()
        ? Response.html(403, app.layout.page(r, "Administration",
            "<p class=\"error\" id=\"error\">Only practice administrators may open this page.</p>"))
        : Response.redirect("/signin");
  }

  /** A user of the administrator's own practice (the host's lookup is scoped to it). */
  private DemoUser target(DemoUser admin, String id) {
    return app.users.find(admin.practice(), id)
        .orElseThrow(() -> new InvalidInputException("no such user in your practice"));
  }

  Response page(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    return page(r, a, "");
  }

  /** The administration page, with {@code auditResult} (HTML) in its audit trail section. */
  private Response page(Request r, DemoUser a, String auditResult) {
    Administration admin = app.mfa.admin(a.ref());
    PracticePolicy policy = admin.policy();
    List<DemoUser> people = app.users.inPractice(a.practice());
    Map<UserRef, UserTwoFactorStatus> status = new HashMap<>();
    for (UserTwoFactorStatus s : admin.twoFactorStatus(people.stream().map(DemoUser::ref).toList())) {
      status.put(s.user(), s);
    }
    StringBuilder sb = new StringBuilder("<section><h2>Practice policy</h2>")
        .append("<form method=\"post\" action=\"/admin/policy\" id=\"policy-form\">")
        .append(Layout.csrf(r)).append("<label>Who must use two-step verification <select"
            + " name=\"requirement\" id=\"requirement\">");
    for (TwoFactorRequirement t : TwoFactorRequirement.values()) {
      sb.append("<option value=\"").append(t.name()).append('"')
          .append(t == policy.requirement() ? " selected" : "").append('>')
          .append(h(requirementName(t))).append("</option>");
    }
    sb.append("</select></label><label>Remember a device for <select name=\"remember\""
        + " id=\"remember\">");
    for (int days : new int[] {0, 30, 365}) {
      sb.append("<option value=\"").append(days).append('"')
          .append(policy.rememberDevice().equals(Duration.ofDays(days)) ? " selected" : "")
          .append('>').append(days == 0 ? "never (ask at every sign-in)" : days + " days")
          .append("</option>");
    }
    sb.append("</select></label>");
    sb.append(methodBoxes("staff", "Staff may use", policy.staffMethods()))
        .append(methodBoxes("client", "Clients may use", policy.clientMethods()))
        .append("<fieldset id=\"passkey-sign-in\"><legend>A passkey alone signs in</legend>")
        .append(check("passkey_staff", "Staff", policy.passkeySignIn().contains(Audience.STAFF)))
        .append(check("passkey_client", "Clients",
            policy.passkeySignIn().contains(Audience.CLIENT)))
        .append("<p class=\"muted small\">Ticked: a passkey that checks it's really the person"
            + " (fingerprint, face, PIN or screen lock) signs them in with no password and no"
            + " second step. Not ticked, or a passkey that cannot check who is using it: the"
            + " password is asked as well.</p></fieldset>")
        .append("<fieldset id=\"sensitive-changes\"><legend>Before sensitive changes</legend>")
        .append("<label>Ask for <select name=\"reauthentication\" id=\"reauthentication\">");
    for (Reauthentication rule : Reauthentication.values()) {
      sb.append("<option value=\"").append(rule.name()).append('"')
          .append(rule == policy.reauthentication() ? " selected" : "").append('>')
          .append(h(reauthenticationName(rule))).append("</option>");
    }
    sb.append("</select></label><label>given in the last <select name=\"step_up_minutes\""
        + " id=\"step-up-minutes\">");
    java.util.SortedSet<Long> minutes = new java.util.TreeSet<>(List.of(5L, 15L, 60L));
    minutes.add(Math.max(1, policy.stepUpMaxAge().toMinutes()));
    for (long m : minutes) {
      sb.append("<option value=\"").append(m).append('"')
          .append(policy.stepUpMaxAge().equals(Duration.ofMinutes(m)) ? " selected" : "")
          .append('>').append(m).append(" minutes</option>");
    }
    sb.append("</select></label><p class=\"muted small\">Sensitive changes: adding or removing a"
            + " sign-in method, new backup codes, turning two-step verification off and, unless"
            + " only the password is asked, administrators' changes (these rules, turning off"
            + " someone's two-step verification, resetting a password, downloading the activity"
            + " log). Without a second step set up, a user is asked for the password.</p>"
            + "</fieldset>")
        .append("<button id=\"save-policy\">Save policy</button></form>");
    // mfa4j: the policy names its own departures from NIST SP 800-63B-4; show them.
    if (!policy.warnings().isEmpty()) {
      sb.append("<ul id=\"policy-warnings\">");
      for (String w : policy.warnings()) {
        sb.append("<li>").append(h(plainWarning(w))).append("</li>");
      }
      sb.append("</ul>");
    }
    sb.append("</section>");

    sb.append("<section><h2>Users</h2><table id=\"users\"><thead><tr><th>Name</th><th>E-mail</th>"
        + "<th>Role</th><th>Two-step</th><th>Methods</th><th>Last sign-in</th><th></th></tr>"
        + "</thead><tbody>");
    for (DemoUser u : people) {
      UserTwoFactorStatus s = status.get(u.ref());
      boolean on = s != null && s.enabled();
      sb.append("<tr class=\"user\" data-user=\"").append(h(u.id())).append("\"><td>")
          .append(h(u.name())).append("</td><td>").append(h(u.email())).append("</td><td>")
          .append(h(u.role().name().toLowerCase(java.util.Locale.ROOT))).append("</td><td class=\"status\">")
          .append(on ? "on" : (s != null && s.missingRequiredEnrollment() ? "required, not set up" : "off"))
          .append("</td><td>");
      if (s != null) {
        s.methods().forEach(k -> sb.append(h(Views.kindName(k))).append("<br>"));
      }
      sb.append("</td><td>").append(h(s == null ? "never" : Views.time(s.lastSignIn())))
          .append("</td><td><a class=\"activity\" href=\"/admin/activity?user=")
          .append(h(java.net.URLEncoder.encode(u.id(), java.nio.charset.StandardCharsets.UTF_8)))
          .append("\">Activity</a>");
      if (on) {
        sb.append("<form method=\"post\" action=\"/admin/users/disable-2fa\" class=\"inline disable-2fa\">")
            .append(Layout.csrf(r)).append(SecurityController.hidden("user", u.id()))
            .append("<input name=\"reason\" required maxlength=\"256\" placeholder=\"Reason\""
                + " aria-label=\"Reason\"><button>Turn off two-step</button></form>");
      }
      sb.append("<form method=\"post\" action=\"/admin/users/reset-password\" class=\"inline reset-password\">")
          .append(Layout.csrf(r)).append(SecurityController.hidden("user", u.id()))
          .append("<button>Reset password</button></form></td></tr>");
    }
    sb.append("</tbody></table></section>");
    sb.append(auditSection(r, auditResult));
    return Response.ok(app.layout.page(r, "Administration", sb.toString()));
  }

  private static String auditSection(Request r, String result) {
    return "<section id=\"audit\"><h2>Audit trail</h2><p>Every sign-in, change and administration"
        + " action in this practice is kept in an activity log that cannot be altered or cut"
        + " without it showing. Check it at any time, or download it for your compliance officer"
        + " or auditor.</p>" + result
        + "<form method=\"post\" action=\"/admin/audit/verify\" class=\"inline\""
        + " id=\"verify-audit-form\">" + Layout.csrf(r)
        + "<button id=\"verify-audit\">Check the audit trail</button></form>"
        // a POST, not a link: the download is itself recorded in the activity log
        + "<form method=\"post\" action=\"/admin/audit/export\" class=\"inline\""
        + " id=\"export-audit-form\">" + Layout.csrf(r)
        + "<button class=\"link\" id=\"download-audit\">Download the activity log</button></form>"
        + "<form method=\"post\" action=\"/admin/audit/checkpoint\" class=\"inline\""
        + " id=\"checkpoint-form\">" + Layout.csrf(r)
        + "<button class=\"secondary\" id=\"sign-checkpoint\">Sign a checkpoint</button></form>"
        + "<p class=\"muted small\">A signed checkpoint records how the log stands now; later"
        + " checks compare the log with it, which also shows if the whole log was replaced. The"
        + " download is a file with one line per entry that your auditor can check without this"
        + " system.</p></section>";
  }

  /**
   * Checks the practice's activity log and shows what was found, in the administrator's words.
   * mfa4j checks the actor is an administrator of the practice and records the check itself.
   */
  Response verifyAudit(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    // mfa4j: verifies the whole chain (against the checkpoints the engine's key signed) and audits
    // AUDIT_VERIFIED. A host that keeps its own copies of checkpoints passes them here.
    AuditVerification v = app.mfa.admin(a.ref()).verifyAudit(List.of(), r.context());
    return page(r, a, auditResult(v, Views.time(app.clock.instant())));
  }

  /** The result of a check, for a practice administrator: no cryptography words. */
  static String auditResult(AuditVerification v, String when) {
    if (v.intact()) {
      String compared = v.checkpoints() == 0 ? ""
          : "; compared with " + v.checkpoints() + " signed checkpoint"
              + (v.checkpoints() == 1 ? "" : "s");
      return "<div class=\"audit-result intact\" id=\"audit-result\" role=\"status\">"
          + "<p class=\"ok\" id=\"audit-message\">The activity log is complete and unchanged ("
          + v.checked() + (v.checked() == 1 ? " entry" : " entries") + " checked).</p>"
          + "<p class=\"muted small\" id=\"audit-detail\">"
          + (v.fromSeq() == v.throughSeq() ? "Entry " + v.fromSeq()
              : "Entries " + v.fromSeq() + " to " + v.throughSeq())
          + ", checked " + h(when) + compared + ".</p></div>";
    }
    AuditVerification.Break b = v.firstBreak().orElseThrow();
    return "<div class=\"audit-result broken\" id=\"audit-result\" role=\"alert\">"
        + "<p class=\"error\" id=\"audit-message\">" + h(breakHeadline(b)) + "</p>"
        + "<p>The log was altered outside this system, for example directly in the database."
        + " Download a copy now, keep it safe, and tell your compliance officer and IT support."
        + "</p><p class=\"muted small\" id=\"audit-detail\">What the check found: "
        + h(plainDetail(b.description())) + ". For your IT support: problem \u201c"
        + h(b.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
        + "\u201d at entry " + b.seq() + b.eventId().map(id -> ", reference " + h(id)).orElse("")
        + ", checked " + h(when) + ".</p></div>";
  }

  /** The first line of a broken check: which entry, and what happened to it. */
  static String breakHeadline(AuditVerification.Break b) {
    long n = b.seq();
    return switch (b.kind()) {
      case CHANGED -> "Entry " + n + " was changed after it was recorded.";
      case DELETED -> "Entry " + n + " is missing: it was deleted from the activity log.";
      case INSERTED -> "Entry " + n + " was added to the activity log by something other than"
          + " this system.";
      case REORDERED -> "Entries were moved out of order, starting at entry " + n + ".";
      case REWRITTEN -> "The activity log was rewritten at or before entry " + n
          + ": it no longer matches the checkpoint signed for it.";
      case BAD_CHECKPOINT -> "The checkpoint signed at entry " + n + " is not genuine: it was"
          + " not signed by this practice's key.";
    };
  }

  /** The check's own sentence, with its cryptography words swapped for plain ones. */
  static String plainDetail(String description) {
    return description
        .replace("its content does not match its digest", "its content is not what was recorded")
        .replace("its digest rewritten", "its seal rewritten")
        .replace("the chain's recorded head", "the recorded end of the log")
        .replaceAll("(?i)digests?", "seal")
        .replaceAll("(?i)hash(es)?", "seal")
        .replace("chain", "log");
  }

  /** Sends the practice's whole activity log as a JSON Lines file. */
  Response exportAudit(Request r) throws java.io.IOException {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    // mfa4j: writes every kept entry with its place in the chain (verifiable outside the
    // database with AuditTrail.verifyExport) and audits AUDIT_EXPORTED. The demo holds the file
    // in memory and sends it whole: were it streamed, a failure part-way would hand over a
    // shortened file that still verifies (a prefix of the chain is a valid chain). A host with a
    // large trail writes it to a temporary file first, or exports in pages with the cursor.
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.Writer out = new java.io.OutputStreamWriter(buf, java.nio.charset.StandardCharsets.UTF_8);
    try {
      admin(r, a).exportAudit(0, out, r.context());
    } catch (StepUpRequiredException e) {
      return stepUp.ask(r, e.needs(), e.action(), new Session.Resume(r.path(), Map.of(),
          "download the activity log", "/admin#audit", true, false));
    }
    out.flush();
    r.session.resume(null);
    String day = java.time.LocalDate.ofInstant(app.clock.instant(), java.time.ZoneOffset.UTC)
        .toString();
    String practice = a.practice().replaceAll("[^A-Za-z0-9_-]", "_");
    return Response.download("application/x-ndjson; charset=utf-8",
        "mfa4j-audit-" + practice + "-" + day + ".jsonl", buf.toByteArray());
  }

  /** Signs a checkpoint of the activity log as it stands now. */
  Response checkpoint(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    // mfa4j: the operator's API (not checked per actor): the host checked the role above. A real
    // host runs this from a scheduled job, daily per practice, and also ships each checkpoint out
    // of the database (a log system, write-once storage).
    AuditCheckpoint cp = app.mfa.auditTrail().checkpoint(PracticeId.of(a.practice()));
    r.session.flash("Checkpoint signed: the activity log up to entry " + cp.seq()
        + ". Later checks compare the log with it.");
    return Response.redirect("/admin#audit");
  }

  /**
   * mfa4j's departures from NIST SP 800-63B-4, with its standards words (assurance levels,
   * "RESTRICTED", setting names) swapped for an administrator's.
   */
  static String plainWarning(String warning) {
    if (warning.contains("phishing-resistant method (passkey)")) {
      return (warning.startsWith("Clients") ? "Clients" : "Staff") + " are not offered passkeys,"
          + " the one method that cannot be phished; the NIST guidelines ask that it be offered.";
    }
    if (warning.contains("RESTRICTED authenticator")) {
      return "Users may rely on codes by text message or call alone, which the NIST guidelines"
          + " count as a weaker method (a phone number can be taken over).";
    }
    return warning.replace("NIST SP 800-63B-4 lets", "the NIST guidelines let")
        .replace("NIST SP 800-63B-4 requires", "the NIST guidelines require")
        .replace("NIST SP 800-63B-4", "the NIST guidelines");
  }

  private static String reauthenticationName(Reauthentication rule) {
    return switch (rule) {
      case PASSWORD -> "the password";
      case STEP_UP -> "a second step (a code or a passkey)";
      case PASSWORD_AND_STEP_UP -> "both the password and a second step";
    };
  }

  private static String check(String name, String label, boolean checked) {
    return "<label class=\"check\"><input type=\"checkbox\" name=\"" + name + "\" id=\""
        + name.replace('_', '-') + "\"" + (checked ? " checked" : "") + "> " + h(label)
        + "</label>";
  }

  private static String requirementName(TwoFactorRequirement t) {
    return switch (t) {
      case NONE -> "Nobody (each user may turn it on)";
      case ALL_STAFF -> "All staff";
      case ALL_STAFF_AND_CLIENTS -> "All staff and clients";
    };
  }

  private static String methodBoxes(String audience, String title, Set<FactorKind> chosen) {
    StringBuilder sb = new StringBuilder("<fieldset><legend>").append(h(title)).append("</legend>");
    for (FactorKind k : KINDS) {
      sb.append("<label class=\"check\"><input type=\"checkbox\" name=\"").append(audience)
          .append('_').append(k.id()).append('"').append(chosen.contains(k) ? " checked" : "")
          .append("> ").append(h(Views.kindName(k))).append("</label>");
    }
    return sb.append("</fieldset>").toString();
  }

  Response setPolicy(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    return stepUp.guard(r, "change the practice's sign-in rules", "/admin",
        () -> savePolicy(r, admin(r, a)));
  }

  private Response savePolicy(Request r, Administration admin) {
    try {
      Set<FactorKind> staff = new LinkedHashSet<>();
      Set<FactorKind> clients = new LinkedHashSet<>();
      for (FactorKind k : KINDS) {
        if ("on".equals(r.form("staff_" + k.id()))) {
          staff.add(k);
        }
        if ("on".equals(r.form("client_" + k.id()))) {
          clients.add(k);
        }
      }
      Set<Audience> passkeyAlone = new LinkedHashSet<>();
      if ("on".equals(r.form("passkey_staff"))) {
        passkeyAlone.add(Audience.STAFF);
      }
      if ("on".equals(r.form("passkey_client"))) {
        passkeyAlone.add(Audience.CLIENT);
      }
      int days = Integer.parseInt(r.form("remember"));
      PracticePolicy current = admin.policy();
      PracticePolicy.Builder next = current.toBuilder()
          .requirement(TwoFactorRequirement.valueOf(r.form("requirement")))
          .rememberDevice(Duration.ofDays(days))
          .staffMethods(staff)
          .clientMethods(clients)
          .passkeySignIn(passkeyAlone);
      // a form from before these settings existed leaves them as they are
      if (!r.form("reauthentication").isEmpty()) {
        next.reauthentication(Reauthentication.valueOf(r.form("reauthentication")));
      }
      if (!r.form("step_up_minutes").isEmpty()) {
        next.stepUpMaxAge(Duration.ofMinutes(Long.parseLong(r.form("step_up_minutes"))));
      }
      // mfa4j: stores the policy and audits the change (under a step-up rule, only with a
      // recent second step: StepUpRequiredException, and "Confirm it's you" first).
      admin.setPolicy(next.build(), r.context());
      r.session.flash("Policy saved.");
    } catch (PolicyViolationException e) {
      r.session.error(e.getMessage().contains("other than SMS/voice")
          ? "Not saved: offer staff and clients at least one method besides text message or call."
          : "Not saved: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      r.session.error("Not saved: the form was not valid.");
    }
    return Response.redirect("/admin");
  }

  Response disableTwoFactor(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    DemoUser t = target(a, r.form("user"));
    return stepUp.guard(r, "turn off " + t.name() + "'s two-step verification", "/admin", () -> {
      // mfa4j: removes the user's methods, backup codes and remembered devices; audits the
      // reason.
      admin(r, a).disableTwoFactor(t.ref(), r.form("reason"), r.context());
      r.session.flash("Two-step verification is off for " + t.name() + ".");
      return Response.redirect("/admin");
    });
  }

  Response resetPassword(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    DemoUser t = target(a, r.form("user"));
    return stepUp.guard(r, "reset " + t.name() + "'s password", "/admin",
        () -> resetPassword(r, a, t));
  }

  private Response resetPassword(Request r, DemoUser a, DemoUser t) {
    // mfa4j: a random temporary password that expires and must be replaced at the next sign-in;
    // the user's remembered devices are forgotten, the reset audited and the user notified.
    String temporary = admin(r, a).resetPassword(t.ref(), r.context()).reveal();
    app.sessions.invalidateUser(t); // the host ends the user's current sessions
    // Shown once, on this response to the POST; never stored or logged in plain text.
    return Response.ok(app.layout.page(r, "Temporary password",
        "<p>Give " + h(t.name()) + " this temporary password. It is case sensitive, works once,"
            + " and must be replaced at the next sign-in.</p><p><code id=\"temporary-password\">"
            + h(temporary) + "</code></p><p><a href=\"/admin\">Back to administration</a></p>"));
  }

  Response activity(Request r) {
    DemoUser a = admin(r).orElse(null);
    if (a == null) {
      return denied(r);
    }
    DemoUser t = target(a, r.query("user"));
    // mfa4j: the last sign-in (time, IP, browser) and a page of events, newest first. The page
    // cursor is the audit sequence number of the last event shown: stable, however many events
    // share a time.
    OptionalLong before = cursor(r.query("before"));
    Administration admin = app.mfa.admin(a.ref());
    SecurityActivity act = admin.activity(t.ref(), before, 50);
    // mfa4j: the user's security state: failures, lock, and each method's state.
    UserSecurityOverview state = admin.securityState(t.ref());
    StringBuilder sb = new StringBuilder("<section id=\"security-state\"><h2>Security state</h2>")
        .append("<dl><dt>Failed attempts in a row</dt><dd id=\"failures\">")
        .append(state.consecutiveFailures()).append("</dd><dt>Locked</dt><dd id=\"locked\">")
        .append(h(state.lockedUntil().map(u -> "until " + Views.time(u)).orElse("no")))
        .append("</dd></dl><ul id=\"methods\">");
    for (FactorSummary f : state.factors()) {
      sb.append("<li class=\"method\" data-state=\"").append(h(f.state().name().toLowerCase(
          java.util.Locale.ROOT))).append("\">").append(h(Views.kindName(f.kind()))).append(" “")
          .append(h(f.label())).append("”: ").append(h(Views.stateName(f))).append("</li>");
    }
    sb.append("</ul></section><section id=\"last-sign-in\"><h2>Last sign-in</h2>");
    act.lastSignIn().ifPresentOrElse(s -> sb.append("<dl><dt>Time</dt><dd id=\"last-time\">")
            .append(h(Views.time(s.at()))).append("</dd><dt>IP address</dt><dd id=\"last-ip\">")
            .append(h(s.ip())).append("</dd><dt>Browser</dt><dd id=\"last-browser\">")
            .append(h(s.userAgent())).append("</dd></dl>"),
        () -> sb.append("<p id=\"never\">Never signed in.</p>"));
    sb.append("</section><section><h2>Activity</h2><table id=\"events\"><thead><tr><th>Time</th>"
        + "<th>Event</th><th>Outcome</th><th>By</th><th>IP</th><th>Details</th></tr></thead><tbody>");
    for (AuditEvent e : act.events()) {
      sb.append("<tr class=\"event\"><td>").append(h(Views.time(e.at()))).append("</td><td class=\"type\">")
          .append(h(Views.eventName(e.type()))).append("</td><td>")
          .append(h(Views.outcomeName(e.outcome())))
          .append("</td><td>").append(h(e.actor().map(x -> x.value()).orElse("")))
          .append("</td><td>").append(h(e.ip())).append("</td><td>")
          .append(Views.eventFacts(e.type(), e.details()))
          .append("</td></tr>");
    }
    sb.append("</tbody></table>");
    act.next().ifPresent(n -> sb.append("<p><a id=\"older\" href=\"/admin/activity?user=")
        .append(h(java.net.URLEncoder.encode(t.id(), java.nio.charset.StandardCharsets.UTF_8)))
        .append("&amp;before=").append(n)
        .append("\">Older events</a></p>"));
    sb.append("</section><p><a href=\"/admin\">Back</a></p>");
    return Response.ok(app.layout.page(r, "Security & activity: " + t.name(), sb.toString()));
  }

  /** The page cursor from the query, or empty for the newest page (a bad one: the newest too). */
  private static OptionalLong cursor(String before) {
    try {
      long n = before.isEmpty() ? 0 : Long.parseLong(before);
      return n >= 1 ? OptionalLong.of(n) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
