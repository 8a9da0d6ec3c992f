package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.passwords.PasswordAttempt;
import dev.mfa4j.passwords.PasswordOutcome;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.DeliveryException;
import dev.mfa4j.spi.Prompt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in: the integration guide. Every place the host calls mfa4j is marked "mfa4j:". Everything
 * else — the user table, the password, the session — is the host's own.
 *
 * <ol>
 *   <li>{@code POST /signin}: the host checks the password, then asks {@code afterPrimary}.
 *   <li>{@code POST /signin/send}: the user picked text message, voice call or passkey: {@code
 *       prompt}.
 *   <li>{@code POST /signin/verify}: the user answered: {@code verify}.
 *   <li>{@link #next}: one switch over the sealed {@link LoginStep} decides the page.
 * </ol>
 */
final class SignInController {
  private final Demo app;
  private final MfaEngine mfa;

  SignInController(Demo app) {
    this.app = app;
    this.mfa = app.mfa;
  }

  void routes(DemoServer s) {
    s.get("/signin", this::form);
    s.post("/signin", this::password);
    s.get("/signin/verify", this::secondStep);
    s.post("/signin/send", this::send);
    s.post("/signin/verify", this::verify);
    s.post("/signout", this::signOut);
  }

  /** Step 1: e-mail and password. */
  Response password(Request r) {
    // The host's own first factor: its user table and its password check. One answer for an
    // unknown e-mail and a wrong password, so the form does not reveal who has an account.
    // (Here the host uses mfa4j's built-in Argon2id passwords; it could as well use its own.)
    // An unknown e-mail still costs one password check, of a stand-in user throttled like a real
    // one, so neither the time taken nor the throttle tells who has an account.
    Optional<DemoUser> user = app.users.byEmail(r.form("email"));
    Password typed = Password.of(r.form("password"));
    // The request's address also limits how many wrong passwords one address may try across
    // all accounts (password spraying).
    PasswordAttempt attempt = user
        .map(u -> app.passwords.attempt(u.ref(), typed, r.context()))
        .orElseGet(() -> {
          PasswordAttempt stand = app.passwords.attempt(unknownUser(r.form("email")), typed,
              r.context());
          return stand.outcome() == PasswordOutcome.THROTTLED ? stand
              : new PasswordAttempt(PasswordOutcome.REJECTED, Optional.empty());
        });
    PasswordOutcome outcome = attempt.outcome();
    if (outcome == PasswordOutcome.EXPIRED) {
      return formWith(r, "That temporary password has expired. Ask your administrator for a new one.");
    }
    if (outcome == PasswordOutcome.THROTTLED) {
      // the same for known and unknown addresses: it tells nobody who has an account
      // (the stand-in of an unknown address is throttled like a real user, so the time too)
      return formWith(r, "Too many sign-in attempts. Please wait a few minutes and try again"
          + attempt.retryAfter().map(t -> " (after " + Views.time(t) + ")").orElse("") + ".");
    }
    if (!outcome.passed()) {
      return formWith(r, "The e-mail address or password is not right.");
    }
    // mfa4j: the password was right; what comes next? The remembered-device cookie, IP address
    // and browser travel in the RequestContext. A temporary password yields PasswordChangeRequired.
    LoginStep step = mfa.login().afterPrimary(user.get().ref(), r.context());
    return next(r, user.get(), step);
  }

  /** The stand-in checked for an e-mail address nobody has: one per address, never a real user. */
  static UserRef unknownUser(String email) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256")
          .digest(email.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
    return UserRef.staff(DemoApp.PRACTICE,
        "unknown:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
  }

  /** Step 2, part 1: the user asked for a text message, a voice call, or a passkey prompt. */
  Response send(Request r) {
    Session.Pending p = pending(r).orElse(null);
    if (p == null) {
      return restart(r, "Your sign-in has expired. Please sign in again.");
    }
    FactorId factor = FactorId.of(r.form("factor"));
    Map<String, String> options = r.form("channel").isEmpty()
        ? Map.of() : Map.of("channel", r.form("channel"));
    try {
      // mfa4j: sends the code (SMS or voice) or returns the passkey request for the browser.
      // It only works for this user's own pending challenge.
      Prompt prompt = mfa.login().prompt(p.user().ref(), p.challenge(), factor, options,
          r.context());
      r.session.prompted(factor.value(), prompt);
    } catch (RateLimitedException e) {
      r.session.flash("Too many codes were sent. Please wait a little and try again.");
    } catch (DeliveryException e) {
      // The SMS provider did not take the message; the challenge stays usable for a resend.
      r.session.flash("We could not send the code. Try again, or pick another method.");
    }
    return Response.redirect("/signin/verify");
  }

  /** Step 2, part 2: a code, a backup code, or the browser's passkey response. */
  Response verify(Request r) {
    Session.Pending p = pending(r).orElse(null);
    if (p == null) {
      return restart(r, "Your sign-in has expired. Please sign in again.");
    }
    Answer answer;
    if (!r.form("backup_code").isEmpty()) {
      answer = Answer.backupCode(r.form("backup_code"));
    } else if (!r.form("response").isEmpty()) {
      answer = Answer.response(FactorId.of(r.form("factor")), r.form("response"));
    } else {
      answer = Answer.code(FactorId.of(r.form("factor")), r.form("code"));
    }
    RememberDevice remember = "on".equals(r.form("remember")) ? RememberDevice.YES : RememberDevice.NO;
    // mfa4j: checks the answer against this user's challenge; at most once, with attempt limits.
    LoginStep step = mfa.login().verify(p.user().ref(), p.challenge(), answer, remember, r.context());
    return next(r, p.user(), step);
  }

  /** The one place that turns mfa4j's answer into the next page. */
  Response next(Request r, DemoUser user, LoginStep step) {
    if (step instanceof LoginStep.Authenticated done) {
      // Signed in. A new session id (the pre-sign-in id is now worthless), and the
      // remembered-device cookie if the user asked for one and the practice allows it.
      r.session = app.sessions.renew(r.session);
      r.session.signIn(user);
      Response home = Response.redirect("/");
      done.rememberedDevice().ifPresent(token ->
          home.cookie(app.cookies.device(token.reveal(), app.rememberFor(user))));
      return home;
    }
    if (step instanceof LoginStep.SecondFactorRequired second) {
      // Password done, second step pending: the session holds only the pending challenge,
      // which grants nothing. Renew the id at this change of privilege too.
      r.session = app.sessions.renew(r.session);
      r.session.pending(new Session.Pending(user, second.challenge(), second));
      return Response.redirect("/signin/verify");
    }
    if (step instanceof LoginStep.EnrollmentRequired enroll) {
      // The practice requires two-factor and this user has none yet: enroll first.
      r.session = app.sessions.renew(r.session);
      r.session.pending(new Session.Pending(user, enroll.challenge(), enroll));
      r.session.flash("Your practice requires two-step verification. Set up a method to continue.");
      return Response.redirect("/account/enroll");
    }
    if (step instanceof LoginStep.PasswordChangeRequired change) {
      // A temporary password from an administrator: a new password before anything else.
      r.session = app.sessions.renew(r.session);
      r.session.pending(new Session.Pending(user, change.challenge(), change));
      return Response.redirect("/account/new-password");
    }
    if (step instanceof LoginStep.Retry retry) {
      // Wrong, reused or expired code: one message for all (the audit log knows which).
      r.session.flash("That code was not accepted. " + retry.attemptsLeft() + " attempts left.");
      return Response.redirect("/signin/verify");
    }
    if (step instanceof LoginStep.Locked locked) {
      return restart(r, "Too many wrong codes. Two-step verification is locked until "
          + Views.time(locked.until()) + ".");
    }
    if (step instanceof LoginStep.Rejected rejected
        && rejected.reason() == LoginStep.Reason.ALREADY_COMPLETE) {
      // A double-click or a second tab: another request already finished this sign-in. Not a
      // failure; the browser that sent the first answer is signed in.
      return restart(r, "This sign-in was already completed. If you are not signed in yet,"
          + " please sign in again.");
    }
    // LoginStep.Rejected: expired, used up, or not this user's. Start again.
    return restart(r, "Your sign-in has expired. Please sign in again.");
  }

  Response signOut(Request r) {
    app.sessions.invalidate(r.session);
    r.session = app.sessions.create();
    r.session.flash("You are signed out.");
    return Response.redirect("/signin");
  }

  // ---- pages ----

  Response form(Request r) {
    if (r.session.user().isPresent()) {
      return Response.redirect("/");
    }
    return formWith(r, null);
  }

  private Response formWith(Request r, String error) {
    String body = (error == null ? "" : "<p class=\"error\" id=\"error\">" + h(error) + "</p>")
        + "<form method=\"post\" action=\"/signin\" id=\"signin-form\">" + Layout.csrf(r)
        + "<label>E-mail <input type=\"email\" name=\"email\" id=\"email\" autocomplete=\"username\""
        + " required value=\"" + h(r.form("email")) + "\"></label>"
        + "<label>Password <input type=\"password\" name=\"password\" id=\"password\""
        + " autocomplete=\"current-password\" required></label>"
        + "<button id=\"signin\">Sign in</button></form>";
    return Response.html(error == null ? 200 : 401, app.layout.page(r, "Sign in", body));
  }

  Response secondStep(Request r) {
    Session.Pending p = pending(r).orElse(null);
    if (p == null || !(p.step() instanceof LoginStep.SecondFactorRequired s)) {
      return Response.redirect("/signin");
    }
    return Response.ok(app.layout.page(r, "Two-step verification",
        Views.secondStep(r, s, r.session.prompt(), !app.rememberFor(p.user()).isZero())));
  }

  private Optional<Session.Pending> pending(Request r) {
    return r.session.pending();
  }

  private Response restart(Request r, String message) {
    r.session.pending(null);
    r.session.flash(message);
    return Response.redirect("/signin");
  }
}
