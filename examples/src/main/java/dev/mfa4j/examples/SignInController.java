package dev.mfa4j.examples;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordlessStart;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.spi.PasswordRules;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.webauthn.PasskeyFactor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in pages: the integration guide. Every call into mfa4j is marked "mfa4j:".
 *
 * <ol>
 *   <li>{@code GET /signin}: e-mail and password (checked by Spring Security's form login and
 *       {@link PasswordSignIn}, then {@link SignInFlow#afterPassword}), or a passkey: the page
 *       begins a passwordless ceremony ({@code beginPasswordless}) whose request the page's
 *       script hands to the browser's autofill and to the "Sign in with a passkey" button.
 *   <li>{@code POST /signin/passkey}: the browser's passkey answer ({@code finishPasswordless}).
 *       A passkey that checked it's the person signs in, where the practice allows it; otherwise
 *       the user's password follows on {@code /signin/password} ({@code completeWithPassword}).
 *   <li>{@code /signin/verify}: the second step. {@code POST /signin/send} asks for a text
 *       message, a call or the passkey request ({@code prompt}); {@code POST /signin/verify}
 *       answers ({@code verify}).
 *   <li>{@code /signin/new-password}: a temporary password must be replaced ({@code
 *       completePasswordChange}). Enrollment a practice requires: {@link EnrollmentController}.
 * </ol>
 *
 * <p>Each answer goes through {@link SignInFlow#next}, one switch over mfa4j's {@link LoginStep}.
 */
@Controller
final class SignInController {
  private final MfaEngine mfa;
  private final SignInFlow flow;
  private final UserDirectory users;
  private final Clock clock;
  private final PasskeyFactor passkeys;

  SignInController(MfaEngine mfa, SignInFlow flow, UserDirectory users, Clock clock,
      PasskeyFactor passkeys) {
    this.mfa = mfa;
    this.flow = flow;
    this.users = users;
    this.clock = clock;
    this.passkeys = passkeys;
  }

  // ---- the sign-in page: a password or a passkey ----

  @GetMapping("/signin")
  String signInPage(HttpServletRequest request, Model model,
      @RequestParam(required = false) String practice,
      @RequestParam(required = false) String email,
      @RequestParam(name = "signed-out", required = false) String signedOut,
      @RequestParam(required = false) String cancelled,
      @RequestParam(required = false) String expired) {
    if (flow.signedInUser().isPresent()) {
      return "redirect:/";
    }
    if (!model.containsAttribute(Flash.NOTICE)) {
      if (signedOut != null) {
        model.addAttribute(Flash.NOTICE, Notice.ok("You are signed out."));
      } else if (cancelled != null) {
        model.addAttribute(Flash.NOTICE, Notice.ok("Sign-in cancelled. You are signed out."));
      } else if (expired != null) {
        model.addAttribute(Flash.NOTICE, Notice.error("You were signed out after 30 minutes"
            + " without activity. Please sign in again."));
      }
    }
    model.addAttribute("email", email == null ? "" : email);
    model.addAttribute("passkeyRequest", passkeyRequest(request, practice).orElse(null));
    return "signin";
  }

  /**
   * A new passwordless ceremony for this page load, for the practice whose sign-in page this is.
   * A practice's own address would say which (its own host name, say); the demo takes {@code
   * ?practice=} and otherwise the seeded practice.
   */
  private Optional<String> passkeyRequest(HttpServletRequest request, String asked) {
    if (!mfa.kinds().contains(dev.mfa4j.FactorKind.PASSKEY)) {
      return Optional.empty();
    }
    SessionState state = SessionState.of(request);
    PracticeId practice = asked != null && !asked.isBlank()
        && users.practiceName(asked).isPresent() ? PracticeId.of(asked)
        : state.passwordless().map(SessionState.Passwordless::practice)
            .orElse(PracticeId.of(DemoApp.PRACTICE));
    try {
      // mfa4j: a passkey sign-in where nobody is identified yet; the ceremony id stays here.
      PasswordlessStart start = mfa.login().beginPasswordless(practice, flow.context(request));
      state.passwordless(new SessionState.Passwordless(practice, start.ceremony()));
      return start.prompt().clientJson();
    } catch (PolicyViolationException noPasskeys) {
      state.passwordless(null);
      return Optional.empty(); // the practice allows passkeys for nobody
    }
  }

  /** The browser's answer to the sign-in page's passkey request. */
  @PostMapping("/signin/passkey")
  String passkey(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(name = "response", defaultValue = "") String answer) throws IOException {
    SessionState state = SessionState.of(request);
    SessionState.Passwordless started = state.passwordless().orElse(null);
    if (started == null || answer.isBlank()) {
      Flash.put(request, Notice.error("That sign-in has expired. Please try again."));
      return "redirect:/signin";
    }
    state.passwordless(null); // one answer per ceremony
    PracticeId practice = started.practice();
    LoginStep step;
    try {
      // mfa4j: finds the passkey's owner through the host's directory and decides, as at the
      // second step: signed in, the password still to give, locked, or refused.
      step = mfa.login().finishPasswordless(practice, started.ceremony(), answer,
          id -> users.find(practice.value(), id.value()).map(DemoUser::ref),
          RememberDevice.NO, flow.context(request));
    } catch (InvalidInputException e) {
      Flash.put(request, Notice.error("That passkey did not sign you in. Please try again, or"
          + " use your e-mail and password."));
      return "redirect:/signin";
    }
    if (step instanceof LoginStep.Authenticated done) {
      return Flash.redirectTo(request,
          flow.next(request, response, flow.user(done.user()).orElseThrow(), step));
    }
    if (step instanceof LoginStep.PasswordRequired password) {
      return Flash.redirectTo(request,
          flow.next(request, response, flow.user(password.user()).orElseThrow(), step));
    }
    if (step instanceof LoginStep.Locked locked) {
      Flash.put(request, Notice.error("Too many failed attempts. Signing in is locked until ",
          locked.until(), "."));
      return "redirect:/signin";
    }
    if (step instanceof LoginStep.Rejected rejected
        && rejected.reason() == LoginStep.Reason.UNKNOWN_CREDENTIAL) {
      // mfa4j: the next page tells the browser's passkey manager to forget that passkey, where
      // the browser supports it (the WebAuthn Signal API).
      passkeys.unknownCredentialSignal(answer).ifPresent(s -> state.signals(List.of(s)));
      Flash.put(request, Notice.error("That passkey is no longer registered here: it was"
          + " removed from your account. Sign in with your e-mail and password, then add a new"
          + " passkey."));
      return "redirect:/signin";
    }
    Flash.put(request, Notice.error("That passkey did not sign you in. Please try again, or use"
        + " your e-mail and password."));
    return "redirect:/signin";
  }

  // ---- the password after a passkey that is one factor here ----

  @GetMapping("/signin/password")
  String passwordAfterPasskeyPage(HttpServletRequest request, HttpServletResponse response,
      Model model) {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.PasswordRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    model.addAttribute("user", p.get().user());
    model.addAttribute("rememberOffered", !flow.rememberFor(p.get().user()).isZero());
    return "signin-password";
  }

  @PostMapping("/signin/password")
  String passwordAfterPasskey(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String password,
      @RequestParam(required = false) String remember) throws IOException {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.PasswordRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    try {
      // mfa4j: checks this user's password for the sign-in the passkey began; a wrong one
      // counts like a wrong code.
      LoginStep step = mfa.login().completeWithPassword(p.get().user().ref(),
          p.get().challenge(), Password.of(password),
          "on".equals(remember) ? RememberDevice.YES : RememberDevice.NO, flow.context(request));
      return Flash.redirectTo(request, flow.next(request, response, p.get().user(), step));
    } catch (RateLimitedException e) {
      Flash.put(request, Notice.error("Too many sign-in attempts. Please wait "
          + Words.wait(clock.instant(), e.retryAfter()) + " and try again."));
      return "redirect:/signin/password";
    }
  }

  // ---- the second step ----

  @GetMapping("/signin/verify")
  String secondStepPage(HttpServletRequest request, HttpServletResponse response, Model model) {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.SecondFactorRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    model.addAttribute("step", SecondStepView.of("/signin",
        (LoginStep.SecondFactorRequired) p.get().step(),
        SessionState.of(request).prompted(), !flow.rememberFor(p.get().user()).isZero()));
    model.addAttribute("user", p.get().user());
    return "verify";
  }

  /** The user asked for a text message, a voice call, or the passkey request. */
  @PostMapping("/signin/send")
  String send(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String factor,
      @RequestParam(defaultValue = "") String channel) {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.SecondFactorRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    try {
      // mfa4j: sends the code (text or voice) or returns the passkey request for the browser,
      // for this user's own pending challenge only.
      Prompt prompt = mfa.login().prompt(p.get().user().ref(), p.get().challenge(),
          FactorId.of(factor), channel.isBlank() ? Map.of() : Map.of("channel", channel),
          flow.context(request));
      SessionState.of(request).prompted(new SessionState.Prompted(factor, prompt));
    } catch (RateLimitedException e) {
      Flash.put(request, Notice.error("Too many codes were sent. You can ask for another in "
          + Words.wait(clock.instant(), e.retryAfter()) + "."));
    } catch (InvalidInputException e) {
      Flash.put(request, Notice.error("That method cannot be used now. Please pick another."));
    } catch (dev.mfa4j.MfaException e) {
      // the text or call provider did not take the message; the challenge stays open
      Flash.put(request, Notice.error("We could not send the code. Try again, or pick another"
          + " method."));
    }
    return "redirect:/signin/verify";
  }

  /** A code, a backup code, or the browser's passkey answer. */
  @PostMapping("/signin/verify")
  String verify(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String factor,
      @RequestParam(defaultValue = "") String code,
      @RequestParam(name = "backup_code", defaultValue = "") String backupCode,
      @RequestParam(name = "response", defaultValue = "") String passkeyAnswer,
      @RequestParam(required = false) String remember) throws IOException {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.SecondFactorRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    LoginStep step;
    try {
      Answer answer = answer(factor, code, backupCode, passkeyAnswer);
      // mfa4j: checks the answer against this user's challenge; at most once, with attempt
      // limits and the user's lockout.
      step = mfa.login().verify(p.get().user().ref(), p.get().challenge(), answer,
          "on".equals(remember) ? RememberDevice.YES : RememberDevice.NO, flow.context(request));
    } catch (InvalidInputException e) {
      Flash.put(request, Notice.error("That code was not accepted."));
      return "redirect:/signin/verify";
    }
    return Flash.redirectTo(request, flow.next(request, response, p.get().user(), step));
  }

  static Answer answer(String factor, String code, String backupCode, String passkeyAnswer) {
    if (!backupCode.isBlank()) {
      return Answer.backupCode(backupCode);
    }
    if (!passkeyAnswer.isBlank()) {
      return Answer.response(FactorId.of(factor), passkeyAnswer);
    }
    return Answer.code(FactorId.of(factor), code);
  }

  // ---- a temporary password must be replaced ----

  @GetMapping("/signin/new-password")
  String newPasswordPage(HttpServletRequest request, HttpServletResponse response, Model model) {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.PasswordChangeRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    LoginStep.PasswordChangeRequired change = (LoginStep.PasswordChangeRequired) p.get().step();
    model.addAttribute("minLength", change.minLength());
    model.addAttribute("problems",
        change.problems().stream().map(dev.mfa4j.PasswordCheck.Problem::message).toList());
    return "new-password";
  }

  @PostMapping("/signin/new-password")
  String newPassword(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(name = "new", defaultValue = "") String next,
      @RequestParam(defaultValue = "") String confirm) throws IOException {
    Optional<SessionState.Pending> p = flow.pending(request)
        .filter(x -> x.step() instanceof LoginStep.PasswordChangeRequired);
    if (p.isEmpty()) {
      return "redirect:" + flow.where(request, response);
    }
    if (!next.equals(confirm)) {
      Flash.put(request, Notice.error("The two new passwords are not the same."));
      return "redirect:/signin/new-password";
    }
    // mfa4j: stores the new password if the practice's rules accept it, then says what comes
    // next (the second step, if the user has one); PasswordChangeRequired again says why not.
    LoginStep step = mfa.login().completePasswordChange(p.get().user().ref(),
        p.get().challenge(), Password.of(next), flow.context(request));
    if (step instanceof LoginStep.PasswordChangeRequired again) {
      SessionState.of(request).pending(new SessionState.Pending(p.get().user(),
          again.challenge(), again));
      Flash.put(request, Notice.error("That password cannot be used: " + String.join(" ",
          again.problems().stream().map(dev.mfa4j.PasswordCheck.Problem::message).toList())));
      return "redirect:/signin/new-password";
    }
    return Flash.redirectTo(request, flow.next(request, response, p.get().user(), step));
  }

  /** The shortest password the practice accepts from this user now. */
  static int minLength(SignInFlow flow, MfaEngine mfa, DemoUser user) {
    return PasswordRules.of(flow.policy(user.practice()),
        mfa.account(user.ref()).twoFactorEnabled()).minLength();
  }
}
