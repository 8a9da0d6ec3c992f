package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberedDevice;
import dev.mfa4j.StepUpRequiredException;
import dev.mfa4j.sms.DeliveryException;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.webauthn.PasskeyEnrollment;
import dev.mfa4j.webauthn.PasskeyFactor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Profile &amp; security: the user's own methods, backup codes, remembered devices and password.
 * Enrollment also serves a sign-in that returned {@link LoginStep.EnrollmentRequired}: then the
 * subject is the pending user, and a confirmed method finishes the sign-in.
 */
final class SecurityController {
  private final Demo app;
  private final SignInController signIn;
  private final StepUpController stepUp;

  SecurityController(Demo app, SignInController signIn, StepUpController stepUp) {
    this.app = app;
    this.signIn = signIn;
    this.stepUp = stepUp;
  }

  void routes(DemoServer s) {
    s.get("/account/security", this::page);
    s.get("/account/enroll", this::enrollPage);
    s.post("/account/enroll/begin", this::begin);
    s.get("/account/enroll/confirm", this::confirmPage);
    s.post("/account/enroll/confirm", this::confirm);
    s.post("/account/factor/rename", this::rename);
    s.post("/account/factor/remove", this::remove);
    s.post("/account/backup-codes", this::regenerate);
    s.post("/account/disable", this::disable);
    s.post("/account/devices/revoke", this::revoke);
    s.post("/account/devices/revoke-all", this::revokeAll);
    s.post("/account/password", this::changePassword);
    s.post("/account/name", this::changeName);
    s.post("/account/passkey/upgrade", this::upgradeBegin);
    s.post("/account/passkey/upgrade/confirm", this::upgradeConfirm);
    s.get("/account/new-password", this::newPasswordPage);
    s.post("/account/new-password", this::newPassword);
  }

  /** Who is enrolling: the signed-in user, or a pending sign-in that must enroll first. */
  private record Subject(DemoUser user, Optional<ChallengeId> signIn) {}

  private Optional<Subject> subject(Request r) {
    if (r.session.user().isPresent()) {
      return Optional.of(new Subject(r.session.user().get(), Optional.empty()));
    }
    return r.session.pending()
        .filter(p -> p.step() instanceof LoginStep.EnrollmentRequired)
        .map(p -> new Subject(p.user(), Optional.of(p.challenge())));
  }

  private String home(Subject s) {
    return s.signIn().isPresent() ? "/account/enroll" : "/account/security";
  }

  /**
   * The user's account with the session's record of what proved them and when: a recent
   * password or second step in it stands in for asking again.
   */
  private AccountSecurity account(Request r, DemoUser u) {
    AccountSecurity account = app.mfa.account(u.ref());
    return r.session.assurance().map(account::confirmedBy).orElse(account);
  }

  // ---- the security page ----

  Response page(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    AccountSecurity account = app.mfa.account(u.ref());
    StringBuilder sb = new StringBuilder();
    r.session.takeBackupCodes().ifPresent(c -> sb.append(Views.backupCodes(c)));
    // mfa4j: what the user should do so as not to be locked out one day; a friendly nudge.
    for (AccountSecurity.Advice advice : account.advice()) {
      sb.append("<p class=\"nudge\" data-advice=\"").append(h(advice.name()))
          .append("\">").append(h(Views.adviceText(advice))).append("</p>");
    }
    boolean on = account.twoFactorEnabled();
    sb.append("<section><h2>Two-step verification</h2><p id=\"twofactor-status\" class=\"")
        .append(on ? "ok\">&#10004; On" : "off\">Off").append("</p>");
    List<FactorSummary> factors = account.factors();
    if (!factors.isEmpty()) {
      sb.append("<table id=\"factors\"><thead><tr><th>Method</th><th>Name</th><th>Details</th>"
          + "<th>Added</th><th>Last used</th><th></th></tr></thead><tbody>");
      for (FactorSummary f : factors) {
        sb.append("<tr class=\"factor\" data-kind=\"").append(h(f.kind().id())).append("\"><td>")
            .append(h(Views.kindName(f.kind()))).append("</td><td class=\"label\">")
            .append(h(f.label())).append("</td><td class=\"details\">").append(Views.details(f))
            // mfa4j: a method turned off after too many failures is listed with its state
            .append(f.active() ? "" : "<p class=\"state\">" + h(Views.stateName(f)) + "</p>")
            .append("</td><td>").append(h(Views.time(f.created())))
            .append("</td><td class=\"last-used\">").append(h(Views.time(f.lastUsed())))
            .append("</td><td>")
            .append("<form method=\"post\" action=\"/account/factor/rename\" class=\"inline rename\">")
            .append(Layout.csrf(r)).append(hidden("factor", f.id().value()))
            .append("<input name=\"label\" maxlength=\"64\" required value=\"").append(h(f.label()))
            .append("\" aria-label=\"New name\"><button>Rename</button></form>")
            .append("<form method=\"post\" action=\"/account/factor/remove\" class=\"inline remove\">")
            .append(Layout.csrf(r)).append(hidden("factor", f.id().value()))
            .append("<button>Remove</button></form></td></tr>");
      }
      sb.append("</tbody></table>");
    }
    sb.append("<p><a href=\"/account/enroll\" id=\"add-method\">Add a method</a></p>");
    if (on) {
      sb.append("<p>").append(account.backupCodesRemaining())
          .append(" unused backup codes.</p>")
          .append("<form method=\"post\" action=\"/account/backup-codes\" id=\"regenerate-form\">")
          .append(Layout.csrf(r))
          .append("<button>New backup codes</button></form>")
          .append("<form method=\"post\" action=\"/account/disable\" id=\"disable-form\">")
          .append(Layout.csrf(r))
          .append("<button class=\"danger\">Turn off two-step verification</button></form>");
    }
    sb.append("<p class=\"muted small\">Before you remove a method, get new backup codes or turn"
        + " two-step verification off, we may ask you to confirm it's you.</p>");
    sb.append("</section><section><h2>Remembered devices</h2>");
    List<RememberedDevice> devices = account.rememberedDevices();
    if (devices.isEmpty()) {
      sb.append("<p id=\"no-devices\">No remembered devices.</p>");
    } else {
      sb.append("<table id=\"devices\"><thead><tr><th>Browser</th><th>IP</th><th>Remembered</th>"
          + "<th>Until</th><th>Last seen</th><th></th></tr></thead><tbody>");
      for (RememberedDevice d : devices) {
        sb.append("<tr class=\"device\"><td>").append(h(d.label())).append("</td><td>")
            .append(h(d.ip())).append("</td><td>").append(h(Views.time(d.created())))
            .append("</td><td>").append(h(Views.time(d.expires()))).append("</td><td>")
            .append(h(Views.time(d.lastSeen()))).append("</td><td>")
            .append("<form method=\"post\" action=\"/account/devices/revoke\" class=\"inline\">")
            .append(Layout.csrf(r)).append(hidden("device", d.id()))
            .append("<button>Forget</button></form></td></tr>");
      }
      sb.append("</tbody></table><form method=\"post\" action=\"/account/devices/revoke-all\">")
          .append(Layout.csrf(r)).append("<button id=\"forget-all\">Forget all devices</button></form>");
    }
    sb.append("</section><section><h2>Your name</h2>")
        .append("<form method=\"post\" action=\"/account/name\" id=\"name-form\">")
        .append(Layout.csrf(r))
        .append("<label>Name shown to others <input name=\"name\" id=\"name\" maxlength=\"64\""
            + " required autocomplete=\"name\" value=\"").append(h(u.name()))
        .append("\"></label><button>Save name</button></form>");
    sb.append("</section><section><h2>Change password</h2>")
        .append("<form method=\"post\" action=\"/account/password\" id=\"password-form\">")
        .append(Layout.csrf(r))
        .append("<label>Current password <input type=\"password\" name=\"current\""
            + " autocomplete=\"current-password\" required></label>")
        .append(newPasswordFields()).append("<button>Change password</button></form></section>");
    return Response.ok(app.layout.page(r, "Profile & security", sb.toString()));
  }

  // ---- enrollment ----

  Response enrollPage(Request r) {
    Subject s = subject(r).orElse(null);
    if (s == null) {
      return Response.redirect("/signin");
    }
    Set<FactorKind> allowed = app.policy(s.user().practice()).methodsFor(s.user().ref().audience());
    // A sign-in that must enroll first has no session record yet: its password is asked here.
    // A signed-in user is asked to confirm it's them only when the practice's rule needs it.
    String password = s.signIn().isPresent() ? passwordField() : "";
    StringBuilder sb = new StringBuilder(s.signIn().isPresent()
        ? "<p>Each method is confirmed with your password.</p>" : "");
    if (allowed.contains(FactorKind.TOTP) && app.mfa.kinds().contains(FactorKind.TOTP)) {
      sb.append(beginForm(r, "totp", "Authenticator app",
          "Google Authenticator, Microsoft Authenticator, 2FAS, Duo Mobile…", "Authenticator app",
          password));
    }
    if (allowed.contains(FactorKind.PHONE) && app.mfa.kinds().contains(FactorKind.PHONE)) {
      sb.append(beginForm(r, "phone", "Text message or voice call",
          "We send a code to your phone each time you sign in.", "My phone",
          "<label>Mobile number <input name=\"phone\" type=\"tel\" autocomplete=\"tel\" required"
              + " placeholder=\"+1 202 555 0143\"></label>"
              + "<label class=\"check\"><input type=\"radio\" name=\"channel\" value=\"SMS\" checked>"
              + " Text message</label><label class=\"check\"><input type=\"radio\" name=\"channel\""
              + " value=\"VOICE\"> Voice call</label>" + password));
    }
    if (allowed.contains(FactorKind.PASSKEY) && app.mfa.kinds().contains(FactorKind.PASSKEY)) {
      sb.append(beginForm(r, "passkey", "Passkey or security key",
          "Touch ID, Face ID, Windows Hello, a phone, or a security key.", "My passkey",
          "<fieldset class=\"hints\"><legend>Where will you keep it?</legend>"
              + hint("client-device", "On this device", true)
              + hint("security-key", "Security key", false)
              + hint("hybrid", "Phone or tablet", false) + "</fieldset>" + password));
    }
    return Response.ok(app.layout.page(r, "Add a sign-in method", sb.toString()));
  }

  private static String beginForm(Request r, String kind, String title, String help,
      String defaultLabel, String extra) {
    return "<section class=\"enroll\" data-kind=\"" + kind + "\"><h2>" + h(title) + "</h2><p class=\"muted\">"
        + h(help) + "</p><form method=\"post\" action=\"/account/enroll/begin\" data-kind=\""
        + kind + "\">" + Layout.csrf(r) + hidden("kind", kind)
        + "<label>Name <input name=\"label\" maxlength=\"64\" required value=\"" + h(defaultLabel)
        + "\"></label>" + extra + "<button>Continue</button></form></section>";
  }

  /** A choice that tells the browser which kind of passkey the user means to make. */
  private static String hint(String value, String label, boolean checked) {
    return "<label class=\"check\"><input type=\"radio\" name=\"hint\" value=\"" + value + "\""
        + (checked ? " checked" : "") + "> " + h(label) + "</label>";
  }

  Response begin(Request r) {
    Subject s = subject(r).orElse(null);
    if (s == null) {
      return Response.redirect("/signin");
    }
    FactorKind kind = FactorKind.of(r.form("kind"));
    Map<String, String> params = new HashMap<>();
    if (kind.equals(FactorKind.TOTP)) {
      params.put(TotpFactor.PARAM_ACCOUNT, s.user().email()); // the name the app shows
    } else if (kind.equals(FactorKind.PHONE)) {
      params.put("phone", r.form("phone"));
      params.put("channel", r.form("channel").isEmpty() ? "SMS" : r.form("channel"));
    } else if (kind.equals(FactorKind.PASSKEY)) {
      params.put(PasskeyFactor.PARAM_USER_NAME, s.user().email());
      params.put(PasskeyFactor.PARAM_DISPLAY_NAME, s.user().name());
      if (HINTS.contains(r.form("hint"))) {
        params.put(PasskeyFactor.PARAM_HINTS, r.form("hint")); // guides the browser's dialog
      }
    }
    if (s.signIn().isPresent()) {
      return attempt(r, "/account/enroll", () -> {
        // mfa4j: checks the password and the practice's allowed methods, then the provider
        // starts (a TOTP key and QR code, a code sent to the phone, or the passkey options).
        EnrollmentStart start = app.mfa.account(s.user().ref()).beginEnrollment(kind,
            r.form("label"), Password.of(r.form("password")), params, r.context());
        return enrolling(r, kind, start);
      });
    }
    return stepUp.guard(r, "add a sign-in method", "/account/enroll",
        () -> attempt(r, "/account/enroll", () -> {
          // mfa4j: the session's recent password (or second step, as the practice asks)
          // confirms it; otherwise StepUpRequiredException and "Confirm it's you" first.
          AccountSecurity account = account(r, s.user());
          EnrollmentStart start = r.reauthPassword().isPresent()
              ? account.beginEnrollment(kind, r.form("label"), r.reauthPassword().get(), params,
                  r.context())
              : account.beginEnrollment(kind, r.form("label"), params, r.context());
          return enrolling(r, kind, start);
        }));
  }

  /** The risk of codes sent to a phone, in the words of the practice's staff and clients. */
  static final String PHONE_RISK = "Codes by text message or call can reach someone else if your"
      + " phone number is taken over. Add an authenticator app or a passkey as well.";

  private static final Set<String> HINTS = Set.of("client-device", "security-key", "hybrid");

  private Response enrolling(Request r, FactorKind kind, EnrollmentStart start) {
    r.session.enrolling(new Session.Enrolling(start.ceremony(), start.factor(), kind.id(),
        detailsOf(start), r.form("label")));
    return Response.redirect("/account/enroll/confirm");
  }

  /** The provider's details, read through its documented type. */
  private static Object detailsOf(EnrollmentStart start) {
    return EnrollmentDetails.read(start);
  }

  Response confirmPage(Request r) {
    Subject s = subject(r).orElse(null);
    Session.Enrolling e = r.session.enrolling().orElse(null);
    if (s == null || e == null) {
      return Response.redirect("/account/security");
    }
    String body = EnrollmentDetails.render(r, e);
    return Response.ok(app.layout.page(r, "Confirm: " + Views.kindName(FactorKind.of(e.kind())),
        body));
  }

  Response confirm(Request r) {
    Subject s = subject(r).orElse(null);
    Session.Enrolling e = r.session.enrolling().orElse(null);
    if (s == null || e == null) {
      return Response.redirect("/signin");
    }
    FactorId factor = e.factor();
    Answer answer = r.form("response").isEmpty()
        ? Answer.code(factor, r.form("code"))
        : Answer.response(factor, r.form("response"));
    // mfa4j: confirms the new method with a code from it, or the browser's passkey response.
    EnrollmentOutcome outcome = app.mfa.account(s.user().ref())
        .confirmEnrollment(e.ceremony(), answer, r.context());
    if (outcome instanceof EnrollmentOutcome.Confirmed ok) {
      r.session.enrolling(null);
      ok.backupCodes().map(BackupCodes::reveal).ifPresent(r.session::showBackupCodes);
      // mfa4j's notices (the risk of text and voice codes) cite the standard; say it plainly
      String notices = ok.notices().isEmpty() ? ""
          : ok.factor().kind().equals(FactorKind.PHONE) ? PHONE_RISK
          : String.join(" ", ok.notices());
      if (s.signIn().isPresent()) {
        // mfa4j: the sign-in that required enrollment may now finish.
        // Only the enrollment this session just confirmed completes this session's sign-in.
        LoginStep step = app.mfa.login().completeEnrollment(s.user().ref(), s.signIn().get(),
            e.ceremony(), r.context());
        r.session.flash("Two-step verification is on. " + notices);
        return signIn.next(r, s.user(), step);
      }
      r.session.flash("Added " + ok.factor().label() + ". " + notices);
      return Response.redirect("/account/security");
    }
    if (outcome instanceof EnrollmentOutcome.Retry retry) {
      r.session.error("That code was not accepted. " + retry.attemptsLeft() + " attempts left.");
      return Response.redirect("/account/enroll/confirm");
    }
    r.session.enrolling(null);
    r.session.error("That setup has expired. Please start again.");
    return Response.redirect(home(s));
  }

  // ---- management ----

  Response rename(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    return attempt(r, "/account/security", () -> {
      app.mfa.account(u.ref()).rename(FactorId.of(r.form("factor")), r.form("label"), r.context());
      r.session.flash("Renamed.");
      return Response.redirect("/account/security");
    });
  }

  Response remove(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    return stepUp.guard(r, "remove a sign-in method", "/account/security",
        () -> attempt(r, "/account/security", () -> {
          FactorId factor = FactorId.of(r.form("factor"));
          AccountSecurity account = account(r, u);
          // mfa4j: removes it if the session shows the proof the practice asks for, and says
          // what the browser's passkey manager should be told (a removed passkey).
          List<ClientSignal> signals = r.reauthPassword().isPresent()
              ? account.remove(factor, r.reauthPassword().get(), r.context())
              : account.remove(factor, r.context());
          r.session.signals(signals);
          r.session.flash("Removed.");
          return Response.redirect("/account/security");
        }));
  }

  Response regenerate(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    return stepUp.guard(r, "get new backup codes", "/account/security",
        () -> attempt(r, "/account/security", () -> {
          AccountSecurity account = account(r, u);
          BackupCodes codes = r.reauthPassword().isPresent()
              ? account.regenerateBackupCodes(r.reauthPassword().get(), r.context())
              : account.regenerateBackupCodes(r.context());
          r.session.showBackupCodes(codes.reveal());
          r.session.flash("New backup codes. The old ones no longer work.");
          return Response.redirect("/account/security");
        }));
  }

  Response disable(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    return stepUp.guard(r, "turn off two-step verification", "/account/security",
        () -> attempt(r, "/account/security", () -> {
          AccountSecurity account = account(r, u);
          if (r.reauthPassword().isPresent()) {
            account.disableTwoFactor(r.reauthPassword().get(), r.context());
          } else {
            account.disableTwoFactor(r.context());
          }
          r.session.flash("Two-step verification is off.");
          return Response.redirect("/account/security");
        }));
  }

  Response revoke(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    return attempt(r, "/account/security", () -> {
      app.mfa.account(u.ref()).revokeDevice(r.form("device"), r.context());
      r.session.flash("That device will be asked for a second step again.");
      return Response.redirect("/account/security");
    });
  }

  Response revokeAll(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    app.mfa.account(u.ref()).revokeAllDevices(r.context());
    r.session.flash("All devices forgotten.");
    return Response.redirect("/account/security");
  }

  Response changePassword(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    if (!r.form("new").equals(r.form("confirm"))) {
      r.session.error("The new passwords do not match.");
      return Response.redirect("/account/security");
    }
    return attempt(r, "/account/security", () -> {
      // mfa4j: checks the current password, the practice's rules and the blocklist; forgets
      // remembered devices and tells the user by the security listener.
      PasswordCheck check = app.mfa.account(u.ref()).changePassword(
          Password.of(r.form("current")), Password.of(r.form("new")), r.context());
      if (check.accepted()) {
        // The host ends the user's other sessions: one opened with the old password is no
        // longer trusted.
        app.sessions.invalidateOthers(u, r.session);
      }
      if (check.accepted()) {
        r.session.flash("Your password was changed.");
      } else {
        r.session.error(problems(check.problems()));
      }
      return Response.redirect("/account/security");
    });
  }

  /**
   * The user's name, kept by the host. Passkey managers show it beside the user's passkeys, so
   * the next page tells the browser the new one (where it supports that).
   */
  Response changeName(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    String name = r.form("name").strip();
    if (name.isEmpty() || name.length() > 64) {
      r.session.error("Please enter a name of 1 to 64 characters.");
      return Response.redirect("/account/security");
    }
    app.users.rename(u.practice(), u.id(), name);
    DemoUser renamed = new DemoUser(u.practice(), u.id(), u.email(), name, u.role());
    r.session.user(renamed);
    // mfa4j: the passkeys still accepted and the user's current names, for the browser.
    r.session.signals(app.mfa.account(u.ref())
        .signals(new ClientSignal.Names(u.email(), name)));
    r.session.flash("Your name is now " + name + ".");
    return Response.redirect("/account/security");
  }

  // ---- a passkey made in the background after a password sign-in (conditional create) ----

  /**
   * The home page's script asks for passkey options once per session, only where the browser
   * can create a passkey without a dialog (its password manager saves one for the password the
   * user just typed). Answers JSON: {@code {"options": …}}, or {@code {}} to do nothing.
   */
  Response upgradeBegin(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null || r.session.upgradeOffered() || !HomeController.upgradeFits(app, r, u)) {
      return Response.json(200, "{}");
    }
    r.session.upgradeOffered(true);
    try {
      // mfa4j: a passkey enrollment confirmed by the password the user gave moments ago (the
      // session's record), for the browser's conditional create.
      EnrollmentStart start = account(r, u).beginEnrollment(FactorKind.PASSKEY, "Passkey",
          Map.of(PasskeyFactor.PARAM_USER_NAME, u.email(),
              PasskeyFactor.PARAM_DISPLAY_NAME, u.name(),
              PasskeyFactor.PARAM_MEDIATION, PasskeyFactor.MEDIATION_CONDITIONAL),
          r.context());
      PasskeyEnrollment passkey = start.details(PasskeyEnrollment.class);
      r.session.upgrade(new Session.Enrolling(start.ceremony(), start.factor(), "passkey",
          passkey, "Passkey"));
      return Response.json(200, "{\"options\":" + passkey.creationOptionsJson() + "}");
    } catch (StepUpRequiredException | PolicyViolationException | RateLimitedException e) {
      return Response.json(200, "{}"); // not now: the visible offer stays on the page
    }
  }

  /** The browser made the passkey: confirm it like any enrollment. Answers JSON. */
  Response upgradeConfirm(Request r) {
    DemoUser u = r.session.user().orElse(null);
    Session.Enrolling e = r.session.upgrade().orElse(null);
    if (u == null || e == null) {
      return Response.json(200, "{\"ok\":false}");
    }
    r.session.upgrade(null);
    // mfa4j: checks the browser's answer against the ceremony begun above.
    EnrollmentOutcome outcome = app.mfa.account(u.ref()).confirmEnrollment(e.ceremony(),
        Answer.response(e.factor(), r.body()), r.context());
    boolean ok = outcome instanceof EnrollmentOutcome.Confirmed;
    return Response.json(200, "{\"ok\":" + ok + "}");
  }

  // ---- a temporary password must be replaced during sign-in ----

  Response newPasswordPage(Request r) {
    Session.Pending p = r.session.pending()
        .filter(x -> x.step() instanceof LoginStep.PasswordChangeRequired).orElse(null);
    if (p == null) {
      return Response.redirect("/signin");
    }
    int min = ((LoginStep.PasswordChangeRequired) p.step()).minLength();
    return Response.ok(app.layout.page(r, "Choose a new password",
        "<p id=\"must-change\">You signed in with a temporary password. Choose your own to"
            + " continue: at least " + min + " characters.</p><form method=\"post\" action=\"/account/new-password\""
            + " id=\"new-password-form\">" + Layout.csrf(r) + newPasswordFields()
            + "<button>Save password</button></form>"));
  }

  Response newPassword(Request r) {
    Session.Pending p = r.session.pending()
        .filter(x -> x.step() instanceof LoginStep.PasswordChangeRequired).orElse(null);
    if (p == null) {
      return Response.redirect("/signin");
    }
    if (!r.form("new").equals(r.form("confirm"))) {
      r.session.error("The new passwords do not match.");
      return Response.redirect("/account/new-password");
    }
    // mfa4j: stores the new password if the practice's rules accept it, then says what comes
    // next (the second step, if the user has one); PasswordChangeRequired again says why not.
    LoginStep step = app.mfa.login().completePasswordChange(p.user().ref(), p.challenge(),
        Password.of(r.form("new")), r.context());
    if (step instanceof LoginStep.PasswordChangeRequired again) {
      r.session.pending(new Session.Pending(p.user(), again.challenge(), again));
      r.session.error(problems(again.problems()));
      return Response.redirect("/account/new-password");
    }
    return signIn.next(r, p.user(), step);
  }

  // ---- helpers ----

  private interface Action {
    Response run();
  }

  /** Runs a change; expected refusals become a message on the page, not an error page. */
  private Response attempt(Request r, String back, Action action) {
    try {
      return action.run();
    } catch (PasswordRejectedException e) {
      if (r.reauthPassword().isPresent()) {
        throw e; // typed on the "Confirm it's you" page: it says so there
      }
      r.session.error("Your password was not right.");
    } catch (PolicyViolationException e) {
      r.session.error("Your practice does not allow that: " + e.getMessage());
    } catch (RateLimitedException e) {
      r.session.error("Too many attempts. Please wait a little and try again.");
    } catch (InvalidInputException e) {
      r.session.error("That was not accepted: " + e.getMessage());
    } catch (DeliveryException e) {
      r.session.error("We could not send the code. Please try again.");
    }
    return Response.redirect(back);
  }

  private static String problems(List<PasswordCheck.Problem> problems) {
    StringBuilder sb = new StringBuilder("That password cannot be used:");
    problems.forEach(x -> sb.append(' ').append(x.message()));
    return sb.toString();
  }

  static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + h(name) + "\" value=\"" + h(value) + "\">";
  }

  static String passwordField() {
    return "<label>Your password <input type=\"password\" name=\"password\""
        + " autocomplete=\"current-password\" required></label>";
  }

  static String newPasswordFields() {
    return "<label>New password <input type=\"password\" name=\"new\" autocomplete=\"new-password\""
        + " required minlength=\"8\"></label><label>New password again <input type=\"password\""
        + " name=\"confirm\" autocomplete=\"new-password\" required minlength=\"8\"></label>";
  }
}
