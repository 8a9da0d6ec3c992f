package dev.mfa4j.spring.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * mfa4j's pages under {@code /mfa4j}: the second step, a step-up, the enrollment a practice
 * requires, the forced password change, and the end of a sign-in that starts with a passkey
 * ({@code POST /mfa4j/passkey}, then {@code /mfa4j/passkey/password} if the passkey cannot sign
 * the user in alone; the sign-in page runs {@code /mfa4j/passkey-sign-in.js}). Each renders a
 * Thymeleaf template under {@code templates/mfa4j/} ({@code verify}, {@code step-up}, {@code enroll}, {@code enroll-confirm},
 * {@code backup-codes}, {@code password}, {@code locked}, {@code passkey-password}, {@code
 * passkey-refused}, {@code confirm-password}); an application replaces one by putting
 * its own file at the same path, or replaces the controller with a bean of this type. Forms post
 * with Spring Security's CSRF token; challenge and ceremony ids stay in the session.
 *
 * <p>Every page gets {@code logoutUrl} (where "Cancel and sign out" posts) and {@code cancelUrl}
 * (where a step-up's "Cancel" goes: the default success URL); a page with a {@code message} gets
 * {@code messageKind}, {@code error} (a refused code, a throttled send, a lock) or {@code notice}
 * (a code sent).
 */
@Controller
@RequestMapping("/mfa4j")
public class MfaPageController {
  private final MfaFlow flow;
  private final String logoutUrl;

  /** Pages over {@code flow}, whose "Cancel and sign out" posts to {@code /logout}. */
  public MfaPageController(MfaFlow flow) {
    this(flow, "/logout");
  }

  /**
   * Pages over {@code flow}.
   *
   * @param flow the sign-in steps
   * @param logoutUrl the application's sign-out URL, where "Cancel and sign out" posts
   */
  public MfaPageController(MfaFlow flow, String logoutUrl) {
    this.flow = Objects.requireNonNull(flow, "flow");
    this.logoutUrl = Objects.requireNonNull(logoutUrl, "logoutUrl");
  }

  /** The ways out every page may offer. */
  @ModelAttribute
  void waysOut(Model model) {
    model.addAttribute("logoutUrl", logoutUrl);
    model.addAttribute("cancelUrl", flow.settings().defaultSuccessUrl());
  }

  /** The message waiting in the session, if any, with its kind. */
  private void message(HttpServletRequest request, Model model) {
    flow.takeMessage(request).ifPresent(m -> {
      model.addAttribute("message", m.text());
      model.addAttribute("messageKind", m.notice() ? "notice" : "error");
    });
  }

  /** An error message. */
  private static void error(Model model, String message) {
    model.addAttribute("message", message);
    model.addAttribute("messageKind", "error");
  }

  /** The second step, or wherever the sign-in stands. */
  @GetMapping("/verify")
  public String verifyPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    MfaState s = flow.state(request).orElse(null);
    MfaFlow.Result where = flow.where(request, response, s);
    if (where.next() != MfaFlow.Next.SECOND_FACTOR) {
      return go(where, model);
    }
    message(request, model);
    model.addAttribute("methods", s.methods);
    model.addAttribute("defaultMethod", s.defaultMethod);
    model.addAttribute("backupCodesRemaining", s.backupCodesRemaining);
    model.addAttribute("promptFactor", s.promptFactor);
    model.addAttribute("promptJson", s.promptJson);
    model.addAttribute("promptDisplay", s.promptDisplay);
    model.addAttribute("rememberOffered", !flow.rememberFor(s.user()).isZero());
    model.addAttribute("action", "/mfa4j/verify");
    return "mfa4j/verify";
  }

  /** An answer to the second step. */
  @PostMapping("/verify")
  public String verify(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(required = false) String factor, @RequestParam(required = false) String code,
      @RequestParam(required = false) String backupCode,
      @RequestParam(required = false) String passkeyResponse,
      @RequestParam(required = false) String remember, Model model) {
    return go(flow.verify(request, response, factor, code, backupCode, passkeyResponse,
        "on".equals(remember) || "true".equals(remember)), model);
  }

  /** Sends a code (text, call) or prepares the passkey request for a picked factor. */
  @PostMapping("/prompt")
  public String prompt(HttpServletRequest request, @RequestParam String factor,
      @RequestParam(required = false) String channel) {
    flow.prompt(request, factor, channel)
        .filter(p -> p.clientJson().isEmpty() && p.display().containsKey("destination"))
        .ifPresent(p -> flow.notice(request, "VOICE".equals(p.display().get("channel"))
            ? "We are calling " + p.display().get("destination") + " with your code."
            : "Code sent to " + p.display().get("destination") + "."));
    boolean stepUp = flow.state(request).map(s -> s.signedIn()).orElse(false);
    return "redirect:" + (stepUp ? MfaEntryPoint.STEP_UP : MfaEntryPoint.VERIFY);
  }

  /** A step-up: fresh proof of a factor before the saved request. */
  @GetMapping("/step-up")
  public String stepUpPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    MfaFlow.Result r = flow.beginStepUp(request, response);
    if (r.next() != MfaFlow.Next.STEP_UP) {
      return go(r, model);
    }
    MfaState s = flow.state(request).orElseThrow();
    message(request, model);
    model.addAttribute("methods", s.stepUpMethods);
    model.addAttribute("defaultMethod", null);
    model.addAttribute("backupCodesRemaining", s.stepUpBackupCodes);
    model.addAttribute("promptFactor", s.promptFactor);
    model.addAttribute("promptJson", s.promptJson);
    model.addAttribute("promptDisplay", s.promptDisplay);
    model.addAttribute("rememberOffered", false);
    model.addAttribute("action", "/mfa4j/step-up");
    return "mfa4j/step-up";
  }

  /** An answer to a step-up. */
  @PostMapping("/step-up")
  public String stepUp(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(required = false) String factor, @RequestParam(required = false) String code,
      @RequestParam(required = false) String backupCode,
      @RequestParam(required = false) String passkeyResponse, Model model) {
    return go(flow.verifyStepUp(request, response, factor, code, backupCode, passkeyResponse),
        model);
  }

  /** The choice of a first factor, which the practice requires. */
  @GetMapping("/enroll")
  public String enrollPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    MfaState s = flow.state(request).orElse(null);
    MfaFlow.Result where = flow.where(request, response, s);
    if (where.next() != MfaFlow.Next.ENROLLMENT) {
      return go(where, model);
    }
    if (s.enrollCeremony != null) {
      return "redirect:/mfa4j/enroll/confirm";
    }
    message(request, model);
    model.addAttribute("kinds", s.allowedKinds);
    return "mfa4j/enroll";
  }

  /** Begins the enrollment of the chosen kind. */
  @PostMapping("/enroll")
  public String enroll(HttpServletRequest request, HttpServletResponse response,
      @RequestParam String kind, @RequestParam(required = false) String label,
      @RequestParam(required = false) String password,
      @RequestParam(required = false) String phone,
      @RequestParam(required = false) String channel, Model model) {
    MfaFlow.Result r = flow.beginEnrollment(request, response, kind, label, password, phone,
        channel);
    return go(r, model);
  }

  /** The enrollment's confirmation: a QR code and a code field, or the passkey prompt. */
  @GetMapping("/enroll/confirm")
  public String confirmPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    MfaState s = flow.state(request).orElse(null);
    MfaFlow.Result where = flow.where(request, response, s);
    if (where.next() != MfaFlow.Next.ENROLLMENT) {
      return go(where, model);
    }
    if (s.enrollCeremony == null) {
      return "redirect:/mfa4j/enroll";
    }
    message(request, model);
    model.addAttribute("kind", s.enrollKind);
    model.addAttribute("details", s.enrollDetails);
    return "mfa4j/enroll-confirm";
  }

  /** Confirms the enrollment. */
  @PostMapping("/enroll/confirm")
  public String confirm(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(required = false) String code,
      @RequestParam(required = false) String passkeyResponse, Model model) {
    MfaFlow.Result r = flow.confirmEnrollment(request, response, code, passkeyResponse);
    if (r.next() == MfaFlow.Next.SIGNED_IN && flow.holdBackupCodes(request, r.redirect())) {
      return "redirect:/mfa4j/backup-codes";
    }
    return go(r, model);
  }

  /**
   * The new backup codes, once: a reload (or any later visit) goes on to where the sign-in was
   * going, since the codes are no longer kept.
   */
  @GetMapping("/backup-codes")
  public String backupCodes(HttpServletRequest request, Model model) {
    String next = flow.backupCodesNext(request);
    List<String> codes = flow.takeBackupCodes(request);
    if (codes.isEmpty()) {
      return "redirect:" + next;
    }
    model.addAttribute("continueUrl", next);
    model.addAttribute("codes", codes);
    return "mfa4j/backup-codes";
  }

  /** The new password a temporary one requires. */
  @GetMapping("/password")
  public String passwordPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    MfaState s = flow.state(request).orElse(null);
    MfaFlow.Result where = flow.where(request, response, s);
    if (where.next() != MfaFlow.Next.PASSWORD_CHANGE) {
      return go(where, model);
    }
    message(request, model);
    model.addAttribute("minLength", s.minPasswordLength);
    model.addAttribute("problems", List.copyOf(s.problems));
    return "mfa4j/password";
  }

  /** Sets the new password. */
  @PostMapping("/password")
  public String password(HttpServletRequest request, HttpServletResponse response,
      @RequestParam String password, @RequestParam String confirmation, Model model) {
    return go(flow.changePassword(request, response, password, confirmation), model);
  }

  /** The page or redirect of a result. */
  private String go(MfaFlow.Result r, Model model) {
    return switch (r.next()) {
      case SIGNED_IN -> "redirect:" + r.redirect();
      case SECOND_FACTOR -> "redirect:" + MfaEntryPoint.VERIFY;
      case ENROLLMENT -> "redirect:/mfa4j/enroll";
      case PASSWORD_CHANGE -> "redirect:/mfa4j/password";
      case STEP_UP -> "redirect:" + MfaEntryPoint.STEP_UP;
      case LOCKED -> {
        model.addAttribute("until", r.until().orElse(null));
        yield "mfa4j/locked";
      }
      case SIGN_IN_AGAIN -> "redirect:" + r.redirect();
      case PASSKEY_PASSWORD -> "redirect:" + PASSKEY_PASSWORD;
    };
  }

  // ---- sign-in that starts with a passkey ----

  private static final String PASSKEY_PASSWORD = "/mfa4j/passkey/password";

  /**
   * The sign-in page's passkey answer ({@code passkeyResponse}, the browser's {@code
   * JSON.stringify(credential.toJSON())}) to the ceremony {@code /mfa4j/api/passkey/begin} kept
   * in the session: signed in, the password of the user the passkey named, or refused (with the
   * browser signal for a passkey this site does not know).
   */
  @PostMapping("/passkey")
  public String passkey(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(required = false) String passkeyResponse,
      @RequestParam(required = false) String remember, Model model) {
    MfaFlow.Result r = flow.finishPasskeySignIn(request, response, passkeyResponse,
        "on".equals(remember) || "true".equals(remember));
    if (r.next() == MfaFlow.Next.SIGN_IN_AGAIN) {
      error(model, r.message().orElse(null));
      model.addAttribute("loginUrl", r.redirect());
      r.signal().ifPresent(sig -> {
        model.addAttribute("signalMethod", sig.method());
        model.addAttribute("signalJson", sig.json());
      });
      return "mfa4j/passkey-refused";
    }
    return go(r, model);
  }

  /** The password of the user a passkey named, when the passkey cannot sign them in alone. */
  @GetMapping("/passkey/password")
  public String passkeyPasswordPage(HttpServletRequest request, Model model) {
    PasskeySignIn p = flow.passkeyPasswordPending(request).orElse(null);
    if (p == null) {
      return "redirect:" + flow.settings().loginUrl();
    }
    model.addAttribute("username", p.username);
    p.takeMessage().ifPresent(m -> error(model, m));
    p.save(request.getSession());
    return "mfa4j/passkey-password";
  }

  /** Completes the passkey sign-in with the password. */
  @PostMapping("/passkey/password")
  public String passkeyPassword(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(required = false) String password, Model model) {
    return go(flow.completePasskeySignIn(request, response, password), model);
  }
}
