package dev.mfa4j.examples;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.MfaException;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberedDevice;
import dev.mfa4j.StepUpRequiredException;
import dev.mfa4j.webauthn.PasskeyEnrollment;
import dev.mfa4j.webauthn.PasskeyFactor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Profile &amp; security: the user's own methods, backup codes, remembered devices, password and
 * name. Changes that weaken the account go through {@link ConfirmController#guard}: mfa4j decides
 * from the session's assurance record whether to ask for anything, so the page has no password
 * boxes but the password change's own.
 */
@Controller
final class SecurityController {
  private final MfaEngine mfa;
  private final SignInFlow flow;
  private final ConfirmController confirm;
  private final UserDirectory users;
  private final Browsers browsers;
  private final Clock clock;
  private final SessionRegistry sessions;

  SecurityController(MfaEngine mfa, SignInFlow flow, ConfirmController confirm,
      UserDirectory users, Browsers browsers, Clock clock, SessionRegistry sessions) {
    this.mfa = mfa;
    this.flow = flow;
    this.confirm = confirm;
    this.users = users;
    this.browsers = browsers;
    this.clock = clock;
    this.sessions = sessions;
  }

  /** A method as the page lists it. */
  record FactorRow(String id, String kind, String kindName, String label, String details,
      boolean active, String state, Instant created, Instant lastUsed) {
    static FactorRow of(FactorSummary f) {
      return new FactorRow(f.id().value(), f.kind().id(), Words.kindName(f.kind()), f.label(),
          Words.details(f), f.active(), Words.stateName(f), f.created(),
          f.lastUsed().orElse(null));
    }
  }

  /** A remembered browser as the page lists it. */
  record DeviceRow(String id, String browser, String ip, Instant created, Instant expires,
      Instant lastSeen) {}

  private DemoUser me() {
    return flow.signedInUser().orElseThrow();
  }

  /** The user's account with the session's record of what proved them and when. */
  private AccountSecurity account(HttpServletRequest request) {
    AccountSecurity account = mfa.account(me().ref());
    return flow.assurance(request).map(account::confirmedBy).orElse(account);
  }

  @GetMapping("/account/security")
  String page(HttpServletRequest request, Model model) {
    DemoUser me = me();
    AccountSecurity account = mfa.account(me.ref());
    // mfa4j: what the user should do so as not to be locked out one day; a friendly nudge.
    model.addAttribute("advice", account.advice().stream().map(Words::advice).toList());
    model.addAttribute("twoFactorOn", account.twoFactorEnabled());
    model.addAttribute("factors", account.factors().stream().map(FactorRow::of).toList());
    model.addAttribute("backupCodesRemaining", account.backupCodesRemaining());
    model.addAttribute("devices", account.rememberedDevices().stream()
        .map(d -> new DeviceRow(d.id(), browsers.describe(d.label()), d.ip(), d.created(),
            d.expires(), d.lastSeen())).toList());
    model.addAttribute("minLength", SignInController.minLength(flow, mfa, me));
    return "security";
  }

  @PostMapping("/account/factor/rename")
  String rename(HttpServletRequest request, @RequestParam(defaultValue = "") String factor,
      @RequestParam(defaultValue = "") String label) {
    return confirm.guard(request, "rename a sign-in method", "/account/security", (req, pw) -> {
      mfa.account(me().ref()).rename(FactorId.of(factor), label.strip(), flow.context(req));
      Flash.put(req, Notice.ok("Renamed to \u201c" + label.strip() + "\u201d."));
      return "/account/security";
    });
  }

  @PostMapping("/account/factor/remove")
  String remove(HttpServletRequest request, @RequestParam(defaultValue = "") String factor) {
    return confirm.guard(request, "remove a sign-in method", "/account/security", (req, pw) -> {
      AccountSecurity account = account(req);
      // mfa4j: removes it if the session shows the proof the practice asks for, and says what
      // the browser's passkey manager should be told (a removed passkey).
      List<ClientSignal> signals = pw.isPresent()
          ? account.remove(FactorId.of(factor), pw.get(), flow.context(req))
          : account.remove(FactorId.of(factor), flow.context(req));
      SessionState.of(req).signals(signals);
      Flash.put(req, Notice.ok("Removed."
          + (mfa.account(me().ref()).twoFactorEnabled() ? ""
              : " That was your last method: two-step verification is off.")));
      return "/account/security";
    });
  }

  @PostMapping("/account/backup-codes/new")
  String regenerate(HttpServletRequest request) {
    return confirm.guard(request, "get new backup codes", "/account/security", (req, pw) -> {
      AccountSecurity account = account(req);
      BackupCodes codes = pw.isPresent() ? account.regenerateBackupCodes(pw.get(),
          flow.context(req)) : account.regenerateBackupCodes(flow.context(req));
      SessionState.of(req).backupCodes(codes.reveal());
      Flash.put(req, Notice.ok("New backup codes. The old ones no longer work."));
      return "/account/backup-codes";
    });
  }

  @PostMapping("/account/disable")
  String disable(HttpServletRequest request) {
    return confirm.guard(request, "turn off two-step verification", "/account/security",
        (req, pw) -> {
          AccountSecurity account = account(req);
          if (pw.isPresent()) {
            account.disableTwoFactor(pw.get(), flow.context(req));
          } else {
            account.disableTwoFactor(flow.context(req));
          }
          Flash.put(req, Notice.ok("Two-step verification is off."));
          return "/account/security";
        });
  }

  @PostMapping("/account/devices/forget")
  String forget(HttpServletRequest request, @RequestParam(defaultValue = "") String device) {
    return confirm.guard(request, "forget a remembered browser", "/account/security",
        (req, pw) -> {
          mfa.account(me().ref()).revokeDevice(device, flow.context(req));
          Flash.put(req, Notice.ok("That browser will be asked for a second step again."));
          return "/account/security";
        });
  }

  @PostMapping("/account/devices/forget-all")
  String forgetAll(HttpServletRequest request) {
    mfa.account(me().ref()).revokeAllDevices(flow.context(request));
    Flash.put(request, Notice.ok("All remembered browsers are forgotten."));
    return "redirect:/account/security";
  }

  @PostMapping("/account/password")
  String changePassword(HttpServletRequest request,
      @RequestParam(defaultValue = "") String current,
      @RequestParam(name = "new", defaultValue = "") String next,
      @RequestParam(defaultValue = "") String confirmation) {
    if (!next.equals(confirmation)) {
      Flash.put(request, Notice.error("The two new passwords are not the same."));
      return "redirect:/account/security#password";
    }
    DemoUser me = me();
    try {
      // mfa4j: checks the current password, the practice's rules and the blocklist; forgets
      // remembered devices and tells the user by the security listener.
      PasswordCheck check = mfa.account(me.ref()).changePassword(Password.of(current),
          Password.of(next), flow.context(request));
      if (check.accepted()) {
        // The host ends the user's other sessions: one opened with the old password is no
        // longer trusted.
        endOtherSessions(request, me);
        Flash.put(request, Notice.ok("Your password was changed."));
      } else {
        Flash.put(request, Notice.error("That password cannot be used: " + String.join(" ",
            check.problems().stream().map(PasswordCheck.Problem::message).toList())));
      }
    } catch (PasswordRejectedException e) {
      Flash.put(request, Notice.error("Your current password was not right."));
    } catch (RateLimitedException e) {
      Flash.put(request, Notice.error("Too many attempts. Please wait "
          + Words.wait(clock.instant(), e.retryAfter()) + " and try again."));
    } catch (MfaException e) {
      Flash.put(request, Notice.error("Your password was not changed. Please try again."));
    }
    return "redirect:/account/security#password";
  }

  private void endOtherSessions(HttpServletRequest request, DemoUser me) {
    String mine = request.getSession().getId();
    for (Object principal : sessions.getAllPrincipals()) {
      if (principal instanceof DemoUser u && u.same(me)) {
        sessions.getAllSessions(principal, false).stream()
            .filter(s -> !s.getSessionId().equals(mine))
            .forEach(org.springframework.security.core.session.SessionInformation::expireNow);
      }
    }
  }

  /**
   * The user's name, kept by the host. Passkey managers show it beside the user's passkeys, so
   * the next page tells the browser the new one (where it supports that).
   */
  @PostMapping("/account/name")
  String changeName(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String name) {
    DemoUser me = me();
    String n = name.strip();
    if (n.isEmpty() || n.length() > 64) {
      Flash.put(request, Notice.error("Please enter a name of 1 to 64 characters."));
      return "redirect:/account/security";
    }
    users.rename(me.practice(), me.id(), n);
    flow.renamed(request, response, new DemoUser(me.practice(), me.id(), me.email(), n,
        me.role()));
    // mfa4j: the passkeys still accepted and the user's current names, for the browser.
    SessionState.of(request).signals(mfa.account(me.ref())
        .signals(new ClientSignal.Names(me.email(), n)));
    Flash.put(request, Notice.ok("Your name is now " + n + "."));
    return "redirect:/account/security";
  }

  // ---- backup codes: shown until the user says they saved them ----

  @GetMapping("/account/backup-codes")
  String backupCodes(HttpServletRequest request, Model model,
      @RequestParam(defaultValue = "") String then) {
    Optional<List<String>> codes = SessionState.of(request).backupCodes();
    if (codes.isEmpty()) {
      return "redirect:/account/security";
    }
    model.addAttribute("codes", codes.get());
    model.addAttribute("then", then);
    model.addAttribute("fileName", DemoApp.PRACTICE_NAME.toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-") + "-backup-codes.txt");
    model.addAttribute("issuedFor", me().email());
    return "backup-codes";
  }

  @PostMapping("/account/backup-codes/saved")
  String backupCodesSaved(HttpServletRequest request,
      @RequestParam(required = false) String saved,
      @RequestParam(defaultValue = "") String then) {
    String back = "/account/backup-codes"
        + (then.isEmpty() ? "" : "?then=" + java.net.URLEncoder.encode(then,
            java.nio.charset.StandardCharsets.UTF_8));
    if (!"on".equals(saved)) {
      Flash.put(request, Notice.error("Please tick \u201cI have saved my backup codes\u201d"
          + " first: they will not be shown again."));
      return "redirect:" + back;
    }
    SessionState.of(request).backupCodes(null);
    return "redirect:" + (then.startsWith("/") && !then.startsWith("//") ? then
        : "/account/security");
  }

  // ---- a passkey made in the background after a password sign-in (conditional create) ----

  /**
   * The home page's script asks for passkey options once per session, only where the browser
   * can create a passkey without a dialog (its password manager saves one for the password the
   * user just typed). Answers {@code {"options": …}}, or {@code {}} to do nothing.
   */
  @PostMapping(path = "/account/passkey/upgrade", produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseBody
  String upgradeBegin(HttpServletRequest request) {
    DemoUser me = me();
    SessionState state = SessionState.of(request);
    if (state.upgradeOffered() || !HomeController.upgradeFits(mfa, flow, request, me)) {
      return "{}";
    }
    state.upgradeOffered(true);
    try {
      // mfa4j: a passkey enrollment confirmed by the password the user gave moments ago (the
      // session's record), for the browser's conditional create.
      EnrollmentStart start = account(request).beginEnrollment(FactorKind.PASSKEY, "Passkey",
          Map.of(PasskeyFactor.PARAM_USER_NAME, me.email(),
              PasskeyFactor.PARAM_DISPLAY_NAME, me.name(),
              PasskeyFactor.PARAM_MEDIATION, PasskeyFactor.MEDIATION_CONDITIONAL),
          flow.context(request));
      PasskeyEnrollment passkey = start.details(PasskeyEnrollment.class);
      state.upgrade(new SessionState.Enrolling(start.ceremony(), start.factor(), "passkey",
          passkey, "Passkey"));
      return "{\"options\":" + passkey.creationOptionsJson() + "}";
    } catch (MfaException e) {
      return "{}"; // not now: the visible offer stays on the page
    }
  }

  /** The browser made the passkey: confirm it like any enrollment. */
  @PostMapping(path = "/account/passkey/upgrade/confirm",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseBody
  String upgradeConfirm(HttpServletRequest request, @RequestBody String answer) {
    DemoUser me = me();
    SessionState state = SessionState.of(request);
    SessionState.Enrolling e = state.upgrade().orElse(null);
    if (e == null) {
      return "{\"ok\":false}";
    }
    state.upgrade(null);
    // mfa4j: checks the browser's answer against the ceremony begun above.
    EnrollmentOutcome outcome = mfa.account(me.ref()).confirmEnrollment(e.ceremony(),
        Answer.response(e.factor(), answer), flow.context(request));
    return "{\"ok\":" + (outcome instanceof EnrollmentOutcome.Confirmed) + "}";
  }
}
