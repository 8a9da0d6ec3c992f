package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.Answer;
import dev.mfa4j.Assurance;
import dev.mfa4j.FactorId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.StepUpRequiredException;
import dev.mfa4j.passwords.PasswordAttempt;
import dev.mfa4j.passwords.PasswordOutcome;
import dev.mfa4j.sms.DeliveryException;
import dev.mfa4j.spi.Prompt;
import java.util.Map;
import java.util.Optional;

/**
 * "Confirm it's you": fresh proof from a signed-in user before a sensitive change. When mfa4j
 * refuses a change with {@link StepUpRequiredException}, or the host's own sensitive action (a
 * client chart export) finds the session's proof too old, the form is kept in the session and
 * the user confirms with one of their methods ({@code mfa.stepUp()}, the second step's page
 * again) or, when mfa4j asks for it, their password; then the form runs again.
 *
 * <ol>
 *   <li>{@link #guard}: runs a change; on {@link StepUpRequiredException} keeps it and asks.
 *   <li>{@code GET /confirm}, {@code POST /confirm/send}, {@code POST /confirm/verify}: the
 *       step-up, like the sign-in's second step.
 *   <li>{@code GET/POST /confirm/password}: one password prompt, when mfa4j asks for the
 *       password.
 *   <li>{@code GET /confirm/done}: for a download, the button again, now confirmed.
 * </ol>
 */
final class StepUpController {
  private final Demo app;
  private DemoServer server;

  StepUpController(Demo app) {
    this.app = app;
  }

  void routes(DemoServer s) {
    this.server = s;
    s.get("/confirm", this::page);
    s.post("/confirm/send", this::send);
    s.post("/confirm/verify", this::verify);
    s.get("/confirm/password", this::passwordPage);
    s.post("/confirm/password", this::password);
    s.get("/confirm/done", this::done);
  }

  /** A change that mfa4j may refuse until the user confirms it's them. */
  interface Change {
    Response run();
  }

  /**
   * Runs a change of the signed-in user's; when mfa4j says it needs a recent second step or the
   * password, keeps the form and asks for what is missing.
   *
   * @param what what the change does, in the user's words ("remove a sign-in method")
   * @param back the page to return to if the user cancels
   */
  Response guard(Request r, String what, String back, Change change) {
    try {
      Response out = change.run();
      r.session.resume().filter(kept -> kept.path().equals(r.path()))
          .ifPresent(kept -> r.session.resume(null));
      return out;
    } catch (StepUpRequiredException e) {
      // mfa4j: nothing was changed; the practice's rule wants a recent second step, or the
      // password. The same form runs again once the user has given it.
      return ask(r, e.needs(), e.action(), new Session.Resume(r.path(), r.fieldsToReplay(), what,
          back, false, false));
    }
  }

  /** Keeps {@code resume} and asks for what is missing. */
  Response ask(Request r, StepUpRequiredException.Needs needs, String action,
      Session.Resume resume) {
    r.session.resume(resume);
    if (needs == StepUpRequiredException.Needs.PASSWORD) {
      return Response.redirect("/confirm/password");
    }
    DemoUser u = r.session.user().orElseThrow();
    Assurance current = r.session.assurance().orElseThrow();
    try {
      // mfa4j: a second step like the sign-in's, for this action (audited by its name).
      LoginStep step = app.mfa.stepUp().begin(u.ref(), current, action, r.context());
      if (step instanceof LoginStep.SecondFactorRequired second) {
        r.session.stepUp(new Session.StepUp(second.challenge(), second, Optional.empty()));
        return Response.redirect("/confirm");
      }
      LoginStep.Locked locked = (LoginStep.Locked) step;
      return giveUp(r, "Too many wrong codes. Your methods are locked until "
          + Views.time(locked.until()) + ".");
    } catch (PolicyViolationException noMethod) {
      // The user has no second step to confirm with.
      if (resume.hostCheck()) {
        return Response.redirect("/confirm/password"); // the password is all the account has
      }
      return giveUp(r, "Your practice asks for a second step before you " + resume.what()
          + ". Set one up under Profile & security first.");
    }
  }

  // ---- the step-up ----

  Response page(Request r) {
    Optional<Session.StepUp> s = r.session.stepUp();
    Optional<Session.Resume> resume = r.session.resume();
    if (r.session.user().isEmpty()) {
      return Response.redirect("/signin");
    }
    if (s.isEmpty() || resume.isEmpty()) {
      return Response.redirect("/");
    }
    String intro = "<p id=\"confirm-why\">To " + h(resume.get().what()) + ", confirm it's you"
        + " with one of your methods.</p>";
    return Response.ok(app.layout.page(r, "Confirm it's you",
        Views.secondStep(r, s.get().step(), s.get().prompted(), false, "/confirm", intro)
            + cancel(resume.get())));
  }

  Response send(Request r) {
    Optional<Session.StepUp> s = r.session.stepUp();
    DemoUser u = r.session.user().orElse(null);
    if (u == null || s.isEmpty()) {
      return Response.redirect("/");
    }
    FactorId factor = FactorId.of(r.form("factor"));
    Map<String, String> options = r.form("channel").isEmpty()
        ? Map.of() : Map.of("channel", r.form("channel"));
    try {
      // mfa4j: sends the code, or returns the passkey request, for this step-up only.
      Prompt prompt = app.mfa.stepUp().prompt(u.ref(), s.get().challenge(), factor, options,
          r.context());
      r.session.stepUp(new Session.StepUp(s.get().challenge(), s.get().step(),
          Optional.of(new Session.Prompted(factor.value(), prompt))));
    } catch (RateLimitedException e) {
      r.session.error("Too many codes were sent. Please wait a little and try again.");
    } catch (DeliveryException e) {
      r.session.error("We could not send the code. Try again, or pick another method.");
    }
    return Response.redirect("/confirm");
  }

  Response verify(Request r) throws Exception {
    Optional<Session.StepUp> s = r.session.stepUp();
    DemoUser u = r.session.user().orElse(null);
    if (u == null || s.isEmpty()) {
      return Response.redirect("/");
    }
    Answer answer;
    if (!r.form("backup_code").isEmpty()) {
      answer = Answer.backupCode(r.form("backup_code"));
    } else if (!r.form("response").isEmpty()) {
      answer = Answer.response(FactorId.of(r.form("factor")), r.form("response"));
    } else {
      answer = Answer.code(FactorId.of(r.form("factor")), r.form("code"));
    }
    // mfa4j: checks the answer like the sign-in's second step (attempts, lockout, single use).
    LoginStep step = app.mfa.stepUp().verify(u.ref(), s.get().challenge(), answer, r.context());
    if (step instanceof LoginStep.Authenticated done) {
      // The session's privilege changed: a new id, and the record with the new proof.
      r.session = app.sessions.renew(r.session);
      r.session.assurance(done.assurance());
      r.session.stepUp(null);
      return resume(r, Optional.empty());
    }
    if (step instanceof LoginStep.Retry retry) {
      r.session.error("That code was not accepted. " + retry.attemptsLeft() + " attempts left.");
      return Response.redirect("/confirm");
    }
    if (step instanceof LoginStep.Locked locked) {
      return giveUp(r, "Too many wrong codes. Your methods are locked until "
          + Views.time(locked.until()) + ".");
    }
    return giveUp(r, "That confirmation has expired. Please try again.");
  }

  // ---- the password, when mfa4j asks for it ----

  Response passwordPage(Request r) {
    Optional<Session.Resume> resume = r.session.resume();
    if (r.session.user().isEmpty()) {
      return Response.redirect("/signin");
    }
    if (resume.isEmpty()) {
      return Response.redirect("/");
    }
    return Response.ok(app.layout.page(r, "Confirm it's you",
        "<p id=\"confirm-why\">To " + h(resume.get().what()) + ", enter your password.</p>"
            + "<form method=\"post\" action=\"/confirm/password\" id=\"confirm-password-form\">"
            + Layout.csrf(r) + SecurityController.passwordField()
            + "<button>Confirm</button></form>" + cancel(resume.get())));
  }

  Response password(Request r) throws Exception {
    Optional<Session.Resume> kept = r.session.resume();
    DemoUser u = r.session.user().orElse(null);
    if (u == null || kept.isEmpty()) {
      return Response.redirect("/");
    }
    Session.Resume resume = kept.get();
    Password typed = Password.of(r.form("password"));
    if (resume.hostCheck()) {
      // The host's own action, for a user with no second step: the host checks the password.
      PasswordAttempt attempt = app.passwords.attempt(u.ref(), typed, r.context());
      if (attempt.outcome() == PasswordOutcome.THROTTLED) {
        return giveUp(r, "Too many attempts. Please wait a few minutes and try again.");
      }
      if (!attempt.outcome().passed()) {
        r.session.error("Your password was not right.");
        return Response.redirect("/confirm/password");
      }
      r.session.passwordConfirmed(app.clock.instant());
      return resume(r, Optional.empty());
    }
    // mfa4j checks the password as part of the change itself (a wrong one counts).
    try {
      return resume(r, Optional.of(typed));
    } catch (PasswordRejectedException wrong) {
      r.session.resume(resume);
      r.session.error("Your password was not right.");
      return Response.redirect("/confirm/password");
    }
  }

  /** The kept form again: run now, or, for a download, its button on a "Confirmed" page. */
  private Response resume(Request r, Optional<Password> password) throws Exception {
    Session.Resume resume = r.session.resume().orElse(null);
    if (resume == null) {
      return Response.redirect("/");
    }
    if (resume.download()) {
      return Response.redirect("/confirm/done");
    }
    r.session.resume(null);
    DemoServer.Handler handler = server.postHandler(resume.path()).orElseThrow();
    Request again = r.replay(resume.path(), resume.form(), password);
    try {
      return handler.handle(again);
    } finally {
      r.session = again.session;
    }
  }

  Response done(Request r) {
    Optional<Session.Resume> resume = r.session.resume().filter(Session.Resume::download);
    if (r.session.user().isEmpty()) {
      return Response.redirect("/signin");
    }
    if (resume.isEmpty()) {
      return Response.redirect("/");
    }
    StringBuilder form = new StringBuilder("<form method=\"post\" action=\"")
        .append(h(resume.get().path())).append("\" id=\"confirmed-form\">").append(Layout.csrf(r));
    resume.get().form().forEach((k, v) -> form.append(SecurityController.hidden(k, v)));
    form.append("<button id=\"confirmed-go\">Continue</button></form>");
    return Response.ok(app.layout.page(r, "Confirmed",
        "<p id=\"confirmed\">Thank you. You can now " + h(resume.get().what()) + ".</p>" + form
            + cancel(resume.get())));
  }

  private static String cancel(Session.Resume resume) {
    return "<p><a href=\"" + h(resume.back()) + "\" id=\"confirm-cancel\">Cancel</a></p>";
  }

  /** Drops the kept change and goes back where it came from, with an error. */
  private Response giveUp(Request r, String message) {
    String back = r.session.resume().map(Session.Resume::back).orElse("/");
    r.session.resume(null);
    r.session.stepUp(null);
    r.session.error(message);
    return Response.redirect(back);
  }
}
