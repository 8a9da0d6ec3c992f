package dev.mfa4j.examples;

import dev.mfa4j.Assurance;
import dev.mfa4j.DeviceToken;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spring.security.MfaAuthorities;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Component;

/**
 * The sign-in as Spring Security and mfa4j see it together: the one place that turns mfa4j's
 * {@link LoginStep}s into the session's state, the authentication's factor authorities and the
 * next page.
 *
 * <ol>
 *   <li>Spring Security's form login checks the password ({@link PasswordSignIn}): the
 *       authentication then holds {@code FACTOR_PASSWORD} only, which opens no page, since every
 *       rule also requires {@link MfaAuthorities#SIGN_IN_COMPLETE}.
 *   <li>{@link #afterPassword}: mfa4j's {@code afterPrimary} says what comes next; {@link #next}
 *       turns it into a page (second step, enrollment the practice requires, a new password).
 *   <li>{@link #signedIn}: the sign-in is complete. The authentication gets the factor
 *       authorities of mfa4j's assurance record ({@link MfaAuthorities#of}), each issued when
 *       its proof was given, under a new session id; Spring Security's rules with a maximum age
 *       ({@code RequiredFactor.validDuration}) then ask for a step-up when a proof grows old.
 * </ol>
 *
 * <p>The demo drives the engine with its own pages rather than through the starter's pages and
 * {@code MfaFlow}: the second way a host can take (docs/architecture.md, change 24). A host
 * content with mfa4j's pages under {@code /mfa4j/**} needs none of this class.
 */
@Component
final class SignInFlow {
  static final String DEVICE_COOKIE = "mfa4j_device";

  private final MfaEngine mfa;
  private final MfaStore store;
  private final PracticePolicy defaultPolicy;
  private final UserDirectory users;
  private final Clock clock;
  private final DemoConfig config;
  private final SecurityContextRepository contexts;
  private final RequestCache requests;
  private final SessionRegistry sessions;
  private final SecurityContextHolderStrategy holder =
      SecurityContextHolder.getContextHolderStrategy();

  SignInFlow(MfaEngine mfa, MfaStore store, PracticePolicy defaultPolicy, UserDirectory users,
      Clock clock, DemoConfig config, SecurityContextRepository contexts, RequestCache requests,
      SessionRegistry sessions) {
    this.mfa = mfa;
    this.store = store;
    this.defaultPolicy = defaultPolicy;
    this.users = users;
    this.clock = clock;
    this.config = config;
    this.contexts = contexts;
    this.requests = requests;
    this.sessions = sessions;
  }

  /** The practice's policy as mfa4j applies it. */
  PracticePolicy policy(String practice) {
    return store.policies().find(PracticeId.of(practice)).orElse(defaultPolicy);
  }

  /** The request as mfa4j sees it: address, browser, and the remembered-device cookie. */
  RequestContext context(HttpServletRequest request) {
    ClientInfo client = ClientInfo.of(request);
    RequestContext ctx = new RequestContext(client.ip(), client.userAgent(), Optional.empty());
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (DEVICE_COOKIE.equals(c.getName())) {
          try {
            ctx = ctx.withDeviceToken(DeviceToken.of(c.getValue()));
          } catch (InvalidInputException e) {
            // a malformed cookie is no remembered device
          }
        }
      }
    }
    return ctx;
  }

  /** The fully signed-in user of this request, if any. */
  Optional<DemoUser> signedInUser() {
    Authentication auth = holder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof DemoUser u)
        || auth.getAuthorities().stream()
            .noneMatch(a -> MfaAuthorities.SIGN_IN_COMPLETE.equals(a.getAuthority()))) {
      return Optional.empty();
    }
    return Optional.of(u);
  }

  /** The signed-in user's assurance record, if this session has one for them. */
  Optional<Assurance> assurance(HttpServletRequest request) {
    Optional<DemoUser> user = signedInUser();
    return user.flatMap(u -> SessionState.find(request).flatMap(SessionState::signedIn)
        .map(SessionState.SignedIn::assurance)
        .filter(a -> a.user().user().value().equals(u.id())
            && a.user().practice().value().equals(u.practice())));
  }

  /**
   * The pending sign-in of this browser, if it is the user's who holds the password step (or,
   * after a passkey, of nobody signed in yet).
   */
  Optional<SessionState.Pending> pending(HttpServletRequest request) {
    Authentication auth = holder.getContext().getAuthentication();
    return SessionState.find(request).flatMap(SessionState::pending)
        .filter(p -> auth == null || !(auth.getPrincipal() instanceof DemoUser u)
            || u.same(p.user()));
  }

  // ---- 1. the password: Spring Security's form login, then mfa4j ----

  /** Spring Security accepted the password: mfa4j decides what comes next. */
  void afterPassword(HttpServletRequest request, HttpServletResponse response,
      Authentication authentication) throws IOException {
    DemoUser user = (DemoUser) authentication.getPrincipal();
    SessionState state = SessionState.of(request);
    state.reset();
    // Only the password counts so far, whatever another sign-in left in this session.
    setAuthentication(request, response, user, List.of(passwordFactor(clock.instant())));
    // mfa4j: the password was right; the remembered-device cookie, IP address and browser
    // travel in the RequestContext. A temporary password yields PasswordChangeRequired.
    LoginStep step = mfa.login().afterPrimary(user.ref(), context(request));
    go(request, response, next(request, response, user, step));
  }

  /** Spring Security refused the password: one message for a wrong e-mail or password. */
  void passwordRefused(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException e) throws IOException {
    Notice notice;
    if (e instanceof PasswordSignIn.Throttled t) {
      notice = Notice.error("Too many sign-in attempts. Please wait " + Words.wait(clock.instant(),
          t.retryAfter()) + " and try again.");
    } else if (e instanceof PasswordSignIn.Expired) {
      notice = Notice.error("That temporary password has expired. Ask your administrator for a"
          + " new one.");
    } else {
      notice = Notice.error("The e-mail address or password is not right.");
    }
    String email = request.getParameter("email");
    String back = "/signin" + (email == null || email.isBlank() ? ""
        : "?email=" + java.net.URLEncoder.encode(email.strip(),
            java.nio.charset.StandardCharsets.UTF_8));
    Flash.redirect(request, response, back, notice);
  }

  // ---- the one place that turns a LoginStep into the next page ----

  /**
   * Where {@code step} leads, with the session's state updated. Returns a path to redirect to;
   * a {@link Notice} for that page is in the flash.
   */
  String next(HttpServletRequest request, HttpServletResponse response, DemoUser user,
      LoginStep step) throws IOException {
    SessionState state = SessionState.of(request);
    if (step instanceof LoginStep.Authenticated done) {
      signedIn(request, response, user, done);
      return savedRequestOr(request, response, "/");
    }
    if (step instanceof LoginStep.SecondFactorRequired second) {
      state.pending(new SessionState.Pending(user, second.challenge(), second));
      return "/signin/verify";
    }
    if (step instanceof LoginStep.EnrollmentRequired enroll) {
      state.pending(new SessionState.Pending(user, enroll.challenge(), enroll));
      return "/signin/enroll";
    }
    if (step instanceof LoginStep.PasswordChangeRequired change) {
      state.pending(new SessionState.Pending(user, change.challenge(), change));
      return "/signin/new-password";
    }
    if (step instanceof LoginStep.PasswordRequired password) {
      // A passkey named the user but is one factor here: that user's password too.
      state.pending(new SessionState.Pending(user, password.challenge(), password));
      return "/signin/password";
    }
    if (step instanceof LoginStep.Retry retry) {
      boolean password = state.pending()
          .map(p -> p.step() instanceof LoginStep.PasswordRequired).orElse(false);
      // Wrong, reused or expired code: one message for all (the audit log knows which).
      flash(request, Notice.error((password ? "That password is not right. "
          : "That code was not accepted. ") + attempts(retry.attemptsLeft())));
      return password ? "/signin/password" : "/signin/verify";
    }
    if (step instanceof LoginStep.Locked locked) {
      signOut(request, response);
      flash(request, Notice.error("Too many failed attempts. Signing in is locked until ",
          locked.until(), "."));
      return "/signin";
    }
    if (step instanceof LoginStep.Rejected rejected
        && rejected.reason() == LoginStep.Reason.ALREADY_COMPLETE) {
      // A double-click or a second tab finished this sign-in already.
      if (signedInUser().filter(user::same).isPresent()) {
        return "/";
      }
      signOut(request, response);
      flash(request, Notice.ok("This sign-in was already completed. If you are not signed in,"
          + " please sign in again."));
      return "/signin";
    }
    // Rejected: expired, used up, or not this user's. Start again.
    signOut(request, response);
    flash(request, Notice.error("Your sign-in has expired. Please sign in again."));
    return "/signin";
  }

  private static String attempts(int left) {
    return left == 1 ? "1 attempt left." : left + " attempts left.";
  }

  /**
   * The sign-in is complete: the authentication gets the factor authorities of mfa4j's
   * assurance record, under a new session id, and the browser the remembered-device cookie if
   * the user asked for one and the practice allows it.
   */
  void signedIn(HttpServletRequest request, HttpServletResponse response, DemoUser user,
      LoginStep.Authenticated done) {
    Instant now = clock.instant();
    SessionState state = SessionState.of(request);
    // a change of privilege: the session id before it is worthless after it
    request.changeSessionId();
    state.signedIn(new SessionState.SignedIn(done.assurance(), now));
    setAuthentication(request, response, user, authorities(done.assurance(), now));
    // so that a password change or reset elsewhere can end this session
    sessions.registerNewSession(request.getSession().getId(), user);
    done.rememberedDevice().ifPresent(token -> response.addHeader(HttpHeaders.SET_COOKIE,
        ResponseCookie.from(DEVICE_COOKIE, token.reveal())
            .httpOnly(true)
            .secure(config.secure())
            .sameSite("Strict")
            .path("/")
            .maxAge(policy(user.practice()).rememberDevice())
            .build().toString()));
  }

  /** A step-up added a proof: the same sign-in, with the new record and a new session id. */
  void steppedUp(HttpServletRequest request, HttpServletResponse response, DemoUser user,
      Assurance assurance) {
    SessionState state = SessionState.of(request);
    Instant signedInAt = state.signedIn().map(SessionState.SignedIn::at)
        .orElse(clock.instant());
    request.changeSessionId();
    state.signedIn(new SessionState.SignedIn(assurance, signedInAt));
    setAuthentication(request, response, user, authorities(assurance, signedInAt));
  }

  /** The signed-in user's new name (the same authorities, a new principal). */
  void renamed(HttpServletRequest request, HttpServletResponse response, DemoUser user) {
    Authentication current = holder.getContext().getAuthentication();
    setAuthentication(request, response, user, List.copyOf(current.getAuthorities()));
  }

  /**
   * mfa4j's factor authorities of a record ({@code FACTOR_MFA4J}, {@code FACTOR_TOTP}, {@code
   * FACTOR_MFA4J_SECOND} …), Spring Security's {@code FACTOR_PASSWORD} when the password was
   * given, each issued when its proof was given, and the user's role.
   */
  private static List<GrantedAuthority> authorities(Assurance assurance, Instant signedInAt) {
    List<GrantedAuthority> out = new ArrayList<>(MfaAuthorities.of(assurance, signedInAt));
    assurance.passwordAt().ifPresent(t -> out.add(passwordFactor(t)));
    return out;
  }

  private static GrantedAuthority passwordFactor(Instant at) {
    return FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY)
        .issuedAt(at).build();
  }

  private void setAuthentication(HttpServletRequest request, HttpServletResponse response,
      DemoUser user, List<GrantedAuthority> factors) {
    List<GrantedAuthority> all = new ArrayList<>(factors);
    all.removeIf(a -> a.getAuthority().startsWith("ROLE_"));
    all.add(new SimpleGrantedAuthority(user.authority()));
    UsernamePasswordAuthenticationToken token =
        UsernamePasswordAuthenticationToken.authenticated(user, null, all);
    token.setDetails(ClientInfo.of(request));
    SecurityContext context = holder.createEmptyContext();
    context.setAuthentication(token);
    holder.setContext(context);
    contexts.saveContext(context, request, response);
  }

  /** Ends this browser's sign-in: Spring Security's context and the session. */
  void signOut(HttpServletRequest request, HttpServletResponse response) {
    new SecurityContextLogoutHandler().logout(request, response,
        holder.getContext().getAuthentication());
  }

  private String savedRequestOr(HttpServletRequest request, HttpServletResponse response,
      String fallback) {
    SavedRequest saved = requests.getRequest(request, response);
    if (saved == null) {
      return fallback;
    }
    requests.removeRequest(request, response);
    String url = saved.getRedirectUrl();
    // only ever back into this site
    String origin = request.getScheme() + "://" + request.getServerName() + ":"
        + request.getServerPort();
    return url.startsWith(origin + "/") ? url.substring(origin.length()) : fallback;
  }

  // ---- where a sign-in stands ----

  /**
   * Spring Security's entry point for a principal without {@link
   * MfaAuthorities#SIGN_IN_COMPLETE}: the page where the sign-in stands.
   */
  void toSignInStep(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException e) throws IOException {
    go(request, response, where(request, response));
  }

  String where(HttpServletRequest request, HttpServletResponse response) {
    Optional<SessionState.Pending> p = pending(request);
    if (p.isPresent()) {
      LoginStep step = p.get().step();
      if (step instanceof LoginStep.SecondFactorRequired) {
        return "/signin/verify";
      }
      if (step instanceof LoginStep.EnrollmentRequired) {
        return "/signin/enroll";
      }
      if (step instanceof LoginStep.PasswordChangeRequired) {
        return "/signin/new-password";
      }
      if (step instanceof LoginStep.PasswordRequired) {
        return "/signin/password";
      }
    }
    signOut(request, response);
    return "/signin";
  }

  /** The rest of the request's flash, for the page after a redirect from a filter. */
  private static void flash(HttpServletRequest request, Notice notice) {
    request.setAttribute(Flash.NOTICE, notice);
  }

  /**
   * Redirects to {@code path}, carrying the notice that {@link #next} left on the request. Used
   * where no Spring MVC controller answers (Spring Security's handlers).
   */
  static void go(HttpServletRequest request, HttpServletResponse response, String path)
      throws IOException {
    Object notice = request.getAttribute(Flash.NOTICE);
    if (notice instanceof Notice n) {
      Flash.redirect(request, response, path, n);
    } else {
      response.sendRedirect(request.getContextPath() + path);
    }
  }

  /** How long "remember this device" lasts for this user's practice (zero: not offered). */
  Duration rememberFor(DemoUser user) {
    return policy(user.practice()).rememberDevice();
  }

  /** A user of the host's directory, by mfa4j's reference. */
  Optional<DemoUser> user(UserRef ref) {
    return users.find(ref.practice().value(), ref.user().value());
  }
}
