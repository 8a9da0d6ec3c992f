package dev.mfa4j.examples;

import dev.mfa4j.Assurance;
import dev.mfa4j.FactorId;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.MfaException;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.StepUpRequiredException;
import dev.mfa4j.sms.DeliveryException;
import dev.mfa4j.spi.Prompt;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Confirm it's you": fresh proof from a signed-in user, asked only when it is needed.
 *
 * <ul>
 *   <li>A page behind a Spring Security rule with a maximum age (the client chart export needs a
 *       second factor within 5 minutes): Spring Security finds the factor authority missing or
 *       too old and calls {@link #toStepUp}, which starts mfa4j's step-up ({@code
 *       mfa.stepUp()}); once it is answered the authentication holds fresh factor authorities
 *       and the page opens.
 *   <li>A change mfa4j guards itself ({@link #guard}): the account is used {@code
 *       confirmedBy(assurance)}, so a recent password or second step in the session's record lets
 *       it through; otherwise mfa4j throws {@link StepUpRequiredException} saying what is
 *       missing, nothing changes, and the user gives just that (a second step here, or the
 *       password once on {@code /confirm/password}). Then the same change runs again.
 * </ul>
 */
@Controller
final class ConfirmController {
  private final MfaEngine mfa;
  private final SignInFlow flow;
  private final RequestCache requests;
  private final Clock clock;

  ConfirmController(MfaEngine mfa, SignInFlow flow, RequestCache requests, Clock clock) {
    this.mfa = mfa;
    this.flow = flow;
    this.requests = requests;
    this.clock = clock;
  }

  /**
   * Runs a change of the signed-in user's; when mfa4j says it needs a recent second step or the
   * password, keeps it and asks for what is missing. Expected refusals become an error on the
   * page it came from.
   *
   * @param what what the change does, in the user's words ("remove a sign-in method")
   * @param back the page to return to if the user cancels, and for errors
   * @return a Spring MVC redirect
   */
  String guard(HttpServletRequest request, String what, String back,
      SessionState.Change change) {
    SessionState.Resume resume = new SessionState.Resume(what, back, Optional.empty(),
        Optional.of(change));
    try {
      return "redirect:" + change.run(request, Optional.empty());
    } catch (StepUpRequiredException e) {
      // mfa4j: nothing was changed; the practice's rule wants a recent second step, or the
      // password. The same change runs again once the user has given it.
      return "redirect:" + ask(request, e.needs(), e.action(), resume);
    } catch (MfaException | IllegalArgumentException e) {
      Flash.put(request, refusal(e));
      return "redirect:" + back;
    }
  }

  /** An expected refusal in the user's words. */
  private Notice refusal(RuntimeException e) {
    if (e instanceof PasswordRejectedException) {
      return Notice.error("Your password was not right.");
    }
    if (e instanceof PolicyViolationException) {
      return Notice.error("Your practice does not allow that. " + Words.policyRefusal(e));
    }
    if (e instanceof RateLimitedException r) {
      return Notice.error("Too many attempts. Please wait " + Words.wait(clock.instant(),
          r.retryAfter()) + " and try again.");
    }
    if (e instanceof InvalidInputException) {
      return Notice.error("That was not accepted: " + e.getMessage() + ".");
    }
    if (e instanceof DeliveryException) {
      return Notice.error("We could not send the code. Please try again.");
    }
    return Notice.error("That did not work. Please try again.");
  }

  /** Keeps {@code resume} and asks for what is missing; returns the page to go to. */
  String ask(HttpServletRequest request, StepUpRequiredException.Needs needs, String action,
      SessionState.Resume resume) {
    SessionState state = SessionState.of(request);
    state.resume(resume);
    state.stepUp(null);
    if (needs == StepUpRequiredException.Needs.PASSWORD) {
      return "/confirm/password";
    }
    DemoUser user = flow.signedInUser().orElseThrow();
    Assurance current = flow.assurance(request).orElse(null);
    if (current == null) {
      return "/signin";
    }
    try {
      // mfa4j: a second step like the sign-in's, for this action (audited by its name).
      LoginStep step = mfa.stepUp().begin(user.ref(), current, action, flow.context(request));
      if (step instanceof LoginStep.SecondFactorRequired second) {
        state.stepUp(new SessionState.StepUp(second.challenge(), second, Optional.empty()));
        return "/confirm";
      }
      LoginStep.Locked locked = (LoginStep.Locked) step;
      return giveUp(request, Notice.error("Too many wrong codes. Your methods are locked until ",
          locked.until(), "."));
    } catch (PolicyViolationException noMethod) {
      return giveUp(request, Notice.error("To " + resume.what() + ", confirm it's you with a"
          + " second step, and you have none yet. Set one up under Profile & security first."));
    }
  }

  /**
   * Spring Security's entry point for a page whose rule needs a recent second factor ({@code
   * FACTOR_MFA4J_SECOND} within its maximum age): the request was saved; confirm, then go there.
   */
  void toStepUp(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException e) throws IOException {
    SavedRequest saved = requests.getRequest(request, response);
    String url = saved == null ? "/" : local(request, saved.getRedirectUrl());
    requests.removeRequest(request, response);
    String what = url.startsWith("/chart") ? "export the client chart" : "open that page";
    String next = ask(request, StepUpRequiredException.Needs.SECOND_FACTOR, "export_chart",
        new SessionState.Resume(what, "/", Optional.of(url), Optional.empty()));
    SignInFlow.go(request, response, next);
  }

  private static String local(HttpServletRequest request, String url) {
    String origin = request.getScheme() + "://" + request.getServerName() + ":"
        + request.getServerPort();
    return url.startsWith(origin + "/") ? url.substring(origin.length()) : "/";
  }

  // ---- the step-up: the second step's page again ----

  @GetMapping("/confirm")
  String page(HttpServletRequest request, Model model) {
    SessionState state = SessionState.of(request);
    Optional<SessionState.StepUp> s = state.stepUp();
    Optional<SessionState.Resume> resume = state.resume();
    if (s.isEmpty() || resume.isEmpty()) {
      return "redirect:/";
    }
    model.addAttribute("step", SecondStepView.of("/confirm", s.get().step(),
        s.get().prompted(), false));
    model.addAttribute("what", resume.get().what());
    model.addAttribute("back", resume.get().back());
    return "confirm";
  }

  @PostMapping("/confirm/send")
  String send(HttpServletRequest request, @RequestParam(defaultValue = "") String factor,
      @RequestParam(defaultValue = "") String channel) {
    SessionState state = SessionState.of(request);
    Optional<SessionState.StepUp> s = state.stepUp();
    DemoUser user = flow.signedInUser().orElse(null);
    if (user == null || s.isEmpty()) {
      return "redirect:/";
    }
    try {
      // mfa4j: sends the code, or returns the passkey request, for this step-up only.
      Prompt prompt = mfa.stepUp().prompt(user.ref(), s.get().challenge(), FactorId.of(factor),
          channel.isBlank() ? Map.of() : Map.of("channel", channel), flow.context(request));
      state.stepUp(new SessionState.StepUp(s.get().challenge(), s.get().step(),
          Optional.of(new SessionState.Prompted(factor, prompt))));
    } catch (RateLimitedException e) {
      Flash.put(request, Notice.error("Too many codes were sent. You can ask for another in "
          + Words.wait(clock.instant(), e.retryAfter()) + "."));
    } catch (MfaException e) {
      Flash.put(request, Notice.error("We could not send the code. Try again, or pick another"
          + " method."));
    }
    return "redirect:/confirm";
  }

  @PostMapping("/confirm/verify")
  String verify(HttpServletRequest request, HttpServletResponse response,
      @RequestParam(defaultValue = "") String factor,
      @RequestParam(defaultValue = "") String code,
      @RequestParam(name = "backup_code", defaultValue = "") String backupCode,
      @RequestParam(name = "response", defaultValue = "") String passkeyAnswer) {
    SessionState state = SessionState.of(request);
    Optional<SessionState.StepUp> s = state.stepUp();
    DemoUser user = flow.signedInUser().orElse(null);
    if (user == null || s.isEmpty()) {
      return "redirect:/";
    }
    LoginStep step;
    try {
      // mfa4j: checks the answer like the sign-in's second step (attempts, lockout, single use).
      step = mfa.stepUp().verify(user.ref(), s.get().challenge(),
          SignInController.answer(factor, code, backupCode, passkeyAnswer),
          flow.context(request));
    } catch (InvalidInputException e) {
      Flash.put(request, Notice.error("That code was not accepted."));
      return "redirect:/confirm";
    }
    if (step instanceof LoginStep.Authenticated done) {
      // The session's privilege changed: a new id, and the record with the new proof.
      flow.steppedUp(request, response, user, done.assurance());
      state.stepUp(null);
      return resume(request);
    }
    if (step instanceof LoginStep.Retry retry) {
      Flash.put(request, Notice.error("That code was not accepted. " + retry.attemptsLeft()
          + (retry.attemptsLeft() == 1 ? " attempt left." : " attempts left.")));
      return "redirect:/confirm";
    }
    if (step instanceof LoginStep.Locked locked) {
      return "redirect:" + giveUp(request, Notice.error(
          "Too many wrong codes. Your methods are locked until ", locked.until(), "."));
    }
    return "redirect:" + giveUp(request,
        Notice.error("That confirmation has expired. Please try again."));
  }

  // ---- the password, when mfa4j asks for it ----

  @GetMapping("/confirm/password")
  String passwordPage(HttpServletRequest request, Model model) {
    Optional<SessionState.Resume> resume = SessionState.of(request).resume();
    if (resume.isEmpty() || resume.get().change().isEmpty()) {
      return "redirect:/";
    }
    model.addAttribute("what", resume.get().what());
    model.addAttribute("back", resume.get().back());
    return "confirm-password";
  }

  @PostMapping("/confirm/password")
  String password(HttpServletRequest request, @RequestParam(defaultValue = "") String password) {
    SessionState state = SessionState.of(request);
    Optional<SessionState.Resume> kept = state.resume();
    if (flow.signedInUser().isEmpty() || kept.isEmpty() || kept.get().change().isEmpty()) {
      return "redirect:/";
    }
    SessionState.Resume resume = kept.get();
    state.resume(null);
    try {
      // mfa4j checks the password as part of the change itself (a wrong one counts).
      return "redirect:" + resume.change().get().run(request, Optional.of(Password.of(password)));
    } catch (PasswordRejectedException wrong) {
      state.resume(resume);
      Flash.put(request, Notice.error("Your password was not right."));
      return "redirect:/confirm/password";
    } catch (StepUpRequiredException e) {
      // the rule asks for both: the password was right; now the second step
      return "redirect:" + ask(request, e.needs(), e.action(), resume);
    } catch (MfaException | IllegalArgumentException e) {
      Flash.put(request, refusal(e));
      return "redirect:" + resume.back();
    }
  }

  /** The kept change again, now confirmed; or the page that needed confirming. */
  private String resume(HttpServletRequest request) {
    SessionState state = SessionState.of(request);
    SessionState.Resume resume = state.resume().orElse(null);
    state.resume(null);
    if (resume == null) {
      return "redirect:/";
    }
    if (resume.url().isPresent()) {
      return "redirect:" + resume.url().get();
    }
    try {
      return "redirect:" + resume.change().orElseThrow().run(request, Optional.empty());
    } catch (StepUpRequiredException e) {
      return "redirect:" + ask(request, e.needs(), e.action(), resume);
    } catch (MfaException | IllegalArgumentException e) {
      Flash.put(request, refusal(e));
      return "redirect:" + resume.back();
    }
  }

  /** Drops the kept change and goes back where it came from, with an error. */
  private String giveUp(HttpServletRequest request, Notice notice) {
    SessionState state = SessionState.of(request);
    String back = state.resume().map(SessionState.Resume::back).orElse("/");
    state.resume(null);
    state.stepUp(null);
    request.setAttribute(Flash.NOTICE, notice);
    if (org.springframework.web.servlet.support.RequestContextUtils
        .getOutputFlashMap(request) != null) {
      Flash.put(request, notice);
    }
    return back;
  }
}
