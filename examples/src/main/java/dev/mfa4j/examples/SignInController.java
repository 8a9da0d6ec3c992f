package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordlessStart;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticeId;
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
 *
 * <p>Or a passkey first, with no e-mail or password typed:
 *
 * <ol>
 *   <li>{@code GET /signin}: each load begins a passwordless ceremony ({@code beginPasswordless})
 *       whose request the page's script hands to the browser's autofill and to the "Sign in with
 *       a passkey" button.
 *   <li>{@code POST /signin/passkey}: the browser's answer: {@code finishPasswordless}. A passkey
 *       that checked it's the person signs in, where the practice allows it; otherwise {@link
 *       LoginStep.PasswordRequired}:
 *   <li>{@code POST /signin/password}: that user's password: {@code completeWithPassword}.
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
    s.post("/signin/passkey", this::passkey);
    s.get("/signin/password", this::passwordAfterPasskeyPage);
    s.post("/signin/password", this::passwordAfterPasskey);
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
      r.session.error("Too many codes were sent. Please wait a little and try again.");
    } catch (DeliveryException e) {
      // The SMS provider did not take the message; the challenge stays usable for a resend.
      r.session.error("We could not send the code. Try again, or pick another method.");
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
      // remembered-device cookie if the user asked for one and the practice allows it. The
      // session keeps mfa4j's record of what proved the user and when, for later changes.
      r.session = app.sessions.renew(r.session);
      r.session.signIn(user, done.assurance());
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
    if (step instanceof LoginStep.PasswordRequired password) {
      // A passkey named the user but is one factor here: ask for that user's password.
      r.session = app.sessions.renew(r.session);
      r.session.pending(new Session.Pending(user, password.challenge(), password));
      return Response.redirect("/signin/password");
    }
    if (step instanceof LoginStep.PasswordChangeRequired change) {
      // A temporary password from an administrator: a new password before anything else.
      r.session = app.sessions.renew(r.session);
      r.session.pending(new Session.Pending(user, change.challenge(), change));
      return Response.redirect("/account/new-password");
    }
    if (step instanceof LoginStep.Retry retry) {
      if (r.session.pending().map(p -> p.step() instanceof LoginStep.PasswordRequired)
          .orElse(false)) {
        r.session.error("That password is not right. " + retry.attemptsLeft()
            + " attempts left.");
        return Response.redirect("/signin/password");
      }
      // Wrong, reused or expired code: one message for all (the audit log knows which).
      r.session.error("That code was not accepted. " + retry.attemptsLeft() + " attempts left.");
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
      r.session.pending(null);
      r.session.flash("This sign-in was already completed. If you are not signed in yet,"
          + " please sign in again.");
      return Response.redirect("/signin");
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
    if (error != null) {
      r.session.error(error);
    }
    // "username webauthn": the browser offers the user's passkeys in the e-mail field's
    // autofill, answering the passwordless request below.
    String body = "<form method=\"post\" action=\"/signin\" id=\"signin-form\">" + Layout.csrf(r)
        + "<label>E-mail <input type=\"email\" name=\"email\" id=\"email\""
        + " autocomplete=\"username webauthn\" required value=\"" + h(r.form("email"))
        + "\"></label>"
        + "<label>Password <input type=\"password\" name=\"password\" id=\"password\""
        + " autocomplete=\"current-password\" required></label>"
        + "<button id=\"signin\">Sign in</button></form>" + passkeySection(r);
    return Response.html(error == null ? 200 : 401, app.layout.page(r, "Sign in", body));
  }

  /**
   * The practice whose sign-in page this is. A practice's own address would say it (its own host
   * name, say); the demo takes {@code ?practice=} and otherwise the seeded practice.
   */
  private PracticeId practiceOf(Request r) {
    String asked = r.query("practice");
    if (!asked.isEmpty() && app.users.practiceName(asked).isPresent()) {
      return PracticeId.of(asked);
    }
    return r.session.passwordless().map(Session.Passwordless::practice)
        .orElse(PracticeId.of(DemoApp.PRACTICE));
  }

  /** A new passkey request for this page load, and the button that uses it. */
  private String passkeySection(Request r) {
    PracticeId practice = practiceOf(r);
    PasswordlessStart start;
    try {
      // mfa4j: a passkey sign-in where nobody is identified yet; the ceremony id stays here.
      start = mfa.login().beginPasswordless(practice, r.context());
    } catch (PolicyViolationException noPasskeys) {
      r.session.passwordless(null);
      return ""; // the practice allows no passkeys
    }
    r.session.passwordless(new Session.Passwordless(practice, start.ceremony()));
    return "<div class=\"passkey-signin\"><p class=\"or\">or</p>"
        + Views.jsonBlock("passwordless-request", start.prompt().clientJson().orElseThrow())
        + "<form method=\"post\" action=\"/signin/passkey\" id=\"passkey-signin\">"
        + Layout.csrf(r) + "<input type=\"hidden\" name=\"response\" class=\"passkey-response\">"
        + "<button type=\"button\" class=\"passkey-go secondary\" id=\"passkey-signin-go\">"
        + "Sign in with a passkey</button>"
        + "<p class=\"error passkey-error\" hidden></p></form>"
        + "<p class=\"muted small\">A passkey is kept by your phone, computer or password"
        + " manager and unlocked with your fingerprint, face or screen lock.</p></div>";
  }

  /** The browser's answer to the page's passkey request: a passkey first, no password yet. */
  Response passkey(Request r) {
    Session.Passwordless started = r.session.passwordless().orElse(null);
    if (started == null || r.form("response").isEmpty()) {
      return formWith(r, "That sign-in has expired. Please try again.");
    }
    r.session.passwordless(null); // one answer per ceremony
    PracticeId practice = started.practice();
    String response = r.form("response");
    // mfa4j: finds the passkey's owner through the host's directory and decides, as at the
    // second step: signed in, the password still to give, locked, or refused.
    LoginStep step = mfa.login().finishPasswordless(practice, started.ceremony(), response,
        id -> app.users.find(practice.value(), id.value()).map(DemoUser::ref),
        RememberDevice.NO, r.context());
    if (step instanceof LoginStep.Authenticated done) {
      return next(r, userOf(done.user()), step);
    }
    if (step instanceof LoginStep.PasswordRequired password) {
      return next(r, userOf(password.user()), step);
    }
    if (step instanceof LoginStep.Locked locked) {
      return formWith(r, "Too many failed attempts. Signing in is locked until "
          + Views.time(locked.until()) + ".");
    }
    if (step instanceof LoginStep.Rejected rejected
        && rejected.reason() == LoginStep.Reason.UNKNOWN_CREDENTIAL) {
      // mfa4j: the page tells the browser's passkey manager to forget that passkey, where the
      // browser supports it (the WebAuthn Signal API).
      app.passkeys.unknownCredentialSignal(response)
          .ifPresent(signal -> r.session.signals(java.util.List.of(signal)));
      return formWith(r, "That passkey is no longer registered here; it may have been removed."
          + " Sign in with your e-mail and password. You can then add a new passkey.");
    }
    return formWith(r, "That passkey did not sign you in. Please try again, or use your e-mail"
        + " and password.");
  }

  private DemoUser userOf(UserRef ref) {
    return app.users.find(ref.practice().value(), ref.user().value()).orElseThrow();
  }

  /** After a passkey that is one factor here: the password of the user it named. */
  Response passwordAfterPasskeyPage(Request r) {
    Session.Pending p = pending(r).filter(x -> x.step() instanceof LoginStep.PasswordRequired)
        .orElse(null);
    if (p == null) {
      return Response.redirect("/signin");
    }
    boolean remember = !app.rememberFor(p.user()).isZero();
    return Response.ok(app.layout.page(r, "Enter your password to finish signing in",
        "<p id=\"password-why\">Your passkey was accepted. Your practice also asks for your"
            + " password.</p><form method=\"post\" action=\"/signin/password\""
            + " id=\"password-after-passkey\">" + Layout.csrf(r)
            + "<label>E-mail <input type=\"email\" name=\"email\" id=\"email\" readonly"
            + " autocomplete=\"username\" value=\"" + h(p.user().email()) + "\"></label>"
            + "<label>Password <input type=\"password\" name=\"password\" id=\"password\""
            + " autocomplete=\"current-password\" required autofocus></label>"
            + (remember ? "<label class=\"check\"><input type=\"checkbox\" name=\"remember\""
                + " class=\"remember\"> Remember this device</label>" : "")
            + "<button id=\"finish-signin\">Sign in</button></form>"
            + "<p><a href=\"/signin\">Start again</a></p>"));
  }

  Response passwordAfterPasskey(Request r) {
    Session.Pending p = pending(r).filter(x -> x.step() instanceof LoginStep.PasswordRequired)
        .orElse(null);
    if (p == null) {
      return restart(r, "Your sign-in has expired. Please sign in again.");
    }
    RememberDevice remember = "on".equals(r.form("remember")) ? RememberDevice.YES : RememberDevice.NO;
    try {
      // mfa4j: checks this user's password for the sign-in the passkey began; a wrong one counts
      // like a wrong code.
      LoginStep step = mfa.login().completeWithPassword(p.user().ref(), p.challenge(),
          Password.of(r.form("password")), remember, r.context());
      return next(r, p.user(), step);
    } catch (RateLimitedException e) {
      r.session.error("Too many sign-in attempts. Please wait a few minutes and try again.");
      return Response.redirect("/signin/password");
    }
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
    r.session.error(message);
    return Response.redirect("/signin");
  }
}
