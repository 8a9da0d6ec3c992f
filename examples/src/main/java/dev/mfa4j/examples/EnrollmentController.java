package dev.mfa4j.examples;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.MfaException;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.sms.PhoneEnrollment;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.webauthn.PasskeyEnrollment;
import dev.mfa4j.webauthn.PasskeyFactor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Adding a sign-in method: from Profile &amp; security ({@code /account/enroll}), or during a
 * sign-in that mfa4j answered with {@link LoginStep.EnrollmentRequired} ({@code /signin/enroll}:
 * the practice requires two-step verification and the user has no method yet). Both pages are one
 * form: the methods the practice allows, each with its own button.
 *
 * <p>mfa4j confirms the user before binding a method. On the security page the session's
 * assurance record does ({@code confirmedBy}): a password typed moments ago at sign-in counts,
 * and otherwise "Confirm it's you" asks once. During a sign-in the form asks for the password.
 */
@Controller
final class EnrollmentController {
  private static final Set<String> HINTS = Set.of("client-device", "security-key", "hybrid");

  private final MfaEngine mfa;
  private final SignInFlow flow;
  private final ConfirmController confirm;
  private final Clock clock;

  EnrollmentController(MfaEngine mfa, SignInFlow flow, ConfirmController confirm, Clock clock) {
    this.mfa = mfa;
    this.flow = flow;
    this.confirm = confirm;
    this.clock = clock;
  }

  /**
   * Who is adding a method: the signed-in user, or a pending sign-in that must enroll first.
   *
   * @param base {@code /account/enroll} or {@code /signin/enroll}
   */
  private record Subject(DemoUser user, Optional<ChallengeId> signIn, String base) {}

  private Optional<Subject> subject(HttpServletRequest request, boolean signIn) {
    if (!signIn) {
      return flow.signedInUser().map(u -> new Subject(u, Optional.empty(), "/account/enroll"));
    }
    return flow.pending(request)
        .filter(p -> p.step() instanceof LoginStep.EnrollmentRequired)
        .map(p -> new Subject(p.user(), Optional.of(p.challenge()), "/signin/enroll"));
  }

  /** A method the form offers. */
  record Choice(String kind, String title, String help, String label) {}

  // ---- choosing ----

  @GetMapping("/account/enroll")
  String accountPage(HttpServletRequest request, HttpServletResponse response, Model model) {
    return choose(request, response, model, false);
  }

  @GetMapping("/signin/enroll")
  String signInPage(HttpServletRequest request, HttpServletResponse response, Model model) {
    return choose(request, response, model, true);
  }

  private String choose(HttpServletRequest request, HttpServletResponse response, Model model,
      boolean signIn) {
    Subject s = subject(request, signIn).orElse(null);
    if (s == null) {
      return "redirect:" + (signIn ? flow.where(request, response) : "/signin");
    }
    Set<FactorKind> allowed = flow.policy(s.user().practice())
        .methodsFor(s.user().ref().audience());
    List<Choice> choices = new ArrayList<>();
    if (allowed.contains(FactorKind.TOTP) && mfa.kinds().contains(FactorKind.TOTP)) {
      choices.add(new Choice("totp", "Authenticator app", "Google Authenticator, Microsoft"
          + " Authenticator, 2FAS or Duo Mobile shows a new 6-digit code every 30 seconds.",
          "Authenticator app"));
    }
    if (allowed.contains(FactorKind.PHONE) && mfa.kinds().contains(FactorKind.PHONE)) {
      choices.add(new Choice("phone", "Text message or voice call",
          "We send a code to your phone each time you sign in.", "My phone"));
    }
    if (allowed.contains(FactorKind.PASSKEY) && mfa.kinds().contains(FactorKind.PASSKEY)) {
      choices.add(new Choice("passkey", "Passkey",
          "Your fingerprint, face or screen lock on this device or your phone, or a security"
              + " key. Nothing to type, and it cannot be phished.", "Passkey"));
    }
    model.addAttribute("choices", choices);
    model.addAttribute("base", s.base());
    model.addAttribute("signIn", s.signIn().isPresent());
    if (s.signIn().isPresent() && !model.containsAttribute(Flash.NOTICE)) {
      model.addAttribute(Flash.NOTICE, Notice.ok("Your practice requires two-step verification."
          + " Set up a method to continue."));
    }
    return "enroll";
  }

  // ---- beginning ----

  @PostMapping("/account/enroll")
  String accountBegin(HttpServletRequest request, HttpServletResponse response,
      @RequestParam Map<String, String> form) {
    return begin(request, response, form, false);
  }

  @PostMapping("/signin/enroll")
  String signInBegin(HttpServletRequest request, HttpServletResponse response,
      @RequestParam Map<String, String> form) {
    return begin(request, response, form, true);
  }

  private String begin(HttpServletRequest request, HttpServletResponse response,
      Map<String, String> form, boolean signIn) {
    Subject s = subject(request, signIn).orElse(null);
    if (s == null) {
      return "redirect:" + (signIn ? flow.where(request, response) : "/signin");
    }
    FactorKind kind;
    try {
      kind = FactorKind.of(form.getOrDefault("kind", ""));
    } catch (IllegalArgumentException | InvalidInputException e) {
      return "redirect:" + s.base();
    }
    String label = form.getOrDefault("label_" + kind.id(), "").strip();
    String name = label.isEmpty() ? Words.kindName(kind) : label;
    Map<String, String> params = new HashMap<>();
    if (kind.equals(FactorKind.TOTP)) {
      params.put(TotpFactor.PARAM_ACCOUNT, s.user().email()); // the name the app shows
    } else if (kind.equals(FactorKind.PHONE)) {
      params.put("phone", form.getOrDefault("phone", ""));
      params.put("channel", "VOICE".equals(form.get("channel")) ? "VOICE" : "SMS");
    } else if (kind.equals(FactorKind.PASSKEY)) {
      params.put(PasskeyFactor.PARAM_USER_NAME, s.user().email());
      params.put(PasskeyFactor.PARAM_DISPLAY_NAME, s.user().name());
      String hint = form.getOrDefault("hint", "");
      if (HINTS.contains(hint)) {
        params.put(PasskeyFactor.PARAM_HINTS, hint); // guides the browser's dialog
      }
    }
    if (s.signIn().isPresent()) {
      try {
        // mfa4j: checks the password and the practice's allowed methods, then the provider
        // starts (a key and QR code, a code sent to the phone, or the passkey options).
        EnrollmentStart start = mfa.account(s.user().ref()).beginEnrollment(kind, name,
            Password.of(form.getOrDefault("password", "")), params, flow.context(request));
        return enrolling(request, kind, start, name, s);
      } catch (PasswordRejectedException e) {
        Flash.put(request, Notice.error("Your password was not right."));
      } catch (RateLimitedException e) {
        Flash.put(request, Notice.error("Too many attempts. Please wait "
            + Words.wait(clock.instant(), e.retryAfter()) + " and try again."));
      } catch (PolicyViolationException e) {
        Flash.put(request, Notice.error("Your practice does not allow that. "
            + Words.policyRefusal(e)));
      } catch (MfaException | IllegalArgumentException e) {
        Flash.put(request, Notice.error("That was not accepted: " + e.getMessage() + "."));
      }
      return "redirect:" + s.base();
    }
    return confirm.guard(request, "add a sign-in method", s.base(), (req, password) -> {
      // mfa4j: the session's record confirms it (a recent password or second step, as the
      // practice asks); otherwise StepUpRequiredException, and "Confirm it's you" first.
      AccountSecurity account = account(req, s.user());
      EnrollmentStart start = password.isPresent()
          ? account.beginEnrollment(kind, name, password.get(), params, flow.context(req))
          : account.beginEnrollment(kind, name, params, flow.context(req));
      return enrolling(req, kind, start, name, s).substring("redirect:".length());
    });
  }

  /** The user's account with the session's record of what proved them and when. */
  private AccountSecurity account(HttpServletRequest request, DemoUser user) {
    AccountSecurity account = mfa.account(user.ref());
    return flow.assurance(request).map(account::confirmedBy).orElse(account);
  }

  private String enrolling(HttpServletRequest request, FactorKind kind, EnrollmentStart start,
      String label, Subject s) {
    Object details = switch (kind.id()) {
      case "totp" -> start.details(TotpEnrollment.class);
      case "phone" -> start.details(PhoneEnrollment.class);
      case "passkey" -> start.details(PasskeyEnrollment.class);
      default -> throw new IllegalStateException("no page for kind " + kind.id());
    };
    SessionState.of(request).enrolling(new SessionState.Enrolling(start.ceremony(),
        start.factor(), kind.id(), details, label));
    return "redirect:" + s.base() + "/confirm";
  }

  // ---- confirming ----

  @GetMapping("/account/enroll/confirm")
  String accountConfirmPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    return confirmPage(request, response, model, false);
  }

  @GetMapping("/signin/enroll/confirm")
  String signInConfirmPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    return confirmPage(request, response, model, true);
  }

  private String confirmPage(HttpServletRequest request, HttpServletResponse response,
      Model model, boolean signIn) {
    Subject s = subject(request, signIn).orElse(null);
    Optional<SessionState.Enrolling> e = SessionState.of(request).enrolling();
    if (s == null) {
      return "redirect:" + (signIn ? flow.where(request, response) : "/signin");
    }
    if (e.isEmpty()) {
      return "redirect:" + s.base();
    }
    model.addAttribute("base", s.base());
    model.addAttribute("kind", e.get().kind());
    model.addAttribute("label", e.get().label());
    model.addAttribute("methodName", Words.kindName(FactorKind.of(e.get().kind())));
    Object d = e.get().details();
    if (d instanceof TotpEnrollment totp) {
      model.addAttribute("qr", totp.qrDataUri());
      model.addAttribute("key", totp.groupedKey());
      model.addAttribute("account", totp.account());
      model.addAttribute("issuer", totp.issuer());
    } else if (d instanceof PhoneEnrollment phone) {
      model.addAttribute("destination", phone.maskedNumber());
      model.addAttribute("voice", phone.channel().name().equals("VOICE"));
      model.addAttribute("codeExpiresAt", phone.codeExpiresAt());
    } else if (d instanceof PasskeyEnrollment passkey) {
      model.addAttribute("creationOptions", passkey.creationOptionsJson());
    }
    return "enroll-confirm";
  }

  @PostMapping("/account/enroll/confirm")
  String accountConfirm(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String code,
      @RequestParam(name = "response", defaultValue = "") String passkeyAnswer)
      throws IOException {
    return confirm(request, response, code, passkeyAnswer, false);
  }

  @PostMapping("/signin/enroll/confirm")
  String signInConfirm(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String code,
      @RequestParam(name = "response", defaultValue = "") String passkeyAnswer)
      throws IOException {
    return confirm(request, response, code, passkeyAnswer, true);
  }

  private String confirm(HttpServletRequest request, HttpServletResponse response, String code,
      String passkeyAnswer, boolean signIn) throws IOException {
    Subject s = subject(request, signIn).orElse(null);
    SessionState state = SessionState.of(request);
    SessionState.Enrolling e = state.enrolling().orElse(null);
    if (s == null) {
      return "redirect:" + (signIn ? flow.where(request, response) : "/signin");
    }
    if (e == null) {
      return "redirect:" + s.base();
    }
    EnrollmentOutcome outcome;
    try {
      Answer answer = passkeyAnswer.isBlank() ? Answer.code(e.factor(), code)
          : Answer.response(e.factor(), passkeyAnswer);
      // mfa4j: confirms the new method with a code from it, or the browser's passkey answer.
      outcome = mfa.account(s.user().ref()).confirmEnrollment(e.ceremony(), answer,
          flow.context(request));
    } catch (InvalidInputException ex) {
      Flash.put(request, Notice.error("That code was not accepted. Check the code and try"
          + " again."));
      return "redirect:" + s.base() + "/confirm";
    }
    if (outcome instanceof EnrollmentOutcome.Confirmed ok) {
      state.enrolling(null);
      ok.backupCodes().map(BackupCodes::reveal).ifPresent(state::backupCodes);
      boolean phone = e.kind().equals(FactorKind.PHONE.id());
      if (s.signIn().isPresent()) {
        // mfa4j: the sign-in that required enrollment may now finish; only the enrollment this
        // session just confirmed completes this session's sign-in.
        LoginStep step = mfa.login().completeEnrollment(s.user().ref(), s.signIn().get(),
            e.ceremony(), flow.context(request));
        String next = flow.next(request, response, s.user(), step);
        if (flow.signedInUser().isPresent() && state.backupCodes().isPresent()) {
          Flash.put(request, Notice.ok("Two-step verification is on."
              + (phone ? " " + Words.PHONE_NOTICE : "")));
          return "redirect:/account/backup-codes?then=" + java.net.URLEncoder.encode(next,
              java.nio.charset.StandardCharsets.UTF_8);
        }
        return Flash.redirectTo(request, next);
      }
      Flash.put(request, Notice.ok("Added \u201c" + ok.factor().label() + "\u201d."
          + (phone ? " " + Words.PHONE_NOTICE : "")));
      return state.backupCodes().isPresent() ? "redirect:/account/backup-codes"
          : "redirect:/account/security";
    }
    if (outcome instanceof EnrollmentOutcome.Retry retry) {
      Flash.put(request, Notice.error("That code was not accepted. " + retry.attemptsLeft()
          + (retry.attemptsLeft() == 1 ? " attempt left." : " attempts left.")));
      return "redirect:" + s.base() + "/confirm";
    }
    state.enrolling(null);
    Flash.put(request, Notice.error("That setup has expired. Please start again."));
    return "redirect:" + s.base();
  }
}
