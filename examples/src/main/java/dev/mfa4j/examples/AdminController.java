package dev.mfa4j.examples;

import dev.mfa4j.Administration;
import dev.mfa4j.Audience;
import dev.mfa4j.AuditCheckpoint;
import dev.mfa4j.AuditVerification;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.MfaEngine;
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
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Administration: the practice's sign-in rules, its users and their status, the actions an
 * administrator takes for them, their activity, and the audit trail. Spring Security opens
 * {@code /admin/**} to administrators only; mfa4j checks again on every call that the actor
 * administers the target's practice, and, under a practice rule that asks for a second step,
 * that the session's record shows a recent one ({@code confirmedBy}).
 */
@Controller
final class AdminController {
  private static final List<FactorKind> KINDS =
      List.of(FactorKind.TOTP, FactorKind.PHONE, FactorKind.PASSKEY, FactorKind.BACKUP_CODE);

  private final MfaEngine mfa;
  private final SignInFlow flow;
  private final ConfirmController confirm;
  private final UserDirectory users;
  private final Browsers browsers;
  private final Clock clock;
  private final SessionRegistry sessions;

  AdminController(MfaEngine mfa, SignInFlow flow, ConfirmController confirm, UserDirectory users,
      Browsers browsers, Clock clock, SessionRegistry sessions) {
    this.mfa = mfa;
    this.flow = flow;
    this.confirm = confirm;
    this.users = users;
    this.browsers = browsers;
    this.clock = clock;
    this.sessions = sessions;
  }

  private DemoUser me() {
    return flow.signedInUser().orElseThrow();
  }

  /** The administrator's actions with the session's record of what proved them and when. */
  private Administration admin(HttpServletRequest request) {
    Administration admin = mfa.admin(me().ref());
    return flow.assurance(request).map(admin::confirmedBy).orElse(admin);
  }

  /** A user of the administrator's own practice (the host's lookup is scoped to it). */
  private Optional<DemoUser> target(String id) {
    return users.find(me().practice(), id);
  }

  /** A row of the users table. */
  record UserRow(DemoUser user, String status, boolean on, List<String> methods,
      Instant lastSignIn) {}

  /** A choice of a select box. */
  record Option(String value, String label, boolean selected) {}

  /** A method's tick box for one audience. */
  record MethodBox(String name, String label, boolean checked) {}

  @GetMapping("/admin")
  String page(Model model) {
    DemoUser me = me();
    Administration admin = mfa.admin(me.ref());
    PracticePolicy policy = admin.policy();
    List<DemoUser> people = users.inPractice(me.practice());
    Map<UserRef, UserTwoFactorStatus> status = new HashMap<>();
    for (UserTwoFactorStatus s : admin.twoFactorStatus(people.stream().map(DemoUser::ref)
        .toList())) {
      status.put(s.user(), s);
    }
    model.addAttribute("requirements", java.util.Arrays.stream(TwoFactorRequirement.values())
        .map(t -> new Option(t.name(), Words.requirement(t), t == policy.requirement()))
        .toList());
    model.addAttribute("rememberOptions", java.util.stream.IntStream.of(0, 1, 30, 365)
        .mapToObj(d -> new Option(Integer.toString(d), d == 0 ? "never (ask at every sign-in)"
            : d == 1 ? "1 day" : d + " days",
            policy.rememberDevice().equals(Duration.ofDays(d)))).toList());
    model.addAttribute("staffMethods", boxes("staff", policy.staffMethods()));
    model.addAttribute("clientMethods", boxes("client", policy.clientMethods()));
    model.addAttribute("passkeyStaff", policy.passkeySignIn().contains(Audience.STAFF));
    model.addAttribute("passkeyClient", policy.passkeySignIn().contains(Audience.CLIENT));
    model.addAttribute("reauthentications", java.util.Arrays.stream(Reauthentication.values())
        .map(r -> new Option(r.name(), Words.reauthentication(r),
            r == policy.reauthentication())).toList());
    TreeSet<Long> minutes = new TreeSet<>(List.of(5L, 15L, 60L));
    minutes.add(Math.max(1, policy.stepUpMaxAge().toMinutes()));
    model.addAttribute("stepUpMinutes", minutes.stream().map(m -> new Option(m.toString(),
        m + " minutes", policy.stepUpMaxAge().equals(Duration.ofMinutes(m)))).toList());
    // mfa4j: the policy names its own departures from the standards; the page says what they
    // mean for the practice.
    model.addAttribute("warnings", Words.policyWarnings(policy.warnings()));
    model.addAttribute("users", people.stream().map(u -> {
      UserTwoFactorStatus s = status.get(u.ref());
      boolean on = s != null && s.enabled();
      String st = on ? "on" : s != null && s.missingRequiredEnrollment()
          ? "required, not set up" : "off";
      return new UserRow(u, st, on, s == null ? List.of()
          : s.methods().stream().map(Words::kindName).toList(),
          s == null ? null : s.lastSignIn().orElse(null));
    }).toList());
    return "admin";
  }

  private static List<MethodBox> boxes(String audience, Set<FactorKind> chosen) {
    return KINDS.stream().map(k -> new MethodBox(audience + "_" + k.id(), Words.kindName(k),
        chosen.contains(k))).toList();
  }

  @PostMapping("/admin/policy")
  String setPolicy(HttpServletRequest request, @RequestParam Map<String, String> form) {
    return confirm.guard(request, "change the practice's sign-in rules", "/admin",
        (req, pw) -> savePolicy(req, form));
  }

  private String savePolicy(HttpServletRequest request, Map<String, String> form) {
    Administration admin = admin(request);
    try {
      Set<FactorKind> staff = new LinkedHashSet<>();
      Set<FactorKind> clients = new LinkedHashSet<>();
      for (FactorKind k : KINDS) {
        if ("on".equals(form.get("staff_" + k.id()))) {
          staff.add(k);
        }
        if ("on".equals(form.get("client_" + k.id()))) {
          clients.add(k);
        }
      }
      Set<Audience> passkeyAlone = new LinkedHashSet<>();
      if ("on".equals(form.get("passkey_staff"))) {
        passkeyAlone.add(Audience.STAFF);
      }
      if ("on".equals(form.get("passkey_client"))) {
        passkeyAlone.add(Audience.CLIENT);
      }
      PracticePolicy.Builder next = admin.policy().toBuilder()
          .requirement(TwoFactorRequirement.valueOf(form.getOrDefault("requirement", "")))
          .rememberDevice(Duration.ofDays(Integer.parseInt(form.getOrDefault("remember", ""))))
          .staffMethods(staff)
          .clientMethods(clients)
          .passkeySignIn(passkeyAlone);
      if (form.containsKey("reauthentication")) {
        next.reauthentication(Reauthentication.valueOf(form.get("reauthentication")));
      }
      if (form.containsKey("step_up_minutes")) {
        next.stepUpMaxAge(Duration.ofMinutes(Long.parseLong(form.get("step_up_minutes"))));
      }
      // mfa4j: stores the policy and audits the change (under a step-up rule, only with a
      // recent second step: StepUpRequiredException, and "Confirm it's you" first).
      admin.setPolicy(next.build(), flow.context(request));
      Flash.put(request, Notice.ok("Policy saved."));
    } catch (PolicyViolationException e) {
      Flash.put(request, Notice.error("Not saved. " + Words.policyRefusal(e)));
    } catch (IllegalArgumentException e) {
      Flash.put(request, Notice.error("Not saved: the form was not valid."));
    }
    return "/admin";
  }

  @PostMapping("/admin/users/{id}/disable-two-step")
  String disableTwoFactor(HttpServletRequest request, @PathVariable String id,
      @RequestParam(defaultValue = "") String reason) {
    Optional<DemoUser> t = target(id);
    if (t.isEmpty()) {
      return "redirect:/admin";
    }
    if (reason.isBlank()) {
      Flash.put(request, Notice.error("Please say why (for the activity log)."));
      return "redirect:/admin";
    }
    return confirm.guard(request, "turn off " + t.get().name() + "'s two-step verification",
        "/admin", (req, pw) -> {
          // mfa4j: removes the user's methods, backup codes and remembered devices; audits the
          // reason and tells the user.
          admin(req).disableTwoFactor(t.get().ref(), reason.strip(), flow.context(req));
          Flash.put(req, Notice.ok("Two-step verification is off for " + t.get().name() + "."));
          return "/admin";
        });
  }

  /** "Reset Sam Staff's password?": the confirmation before the reset. */
  @GetMapping("/admin/users/{id}/reset-password")
  String resetPage(@PathVariable String id, Model model) {
    Optional<DemoUser> t = target(id);
    if (t.isEmpty()) {
      return "redirect:/admin";
    }
    model.addAttribute("target", t.get());
    return "reset-password";
  }

  @PostMapping("/admin/users/{id}/reset-password")
  String resetPassword(HttpServletRequest request, @PathVariable String id) {
    Optional<DemoUser> t = target(id);
    if (t.isEmpty()) {
      return "redirect:/admin";
    }
    return confirm.guard(request, "reset " + t.get().name() + "'s password", "/admin",
        (req, pw) -> {
          // mfa4j: a random temporary password that expires and must be replaced at the next
          // sign-in; the user's remembered devices are forgotten, the reset audited and the user
          // notified.
          String temporary = admin(req).resetPassword(t.get().ref(), flow.context(req)).reveal();
          endSessions(t.get()); // the host ends the user's current sessions
          SessionState.of(req).temporaryPassword(t.get().id(), temporary);
          return "/admin/users/" + t.get().id() + "/temporary-password";
        });
  }

  /** Shown once: it is forgotten as the page is made. */
  @GetMapping("/admin/users/{id}/temporary-password")
  String temporaryPassword(HttpServletRequest request, @PathVariable String id, Model model) {
    Optional<DemoUser> t = target(id);
    Optional<String> temporary = SessionState.of(request).takeTemporaryPassword(id);
    if (t.isEmpty() || temporary.isEmpty()) {
      return "redirect:/admin";
    }
    model.addAttribute("target", t.get());
    model.addAttribute("temporary", temporary.get());
    return "temporary-password";
  }

  private void endSessions(DemoUser user) {
    for (Object principal : sessions.getAllPrincipals()) {
      if (principal instanceof DemoUser u && u.same(user)) {
        sessions.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
      }
    }
  }

  /** An audit event as the activity page lists it. */
  record EventRow(Instant at, String what, String outcome, boolean ok, String by,
      String browser, String ip) {}

  @GetMapping("/admin/users/{id}/activity")
  String activity(@PathVariable String id, @RequestParam(defaultValue = "") String before,
      Model model) {
    Optional<DemoUser> t = target(id);
    if (t.isEmpty()) {
      return "redirect:/admin";
    }
    Administration admin = mfa.admin(me().ref());
    // mfa4j: the last sign-in (time, IP, browser) and a page of events, newest first. The page
    // cursor is the audit sequence number of the last event shown.
    SecurityActivity act = admin.activity(t.get().ref(), cursor(before), 50);
    // mfa4j: the user's security state: failures, lock, and each method's state.
    UserSecurityOverview state = admin.securityState(t.get().ref());
    model.addAttribute("target", t.get());
    model.addAttribute("failures", state.consecutiveFailures());
    model.addAttribute("lockedUntil", state.lockedUntil().orElse(null));
    model.addAttribute("methods", state.factors().stream().map(f -> Map.of(
        "name", Words.kindName(f.kind()) + " \u201c" + f.label() + "\u201d",
        "state", Words.stateName(f), "kind", f.state().name().toLowerCase(java.util.Locale.ROOT)))
        .toList());
    act.lastSignIn().ifPresent(s -> {
      model.addAttribute("lastAt", s.at());
      model.addAttribute("lastIp", s.ip());
      model.addAttribute("lastBrowser", browsers.describe(s.userAgent()));
    });
    model.addAttribute("events", act.events().stream().map(this::row).toList());
    act.next().ifPresent(n -> model.addAttribute("older", n));
    return "activity";
  }

  private EventRow row(AuditEvent e) {
    String by = e.actor().filter(a -> !e.subject().equals(Optional.of(a)))
        .flatMap(a -> users.find(e.practice().value(), a.value())).map(DemoUser::name)
        .orElse("");
    return new EventRow(e.at(), Words.event(e), Words.outcome(e.outcome()),
        e.outcome() == dev.mfa4j.spi.AuditOutcome.SUCCESS, by,
        e.userAgent().isEmpty() ? "" : browsers.describe(e.userAgent()), e.ip());
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

  // ---- the audit trail ----

  /**
   * Checks the practice's activity log and shows what was found, in the administrator's words.
   * mfa4j checks the actor is an administrator of the practice and records the check itself.
   */
  @PostMapping("/admin/audit/verify")
  String verifyAudit(HttpServletRequest request) {
    // mfa4j: verifies the whole log (against the checkpoints the engine's key signed) and
    // audits AUDIT_VERIFIED. A host that keeps its own copies of checkpoints passes them here.
    AuditVerification v = mfa.admin(me().ref()).verifyAudit(List.of(), flow.context(request));
    org.springframework.web.servlet.support.RequestContextUtils.getOutputFlashMap(request)
        .put("auditCheck", AuditCheck.of(v, clock.instant()));
    return "redirect:/admin#audit";
  }

  /** Sends the practice's whole activity log as a JSON Lines file. */
  @PostMapping("/admin/audit/export")
  Object exportAudit(HttpServletRequest request) throws java.io.IOException {
    // mfa4j: writes every kept entry with its place in the log (verifiable outside the database
    // with AuditTrail.verifyExport) and audits AUDIT_EXPORTED. The demo holds the file in memory
    // and sends it whole: were it streamed, a failure part-way would hand over a shortened file
    // that still verifies. A host with a large trail exports in pages with the cursor.
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Writer out = new OutputStreamWriter(buf, StandardCharsets.UTF_8);
    try {
      admin(request).exportAudit(0, out, flow.context(request));
    } catch (StepUpRequiredException e) {
      // The download answers with a file, so once confirmed the user presses it again.
      return "redirect:" + confirm.ask(request, e.needs(), e.action(),
          new SessionState.Resume("download the activity log", "/admin#audit",
              Optional.of("/admin/audit/download"), Optional.empty()));
    }
    out.flush();
    String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    String practice = me().practice().replaceAll("[^A-Za-z0-9_-]", "_");
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
            .filename("mfa4j-audit-" + practice + "-" + day + ".jsonl").build().toString())
        .contentType(new MediaType("application", "x-ndjson", StandardCharsets.UTF_8))
        .body(buf.toByteArray());
  }

  /** After "Confirm it's you" for a download: the button again. */
  @GetMapping("/admin/audit/download")
  String downloadPage() {
    return "audit-download";
  }

  /** Signs a checkpoint of the activity log as it stands now. */
  @PostMapping("/admin/audit/checkpoint")
  String checkpoint(HttpServletRequest request) {
    // mfa4j: the operator's API (not checked per actor): Spring Security checked the role. A
    // real host runs this from a scheduled job, daily per practice, and also ships each
    // checkpoint out of the database (a log system, write-once storage).
    AuditCheckpoint cp = mfa.auditTrail().checkpoint(PracticeId.of(me().practice()));
    Flash.put(request, Notice.ok("Checkpoint signed: the activity log up to entry " + cp.seq()
        + ". Later checks compare the log with it."));
    return "redirect:/admin#audit";
  }
}
