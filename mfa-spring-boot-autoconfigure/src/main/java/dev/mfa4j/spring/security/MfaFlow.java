package dev.mfa4j.spring.security;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Answer;
import dev.mfa4j.Assurance;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.DeviceToken;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.MfaException;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PasswordlessStart;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.StepUpRequiredException;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spring.boot.MfaMetrics;
import dev.mfa4j.totp.TotpFactor;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * mfa4j's sign-in steps in a servlet application secured by Spring Security: the one place that
 * turns the engine's {@link LoginStep}s into session state, factor authorities and the next page.
 * mfa4j's pages ({@link MfaPageController}) and JSON API ({@link MfaApiController}) drive its
 * steps, which are not public API.
 *
 * <p>An application gives the pages its own look by overriding the Thymeleaf templates {@code
 * mfa4j/*.html} (its own {@code templates/mfa4j/verify.html} and so on, ahead of this jar's on the
 * class path), using the same model attributes; the module's README lists those of each template.
 * A single-page application uses the JSON API under {@code /mfa4j/api}. An application that wants
 * a wholly different flow turns mfa4j's web integration off ({@code mfa4j.web.enabled=false}),
 * drives {@link MfaEngine#login()} itself and grants the authorities of {@link MfaAuthorities}
 * ({@link MfaAuthorities#of}) to the principal once the engine says the sign-in is complete.
 *
 * <p>Its public methods serve the application's own security pages: {@link
 * #account(HttpServletRequest)}, {@link #assurance(HttpServletRequest)} and {@link
 * #requestContext(HttpServletRequest)}.
 *
 * <p>What it keeps in the HTTP session (challenge and ceremony ids, the assurance record) never
 * leaves the server. At every change of privilege — the second step done, a step-up, a new
 * sign-in — it issues a new session id. Every call checks that the session's mfa4j state belongs
 * to the signed-in principal.
 */
public final class MfaFlow {
  /** Where the user goes next. */
  public enum Next {
    /** Signed in: go to {@link Result#redirect()}. */
    SIGNED_IN,
    /** The second step (or the same one again, with a message). */
    SECOND_FACTOR,
    /** Enrollment of a first factor, which the practice requires. */
    ENROLLMENT,
    /** A new password, before anything else. */
    PASSWORD_CHANGE,
    /** Locked after too many failures, until {@link Result#until()}. */
    LOCKED,
    /** A step-up (fresh proof of a factor) for the saved request. */
    STEP_UP,
    /** The sign-in is over: sign in again. */
    SIGN_IN_AGAIN,
    /**
     * A passkey named the user but cannot sign them in alone: the password of that user, then
     * {@code LoginFlow.completeWithPassword}.
     */
    PASSKEY_PASSWORD
  }

  /**
   * The outcome of a call.
   *
   * @param next where to go
   * @param redirect the URL to go to when signed in (the saved request, or the default)
   * @param message what to tell the user, if anything (never a secret)
   * @param until the end of a lock, if locked
   * @param retryAfter when a throttled request (a code sent too often) may be made again
   * @param signal what to tell the browser's passkey manager (a passkey this site does not know)
   */
  public record Result(Next next, String redirect, Optional<String> message,
      Optional<Instant> until, Optional<Instant> retryAfter, Optional<ClientSignal> signal) {
    /** Checks for nulls. */
    public Result {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(redirect, "redirect");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(until, "until");
      Objects.requireNonNull(retryAfter, "retryAfter");
      Objects.requireNonNull(signal, "signal");
    }

    /** A result with no throttle and no signal. */
    public Result(Next next, String redirect, Optional<String> message, Optional<Instant> until) {
      this(next, redirect, message, until, Optional.empty(), Optional.empty());
    }
  }

  /**
   * The session attribute holding the signed-in user's {@link Assurance} record as its {@link
   * Assurance#token()} (a string; read it back with {@code mfa.stepUp().restore(token)}, or with
   * {@link #assurance(HttpServletRequest)}). Set when mfa4j completes a sign-in and after every
   * step-up, removed when the sign-in ends.
   */
  public static final String ASSURANCE_ATTRIBUTE = "dev.mfa4j.assurance";

  /**
   * The form field of mfa4j's password prompt: a change re-posted with it is confirmed with that
   * password (see {@link #account(HttpServletRequest)}).
   */
  public static final String PASSWORD_PARAMETER = "mfa4j-password";

  /** The same for a JSON client: the password in this request header. */
  public static final String PASSWORD_HEADER = "X-MFA4J-Password";

  private static final String NOT_ACCEPTED = "That code was not accepted.";

  private final MfaEngine mfa;
  private final MfaUserResolver users;
  private final Optional<MfaMetrics> metrics;
  private final Settings settings;
  private final SecurityContextRepository contexts;
  private final RequestCache requests;
  private final SecurityContextHolderStrategy holder =
      SecurityContextHolder.getContextHolderStrategy();
  private final Function<PracticeId, PracticePolicy> policies;
  private final Optional<MfaPrincipalLookup> principals;
  private final Function<String, Optional<ClientSignal>> unknownCredentials;

  /**
   * Web settings of the flow.
   *
   * @param defaultSuccessUrl where to go after the second step when no request was saved
   * @param loginUrl where a sign-in that must start again goes
   * @param deviceCookieName the remembered-device cookie
   * @param sameSite its SameSite attribute ({@code Lax} or {@code Strict})
   * @param rememberFor its lifetime
   * @param primaryFactors the authorities that mean "the password was checked"
   */
  public record Settings(String defaultSuccessUrl, String loginUrl, String deviceCookieName,
      String sameSite, Duration rememberFor, Set<String> primaryFactors) {
    /** Checks the values. */
    public Settings {
      Objects.requireNonNull(defaultSuccessUrl, "defaultSuccessUrl");
      Objects.requireNonNull(loginUrl, "loginUrl");
      Objects.requireNonNull(deviceCookieName, "deviceCookieName");
      Objects.requireNonNull(rememberFor, "rememberFor");
      primaryFactors = Set.copyOf(primaryFactors);
      if (!sameSite.equals("Lax") && !sameSite.equals("Strict")) {
        throw new IllegalArgumentException("the device cookie's SameSite must be Lax or Strict");
      }
    }
  }

  /**
   * A flow over the engine. The security context is saved in the HTTP session, and requests are
   * saved and restored as Spring Security's defaults do.
   */
  public MfaFlow(MfaEngine mfa, MfaUserResolver users, Optional<MfaMetrics> metrics,
      Settings settings) {
    this(mfa, users, metrics, settings, p -> null, Optional.empty(), r -> Optional.empty());
  }

  private MfaFlow(MfaEngine mfa, MfaUserResolver users, Optional<MfaMetrics> metrics,
      Settings settings, Function<PracticeId, PracticePolicy> policies,
      Optional<MfaPrincipalLookup> principals,
      Function<String, Optional<ClientSignal>> unknownCredentials) {
    this.mfa = Objects.requireNonNull(mfa, "mfa");
    this.users = Objects.requireNonNull(users, "users");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.contexts = new HttpSessionSecurityContextRepository();
    this.requests = new HttpSessionRequestCache();
    this.policies = Objects.requireNonNull(policies, "policies");
    this.principals = Objects.requireNonNull(principals, "principals");
    this.unknownCredentials = Objects.requireNonNull(unknownCredentials, "unknownCredentials");
  }

  /**
   * This flow with the practices' policies (the engine's store, else the default): the
   * remembered-device cookie then lasts as long as the user's practice remembers a device, and
   * "remember this browser" is offered only where the practice allows it. Without it, {@link
   * Settings#rememberFor()} applies to everyone.
   *
   * @param policies the policy of a practice; null for the settings' default
   */
  public MfaFlow withPolicies(Function<PracticeId, PracticePolicy> policies) {
    return new MfaFlow(mfa, users, metrics, settings, policies, principals, unknownCredentials);
  }

  /**
   * This flow with sign-in that starts with a passkey (the passwordless endpoints).
   *
   * @param principals the principal of the user a passkey names
   * @param unknownCredentials the browser signal for a passkey this site does not know ({@code
   *     PasskeyFactor::unknownCredentialSignal})
   */
  public MfaFlow withPasskeySignIn(MfaPrincipalLookup principals,
      Function<String, Optional<ClientSignal>> unknownCredentials) {
    return new MfaFlow(mfa, users, metrics, settings, policies,
        Optional.of(Objects.requireNonNull(principals, "principals")), unknownCredentials);
  }

  Settings settings() {
    return settings;
  }

  MfaUserResolver users() {
    return users;
  }

  java.time.Clock clock() {
    return mfa.clock();
  }

  // ---- the password step ----

  /**
   * The host's authentication checked the password of {@code user}: asks the engine what comes
   * next and records it in a new session. Called by mfa4j's filter.
   */
  void afterPrimary(HttpServletRequest request, HttpServletResponse response, UserRef user,
      long primaryAt) {
    HttpSession session = request.getSession();
    MfaState.remove(session);
    MfaState state = new MfaState(user, primaryAt);
    LoginStep step = signIn(() -> mfa.login().afterPrimary(user, context(request)));
    // password done, second step pending (or done): a change of privilege
    request.changeSessionId();
    apply(request, response, state, step);
  }

  // ---- the second step ----

  /** The session's mfa4j state for the signed-in principal, if any. */
  Optional<MfaState> state(HttpServletRequest request) {
    Authentication auth = holder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated()) {
      return Optional.empty();
    }
    Optional<MfaState> state = MfaState.in(request.getSession(false));
    if (state.isEmpty()) {
      return state;
    }
    Optional<UserRef> user = users.resolve(auth);
    return user.isPresent() && state.get().isFor(user.get()) ? state : Optional.empty();
  }

  /**
   * Sends a code or returns the passkey request for a factor the user picked on the second step
   * or a step-up.
   *
   * @return the prompt, or empty with a message in the state (throttled, not sent)
   */
  Optional<Prompt> prompt(HttpServletRequest request, String factor, String channel) {
    MfaState s = state(request).orElse(null);
    if (s == null) {
      return Optional.empty();
    }
    Map<String, String> params = channel == null || channel.isBlank()
        ? Map.of() : Map.of("channel", channel.strip().toUpperCase(Locale.ROOT));
    try {
      FactorId id = FactorId.of(factor);
      Prompt p;
      if (s.signedIn() && s.stepUpChallenge != null) {
        p = mfa.stepUp().prompt(s.user(), ChallengeId.of(s.stepUpChallenge), id, params,
            context(request));
      } else if (s.stage == MfaState.Stage.SECOND_FACTOR) {
        p = mfa.login().prompt(s.user(), ChallengeId.of(s.challenge), id, params,
            context(request));
      } else {
        return Optional.empty();
      }
      s.promptFactor = id.value();
      s.promptJson = p.clientJson().orElse(null);
      s.promptDisplay = new LinkedHashMap<>(p.display());
      s.save(request.getSession());
      return Optional.of(p);
    } catch (RateLimitedException e) {
      s.message = throttled(e, s, "Too many codes were sent.");
    } catch (InvalidInputException e) {
      s.message = "That method cannot be used now. Please pick another.";
    } catch (MfaException e) {
      // the text or call provider did not take the message; the challenge stays open
      s.message = "We could not send the code. Try again, or pick another method.";
    }
    s.save(request.getSession());
    return Optional.empty();
  }

  /**
   * Checks an answer to the second step of the sign-in: a code for {@code factor}, a backup code,
   * or a passkey's response.
   */
  Result verify(HttpServletRequest request, HttpServletResponse response, String factor,
      String code, String backupCode, String passkeyResponse, boolean remember) {
    MfaState s = state(request).orElse(null);
    if (s == null || s.stage != MfaState.Stage.SECOND_FACTOR) {
      return where(request, response, s);
    }
    Answer answer;
    try {
      answer = answer(factor, code, backupCode, passkeyResponse);
    } catch (InvalidInputException e) {
      s.message = NOT_ACCEPTED;
      s.save(request.getSession());
      return where(request, response, s);
    }
    String kind = kindOf(s.methods, answer);
    UserRef user = s.user();
    ChallengeId challenge = ChallengeId.of(s.challenge);
    LoginStep step = verification(kind, () -> signIn(() -> mfa.login().verify(user, challenge,
        answer, remember ? RememberDevice.YES : RememberDevice.NO, context(request))));
    return apply(request, response, s, step);
  }

  /** Starts (or resumes) a step-up of the signed-in user for the authorities {@code required}. */
  Result beginStepUp(HttpServletRequest request, HttpServletResponse response) {
    MfaState s = state(request).orElse(null);
    if (s == null || !s.signedIn()) {
      return where(request, response, s);
    }
    Instant now = mfa.clock().instant();
    if (s.stepUpChallenge != null && s.stepUpExpiresAt != null && now.isBefore(s.stepUpExpiresAt)) {
      return result(request, response, Next.STEP_UP, s);
    }
    s.clearStepUp();
    Assurance assurance = mfa.stepUp().restore(s.assurance).orElse(null);
    if (assurance == null) {
      return signInAgain(request, response, s, "Please sign in again.");
    }
    try {
      LoginStep step = mfa.stepUp().begin(s.user(), assurance,
          s.stepUpAction != null ? s.stepUpAction : action(s.stepUpFor), context(request));
      if (step instanceof LoginStep.SecondFactorRequired r) {
        s.stepUpChallenge = r.challenge().reveal();
        s.stepUpExpiresAt = r.expiresAt();
        s.stepUpMethods = methods(r, s.stepUpFor);
        s.stepUpBackupCodes = allows(s.stepUpFor, FactorKind.BACKUP_CODE)
            ? r.backupCodesRemaining() : 0;
      } else if (step instanceof LoginStep.Locked l) {
        s.message = "Too many wrong codes. Please try again after " + l.until() + ".";
      }
    } catch (PolicyViolationException e) {
      s.message = "This needs a second factor, and your account has none the practice allows.";
    }
    s.save(request.getSession());
    return result(request, response, Next.STEP_UP, s);
  }

  /** Checks an answer to a step-up. */
  Result verifyStepUp(HttpServletRequest request, HttpServletResponse response, String factor,
      String code, String backupCode, String passkeyResponse) {
    MfaState s = state(request).orElse(null);
    if (s == null || !s.signedIn() || s.stepUpChallenge == null) {
      return where(request, response, s);
    }
    Answer answer;
    try {
      answer = answer(factor, code, backupCode, passkeyResponse);
    } catch (InvalidInputException e) {
      s.message = NOT_ACCEPTED;
      s.save(request.getSession());
      return result(request, response, Next.STEP_UP, s);
    }
    UserRef user = s.user();
    ChallengeId challenge = ChallengeId.of(s.stepUpChallenge);
    LoginStep step = verification(kindOf(s.stepUpMethods, answer),
        () -> mfa.stepUp().verify(user, challenge, answer, context(request)));
    if (step instanceof LoginStep.Authenticated a) {
      return complete(request, response, s, a);
    }
    if (step instanceof LoginStep.Retry r) {
      s.message = NOT_ACCEPTED + " " + r.attemptsLeft() + " attempts left.";
    } else if (step instanceof LoginStep.Locked l) {
      s.clearStepUp();
      s.message = "Too many wrong codes. Please try again after " + l.until() + ".";
    } else {
      s.clearStepUp();
      s.message = "That check has expired. Please try again.";
    }
    s.save(request.getSession());
    return result(request, response, Next.STEP_UP, s);
  }

  // ---- forced enrollment ----

  /**
   * Begins enrolling a first factor during a sign-in that requires one. The password is asked
   * again: the engine confirms it before binding a factor.
   */
  Result beginEnrollment(HttpServletRequest request, HttpServletResponse response, String kind,
      String label, String password, String phone, String channel) {
    MfaState s = state(request).orElse(null);
    if (s == null || s.stage != MfaState.Stage.ENROLLMENT) {
      return where(request, response, s);
    }
    Authentication auth = holder.getContext().getAuthentication();
    try {
      FactorKind k = FactorKind.of(kind == null ? "" : kind.strip());
      if (!s.allowedKinds.contains(k.id())) {
        throw new PolicyViolationException("not allowed");
      }
      Map<String, String> params = new HashMap<>();
      if (k.equals(FactorKind.TOTP)) {
        params.put(TotpFactor.PARAM_ACCOUNT, auth.getName());
      } else if (k.equals(FactorKind.PASSKEY)) {
        params.putAll(EnrollmentViews.passkeyParameters(auth.getName()));
      } else if (k.equals(FactorKind.PHONE)) {
        params.put("phone", phone == null ? "" : phone);
        params.put("channel", channel == null || channel.isBlank() ? "SMS"
            : channel.strip().toUpperCase(Locale.ROOT));
      }
      String name = label == null || label.isBlank() ? EnrollmentViews.defaultLabel(k) : label;
      EnrollmentStart start = mfa.account(s.user()).beginEnrollment(k, name.strip(),
          Password.of(password == null ? "" : password), params, context(request));
      s.enrollCeremony = start.ceremony().reveal();
      s.enrollFactor = start.factor().value();
      s.enrollKind = k.id();
      s.enrollDetails = EnrollmentViews.details(start);
    } catch (PasswordRejectedException e) {
      s.message = "The password is not right.";
    } catch (PolicyViolationException e) {
      s.message = "That method is not allowed for your account.";
    } catch (RateLimitedException e) {
      s.message = throttled(e, s, "Too many attempts.");
    } catch (InvalidInputException e) {
      s.message = "Please check what you entered: " + e.getMessage();
    } catch (MfaException e) {
      s.message = "We could not start the setup. Please try again.";
    }
    s.save(request.getSession());
    return result(request, response, Next.ENROLLMENT, s);
  }

  /** Confirms the enrollment begun by {@link #beginEnrollment} and finishes the sign-in. */
  Result confirmEnrollment(HttpServletRequest request, HttpServletResponse response, String code,
      String passkeyResponse) {
    MfaState s = state(request).orElse(null);
    if (s == null || s.stage != MfaState.Stage.ENROLLMENT || s.enrollCeremony == null) {
      return where(request, response, s);
    }
    UserRef user = s.user();
    ChallengeId ceremony = ChallengeId.of(s.enrollCeremony);
    FactorId factor = FactorId.of(s.enrollFactor);
    EnrollmentOutcome outcome;
    try {
      Answer answer = passkeyResponse != null && !passkeyResponse.isBlank()
          ? Answer.response(factor, passkeyResponse) : Answer.code(factor, nn(code));
      outcome = mfa.account(user).confirmEnrollment(ceremony, answer, context(request));
    } catch (InvalidInputException e) {
      s.message = NOT_ACCEPTED;
      s.save(request.getSession());
      return result(request, response, Next.ENROLLMENT, s);
    }
    if (outcome instanceof EnrollmentOutcome.Confirmed ok) {
      s.clearEnrollment();
      s.backupCodes = new ArrayList<>(ok.backupCodes().map(BackupCodes::reveal).orElse(List.of()));
      ChallengeId challenge = ChallengeId.of(s.challenge);
      LoginStep step = signIn(() -> mfa.login().completeEnrollment(user, challenge, ceremony,
          context(request)));
      return apply(request, response, s, step);
    }
    if (outcome instanceof EnrollmentOutcome.Retry r) {
      s.message = NOT_ACCEPTED + " " + r.attemptsLeft() + " attempts left.";
    } else {
      s.clearEnrollment();
      s.message = "That setup has expired. Please start again.";
    }
    s.save(request.getSession());
    return result(request, response, Next.ENROLLMENT, s);
  }

  // ---- forced password change ----

  /** Sets the new password a sign-in with a temporary one requires, then goes on. */
  Result changePassword(HttpServletRequest request, HttpServletResponse response,
      String password, String confirmation) {
    MfaState s = state(request).orElse(null);
    if (s == null || s.stage != MfaState.Stage.PASSWORD_CHANGE) {
      return where(request, response, s);
    }
    if (password == null || !password.equals(confirmation)) {
      s.message = "The two passwords differ.";
      s.save(request.getSession());
      return result(request, response, Next.PASSWORD_CHANGE, s);
    }
    UserRef user = s.user();
    ChallengeId challenge = ChallengeId.of(s.challenge);
    LoginStep step;
    try {
      step = signIn(() -> mfa.login().completePasswordChange(user, challenge,
          Password.of(password), context(request)));
    } catch (InvalidInputException | PasswordRejectedException e) {
      s.message = "That password cannot be used.";
      s.save(request.getSession());
      return result(request, response, Next.PASSWORD_CHANGE, s);
    }
    return apply(request, response, s, step);
  }

  /**
   * A message for the user.
   *
   * @param text what to say (never a secret)
   * @param notice true for a confirmation (a code sent), false for an error (a code refused, a
   *     send throttled, a lock)
   */
  record Message(String text, boolean notice) {}

  /** Takes the message waiting for the user, if any (shown once). */
  Optional<Message> takeMessage(HttpServletRequest request) {
    MfaState s = state(request).orElse(null);
    if (s == null) {
      return Optional.empty();
    }
    Optional<Message> m = s.takeMessage();
    s.save(request.getSession());
    return m;
  }

  /** Keeps a confirmation (not an error) for the next page of this sign-in or step-up. */
  void notice(HttpServletRequest request, String text) {
    state(request).ifPresent(s -> {
      s.notice = text;
      s.save(request.getSession());
    });
  }

  /**
   * Whether new backup codes wait to be shown; if so, remembers where their page continues to
   * (the page is then loaded by a redirect, so that reloading it never re-posts the form).
   */
  boolean holdBackupCodes(HttpServletRequest request, String next) {
    MfaState s = state(request).orElse(null);
    if (s == null || s.backupCodes.isEmpty()) {
      return false;
    }
    s.backupCodesNext = next;
    s.save(request.getSession());
    return true;
  }

  /** Where the backup codes page continues to. */
  String backupCodesNext(HttpServletRequest request) {
    return state(request).map(s -> s.backupCodesNext).orElse(settings.defaultSuccessUrl());
  }

  /** The backup codes to show once, then forgotten. */
  List<String> takeBackupCodes(HttpServletRequest request) {
    MfaState s = state(request).orElse(null);
    if (s == null || s.backupCodes.isEmpty()) {
      return List.of();
    }
    List<String> codes = List.copyOf(s.backupCodes);
    s.backupCodes = new ArrayList<>();
    s.save(request.getSession());
    return codes;
  }

  /** Where the session's sign-in stands now. */
  Result where(HttpServletRequest request, HttpServletResponse response, MfaState s) {
    if (s == null) {
      return new Result(Next.SIGN_IN_AGAIN, settings.loginUrl(), Optional.empty(),
          Optional.empty());
    }
    return result(request, response, switch (s.stage) {
      case SECOND_FACTOR -> Next.SECOND_FACTOR;
      case ENROLLMENT -> Next.ENROLLMENT;
      case PASSWORD_CHANGE -> Next.PASSWORD_CHANGE;
      case LOCKED -> Next.LOCKED;
      case SIGNED_IN -> s.stepUpChallenge != null || !s.stepUpFor.isEmpty()
          ? Next.STEP_UP : Next.SIGNED_IN;
    }, s);
  }

  // ---- the one place that turns a LoginStep into state ----

  private Result apply(HttpServletRequest request, HttpServletResponse response, MfaState s,
      LoginStep step) {
    HttpSession session = request.getSession();
    if (step instanceof LoginStep.Authenticated a) {
      s.signedInAt = mfa.clock().instant();
      return complete(request, response, s, a);
    }
    if (step instanceof LoginStep.SecondFactorRequired r) {
      s.clearPending();
      s.stage = MfaState.Stage.SECOND_FACTOR;
      s.challenge = r.challenge().reveal();
      s.expiresAt = r.expiresAt();
      s.methods = methods(r, Set.of());
      s.defaultMethod = r.defaultMethod().map(f -> f.id().value()).orElse(null);
      s.backupCodesRemaining = r.backupCodesRemaining();
    } else if (step instanceof LoginStep.EnrollmentRequired e) {
      s.clearPending();
      s.stage = MfaState.Stage.ENROLLMENT;
      s.challenge = e.challenge().reveal();
      s.expiresAt = e.expiresAt();
      s.allowedKinds = new ArrayList<>(e.allowedMethods().stream().map(FactorKind::id)
          .filter(k -> !k.equals(FactorKind.BACKUP_CODE.id()) && mfa.kinds().contains(
              FactorKind.of(k))).toList());
    } else if (step instanceof LoginStep.PasswordChangeRequired p) {
      s.clearPending();
      s.stage = MfaState.Stage.PASSWORD_CHANGE;
      s.challenge = p.challenge().reveal();
      s.expiresAt = p.expiresAt();
      s.minPasswordLength = p.minLength();
      s.problems = new ArrayList<>(p.problems().stream().map(PasswordCheck.Problem::message)
          .toList());
    } else if (step instanceof LoginStep.Retry r) {
      s.message = NOT_ACCEPTED + " " + r.attemptsLeft() + " attempts left.";
    } else if (step instanceof LoginStep.Locked l) {
      s.clearPending();
      s.stage = MfaState.Stage.LOCKED;
      s.lockedUntil = l.until();
    } else if (step instanceof LoginStep.Rejected r
        && r.reason() == LoginStep.Reason.ALREADY_COMPLETE && s.signedIn()) {
      return result(request, response, Next.SIGNED_IN, s);
    } else {
      // Rejected (expired, used up, another's) or PasswordRequired: this sign-in is over
      return signInAgain(request, response, s, "Your sign-in has expired. Please sign in again.");
    }
    s.save(session);
    return where(request, response, s);
  }

  /**
   * The sign-in or step-up is complete: the principal gets the factor authorities of the new
   * assurance record, under a new session id.
   */
  private Result complete(HttpServletRequest request, HttpServletResponse response, MfaState s,
      LoginStep.Authenticated a) {
    Authentication current = holder.getContext().getAuthentication();
    boolean passkey = a.assurance().proofs().stream()
        .anyMatch(p -> p.kind().filter(FactorKind.PASSKEY::equals).isPresent());
    List<GrantedAuthority> granted = MfaAuthorities.of(a.assurance(), s.signedInAt);
    Authentication updated = current.toBuilder().authorities(c -> {
      c.removeIf(g -> MfaAuthorities.OWN.contains(g.getAuthority())
          || (passkey && MfaAuthorities.PASSKEY.equals(g.getAuthority())));
      c.addAll(granted);
    }).build();
    request.changeSessionId();
    SecurityContext context = holder.createEmptyContext();
    context.setAuthentication(updated);
    holder.setContext(context);
    contexts.saveContext(context, request, response);
    return signedIn(request, response, s, a);
  }

  /** Records a completed sign-in or step-up in the session and sets the device cookie. */
  private Result signedIn(HttpServletRequest request, HttpServletResponse response, MfaState s,
      LoginStep.Authenticated a) {
    s.clearPending();
    s.clearStepUp();
    s.stepUpFor = new LinkedHashSet<>();
    s.stepUpAction = null;
    s.stage = MfaState.Stage.SIGNED_IN;
    s.assurance = a.assurance().token();
    String back = s.returnTo;
    s.returnTo = null;
    HttpSession session = request.getSession();
    s.save(session);
    session.setAttribute(ASSURANCE_ATTRIBUTE, s.assurance);
    a.rememberedDevice().ifPresent(t -> response.addHeader(HttpHeaders.SET_COOKIE,
        deviceCookie(t, request, a.user())));
    Result r = result(request, response, Next.SIGNED_IN, s);
    return back == null ? r : new Result(Next.SIGNED_IN, back, r.message(), r.until());
  }

  /** How long the user's practice remembers a browser. */
  Duration rememberFor(UserRef user) {
    PracticePolicy p = policies.apply(user.practice());
    return p == null ? settings.rememberFor() : p.rememberDevice();
  }

  private String deviceCookie(DeviceToken token, HttpServletRequest request, UserRef user) {
    String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
    return ResponseCookie.from(settings.deviceCookieName(), token.reveal())
        .httpOnly(true)
        .secure(true)
        .sameSite(settings.sameSite())
        .path(path)
        .maxAge(rememberFor(user))
        .build().toString();
  }

  private Result signInAgain(HttpServletRequest request, HttpServletResponse response,
      MfaState s, String message) {
    MfaState.remove(request.getSession(false));
    if (request.getSession(false) != null) {
      request.getSession(false).removeAttribute(ASSURANCE_ATTRIBUTE);
    }
    new SecurityContextLogoutHandler().logout(request, response,
        holder.getContext().getAuthentication());
    return new Result(Next.SIGN_IN_AGAIN, settings.loginUrl(), Optional.ofNullable(message),
        Optional.empty());
  }

  private Result result(HttpServletRequest request, HttpServletResponse response, Next next,
      MfaState s) {
    String redirect = settings.defaultSuccessUrl();
    if (next == Next.SIGNED_IN) {
      SavedRequest saved = requests.getRequest(request, response);
      if (saved != null) {
        redirect = saved.getRedirectUrl();
        requests.removeRequest(request, response);
      }
    }
    Optional<String> message = Optional.ofNullable(s.message);
    return new Result(next, redirect, message,
        next == Next.LOCKED ? Optional.ofNullable(s.lockedUntil) : Optional.empty(),
        Optional.ofNullable(s.retryAfter).filter(mfa.clock().instant()::isBefore),
        Optional.empty());
  }

  /** The message of a throttled request, with how long to wait; remembers the time. */
  private String throttled(RateLimitedException e, MfaState s, String what) {
    s.retryAfter = e.retryAfter().orElse(null);
    return what + " " + waitText(e);
  }

  private String waitText(RateLimitedException e) {
    return e.retryAfter().map(t -> {
      long seconds = Math.max(1, Duration.between(mfa.clock().instant(), t).toSeconds());
      return "Please wait " + (seconds < 120 ? seconds + " seconds"
          : (seconds + 59) / 60 + " minutes") + " and try again.";
    }).orElse("Please wait a little and try again.");
  }

  // ---- the account's own changes ----

  /**
   * The signed-in user's {@link Assurance} record, from the session attribute {@link
   * #ASSURANCE_ATTRIBUTE}; empty if no mfa4j sign-in completed in this session for the current
   * principal, or the record is not genuine.
   */
  public Optional<Assurance> assurance(HttpServletRequest request) {
    Objects.requireNonNull(request, "request");
    MfaState s = state(request).filter(MfaState::signedIn).orElse(null);
    HttpSession session = request.getSession(false);
    if (s == null || session == null
        || !(session.getAttribute(ASSURANCE_ATTRIBUTE) instanceof String token)) {
      return Optional.empty();
    }
    return mfa.stepUp().restore(token).filter(a -> s.isFor(a.user()));
  }

  /**
   * The signed-in user's own settings, {@link AccountSecurity#confirmedBy confirmed by} the
   * session's assurance record, for the application's security pages:
   *
   * <pre>{@code
   * @PostMapping("/settings/factors/{id}/remove")
   * String remove(@PathVariable String id, HttpServletRequest request) {
   *   flow.account(request).remove(FactorId.of(id), flow.requestContext(request));
   *   return "redirect:/settings";
   * }
   * }</pre>
   *
   * <p>A change the practice's reauthentication rule refuses throws {@link
   * StepUpRequiredException}; let it leave the controller and mfa4j's exception resolver answers
   * it: for a second factor, with the step-up page (which updates the session's record and then
   * returns to the page the change was made from); for the password, with a password prompt that
   * posts the same form again with the field {@link #PASSWORD_PARAMETER} (a JSON client sends the
   * header {@link #PASSWORD_HEADER}). When the request carries that password, the account
   * returned here confirms changes with it: the engine checks it ({@link
   * dev.mfa4j.StepUpFlow#confirmPassword}: throttled, audited, counted like a wrong code) and adds
   * a password proof of now to the session's record, so further changes within the practice's
   * {@code stepUpMaxAge} do not ask again. Without a record, the password goes to the engine's
   * password overloads for this change only.
   *
   * @throws IllegalStateException if no mfa4j sign-in completed in this session
   */
  public AccountSecurity account(HttpServletRequest request) {
    Objects.requireNonNull(request, "request");
    MfaState s = state(request).filter(MfaState::signedIn)
        .orElseThrow(() -> new IllegalStateException("no completed mfa4j sign-in in this session"));
    AccountSecurity account = mfa.account(s.user());
    Optional<Assurance> assurance = assurance(request);
    String password = "POST".equals(request.getMethod())
        ? request.getParameter(PASSWORD_PARAMETER) : null;
    if (password == null) {
      password = request.getHeader(PASSWORD_HEADER);
    }
    boolean typed = password != null && !password.isEmpty();
    if (typed && assurance.isPresent()) {
      // the password renews the session's record: one prompt per action, not per change
      Assurance renewed = mfa.stepUp().confirmPassword(s.user(), assurance.get(),
          Password.of(password), context(request));
      s.assurance = renewed.token();
      HttpSession session = request.getSession();
      s.save(session);
      session.setAttribute(ASSURANCE_ATTRIBUTE, s.assurance);
      return account.confirmedBy(renewed);
    }
    if (assurance.isPresent()) {
      account = account.confirmedBy(assurance.get());
    }
    return typed ? new PasswordConfirmedAccount(account, Password.of(password)) : account;
  }

  /** The request as the engine sees it: address, browser, remembered-device cookie. */
  public RequestContext requestContext(HttpServletRequest request) {
    return context(Objects.requireNonNull(request, "request"));
  }

  /**
   * Prepares the step-up a refused change asks for: any second factor, audited with the change's
   * action, and back to {@code returnTo} once done.
   */
  boolean stepUpForChange(HttpServletRequest request, StepUpRequiredException e,
      String returnTo) {
    MfaState s = state(request).filter(MfaState::signedIn).orElse(null);
    if (s == null) {
      return false;
    }
    s.clearStepUp();
    s.stepUpFor = new LinkedHashSet<>(Set.of(MfaAuthorities.ANY_SECOND_FACTOR));
    s.stepUpAction = e.action();
    s.returnTo = returnTo;
    s.save(request.getSession());
    return true;
  }

  // ---- sign-in that starts with a passkey ----

  /**
   * Starts a passwordless sign-in for the sign-in page of this request's practice and keeps its
   * ceremony in the session (one per page load: the same request serves the button and the
   * browser's autofill).
   *
   * @return the {@code navigator.credentials.get} options JSON and the ceremony's end; empty if
   *     passkey sign-in is off (no passkeys, not passwordless, or no practice for the request)
   */
  Optional<Map.Entry<String, Instant>> beginPasskeySignIn(HttpServletRequest request) {
    Optional<PracticeId> practice = principals.flatMap(p -> p.practice(request));
    if (practice.isEmpty() || !mfa.kinds().contains(FactorKind.PASSKEY)) {
      return Optional.empty();
    }
    PasswordlessStart start;
    try {
      start = mfa.login().beginPasswordless(practice.get(), context(request));
    } catch (IllegalStateException | PolicyViolationException e) {
      return Optional.empty();
    }
    PasskeySignIn p = new PasskeySignIn(practice.get());
    p.ceremony = start.ceremony().reveal();
    p.ceremonyExpiresAt = start.expiresAt();
    p.save(request.getSession());
    return start.prompt().clientJson().map(json -> Map.entry(json, start.expiresAt()));
  }

  /**
   * Finishes a passwordless sign-in with the browser's response: signed in (the principal of the
   * user the passkey names, with mfa4j's factor authorities, under a new session id), the
   * password of that user asked ({@link Next#PASSKEY_PASSWORD}), or refused, with the signal for a
   * passkey this site does not know.
   */
  Result finishPasskeySignIn(HttpServletRequest request, HttpServletResponse response,
      String passkeyResponse, boolean remember) {
    PasskeySignIn p = PasskeySignIn.in(request.getSession(false)).orElse(null);
    if (p == null || p.ceremony == null || principals.isEmpty()) {
      return passkeyRefused("Please try the passkey again.", Optional.empty());
    }
    PracticeId practice = p.practiceId();
    ChallengeId ceremony = ChallengeId.of(p.ceremony);
    p.ceremony = null; // one answer per ceremony
    p.save(request.getSession());
    Map<UserId, Authentication> named = new HashMap<>();
    LoginStep step;
    try {
      step = signIn(() -> mfa.login().finishPasswordless(practice, ceremony,
          nn(passkeyResponse), id -> principalOf(practice, id, named),
          remember ? RememberDevice.YES : RememberDevice.NO, context(request)));
    } catch (InvalidInputException e) {
      return passkeyRefused("That passkey could not sign you in.", Optional.empty());
    }
    if (step instanceof LoginStep.Authenticated a) {
      PasskeySignIn.remove(request.getSession(false));
      return passkeySignedIn(request, response, named.get(a.user().user()), a, false);
    }
    if (step instanceof LoginStep.PasswordRequired r) {
      Authentication principal = named.get(r.user().user());
      p.awaitPassword(r.user(), principal.getName(), r.challenge().reveal(), r.expiresAt());
      p.remember = remember;
      p.save(request.getSession());
      return new Result(Next.PASSKEY_PASSWORD, settings.loginUrl(), Optional.empty(),
          Optional.empty());
    }
    PasskeySignIn.remove(request.getSession(false));
    if (step instanceof LoginStep.Locked l) {
      return new Result(Next.LOCKED, settings.loginUrl(), Optional.of(
          "Too many failed attempts. Please try again after " + l.until() + "."),
          Optional.of(l.until()));
    }
    if (step instanceof LoginStep.Rejected r
        && r.reason() == LoginStep.Reason.UNKNOWN_CREDENTIAL) {
      return passkeyRefused("This passkey is not registered here any more. Please sign in"
          + " with your password.", unknownCredentials.apply(nn(passkeyResponse)));
    }
    return passkeyRefused("That passkey could not sign you in.", Optional.empty());
  }

  /** The user a passkey named and whose password is now asked, if any. */
  Optional<PasskeySignIn> passkeyPasswordPending(HttpServletRequest request) {
    return PasskeySignIn.in(request.getSession(false)).filter(PasskeySignIn::awaitingPassword);
  }

  /** Completes a passkey sign-in with the password of the user the passkey named. */
  Result completePasskeySignIn(HttpServletRequest request, HttpServletResponse response,
      String password) {
    PasskeySignIn p = passkeyPasswordPending(request).orElse(null);
    if (p == null || principals.isEmpty()) {
      return passkeyRefused("Please sign in again.", Optional.empty());
    }
    UserRef user = p.user();
    ChallengeId challenge = ChallengeId.of(p.challenge);
    LoginStep step;
    try {
      step = signIn(() -> mfa.login().completeWithPassword(user, challenge,
          Password.of(nn(password)), p.remember ? RememberDevice.YES : RememberDevice.NO,
          context(request)));
    } catch (RateLimitedException e) {
      p.message = "Too many attempts. " + waitText(e);
      p.save(request.getSession());
      return new Result(Next.PASSKEY_PASSWORD, settings.loginUrl(), Optional.of(p.message),
          Optional.empty(), e.retryAfter(), Optional.empty());
    } catch (InvalidInputException e) {
      step = new LoginStep.Retry(challenge, 0);
    }
    if (step instanceof LoginStep.Retry r) {
      p.message = "The password is not right." + (r.attemptsLeft() > 0
          ? " " + r.attemptsLeft() + " attempts left." : "");
      p.save(request.getSession());
      return new Result(Next.PASSKEY_PASSWORD, settings.loginUrl(), Optional.of(p.message),
          Optional.empty());
    }
    PasskeySignIn.remove(request.getSession(false));
    Map<UserId, Authentication> named = new HashMap<>();
    Authentication principal = principalOf(user.practice(), user.user(), named)
        .map(u -> named.get(u.user())).orElse(null);
    if (step instanceof LoginStep.Authenticated a && principal != null) {
      return passkeySignedIn(request, response, principal, a, true);
    }
    if (step instanceof LoginStep.PasswordChangeRequired && principal != null) {
      // a temporary password: signed in with the password only, until it is changed
      Instant now = mfa.clock().instant();
      Authentication auth = withAuthorities(principal, List.of(
          FactorGrantedAuthority.withAuthority("FACTOR_PASSWORD").issuedAt(now).build()));
      MfaState s = new MfaState(user, now.toEpochMilli());
      establish(request, response, auth);
      return apply(request, response, s, step);
    }
    if (step instanceof LoginStep.Locked l) {
      return new Result(Next.LOCKED, settings.loginUrl(), Optional.of(
          "Too many failed attempts. Please try again after " + l.until() + "."),
          Optional.of(l.until()));
    }
    return passkeyRefused("Your sign-in has expired. Please sign in again.", Optional.empty());
  }

  /** The principal the application has for a user a passkey named, recorded in {@code named}. */
  private Optional<UserRef> principalOf(PracticeId practice, UserId id,
      Map<UserId, Authentication> named) {
    Optional<Authentication> principal = principals.flatMap(p -> p.principal(practice, id));
    Optional<UserRef> user = principal.flatMap(users::resolve)
        .filter(u -> u.practice().equals(practice) && u.user().equals(id));
    user.ifPresent(u -> named.put(id, principal.get()));
    return user;
  }

  /** Signs in the principal a passkey named, with the factor authorities of its record. */
  private Result passkeySignedIn(HttpServletRequest request, HttpServletResponse response,
      Authentication principal, LoginStep.Authenticated a, boolean passwordGiven) {
    Instant now = mfa.clock().instant();
    List<GrantedAuthority> granted = new ArrayList<>(MfaAuthorities.of(a.assurance(), now));
    long primaryAt = -1L;
    if (passwordGiven) {
      Instant at = a.assurance().passwordAt().orElse(now);
      granted.add(FactorGrantedAuthority.withAuthority("FACTOR_PASSWORD").issuedAt(at).build());
      primaryAt = at.toEpochMilli();
    }
    MfaState s = new MfaState(a.user(), primaryAt);
    s.signedInAt = now;
    establish(request, response, withAuthorities(principal, granted));
    return signedIn(request, response, s, a);
  }

  /** The principal with only its own non-factor authorities, plus {@code factors}. */
  private static Authentication withAuthorities(Authentication principal,
      List<GrantedAuthority> factors) {
    return principal.toBuilder().authorities(c -> {
      c.removeIf(g -> g.getAuthority() != null && g.getAuthority().startsWith("FACTOR_"));
      c.addAll(factors);
    }).build();
  }

  /** A new principal in this session: a new session id, then the context saved. */
  private void establish(HttpServletRequest request, HttpServletResponse response,
      Authentication auth) {
    HttpSession session = request.getSession();
    MfaState.remove(session);
    session.removeAttribute(ASSURANCE_ATTRIBUTE);
    request.changeSessionId();
    SecurityContext context = holder.createEmptyContext();
    context.setAuthentication(auth);
    holder.setContext(context);
    contexts.saveContext(context, request, response);
  }

  private Result passkeyRefused(String message, Optional<ClientSignal> signal) {
    return new Result(Next.SIGN_IN_AGAIN, settings.loginUrl(), Optional.of(message),
        Optional.empty(), Optional.empty(), signal);
  }

  // ---- helpers ----

  /** The request as the engine sees it: address, browser, remembered-device cookie. */
  RequestContext context(HttpServletRequest request) {
    String ip = nn(request.getRemoteAddr());
    RequestContext ctx = new RequestContext(ip.length() > 64 ? ip.substring(0, 64) : ip,
        nn(request.getHeader(HttpHeaders.USER_AGENT)), Optional.empty());
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (settings.deviceCookieName().equals(c.getName())) {
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

  /** The issue time of the authentication's primary factor, or -1 if it has none. */
  long primaryAt(Authentication auth) {
    for (GrantedAuthority a : auth.getAuthorities()) {
      if (settings.primaryFactors().contains(a.getAuthority())) {
        return a instanceof FactorGrantedAuthority f ? f.getIssuedAt().toEpochMilli() : 0L;
      }
    }
    return -1L;
  }

  private LoginStep signIn(Supplier<LoginStep> step) {
    return metrics.map(m -> m.signIn(step)).orElseGet(step);
  }

  private LoginStep verification(String kind, Supplier<LoginStep> step) {
    return metrics.map(m -> m.verification(kind, step)).orElseGet(step);
  }

  private static Answer answer(String factor, String code, String backupCode,
      String passkeyResponse) {
    if (backupCode != null && !backupCode.isBlank()) {
      return Answer.backupCode(backupCode);
    }
    FactorId id = FactorId.of(nn(factor));
    if (passkeyResponse != null && !passkeyResponse.isBlank()) {
      return Answer.response(id, passkeyResponse);
    }
    return Answer.code(id, nn(code));
  }

  /** The answered factor's kind for metrics: one of the offered methods', never its id. */
  private static String kindOf(List<MfaState.Method> methods, Answer answer) {
    if (answer instanceof Answer.BackupCode) {
      return FactorKind.BACKUP_CODE.id();
    }
    String id = answer instanceof Answer.Code c ? c.factor().value()
        : ((Answer.Response) answer).factor().value();
    return methods.stream().filter(m -> m.id().equals(id)).map(MfaState.Method::kind)
        .findFirst().orElse("unknown");
  }

  private static List<MfaState.Method> methods(LoginStep.SecondFactorRequired r,
      Set<String> required) {
    List<MfaState.Method> all = r.methods().stream().map(MfaState.Method::of).toList();
    List<MfaState.Method> fitting = all.stream()
        .filter(m -> allows(required, FactorKind.of(m.kind()))).toList();
    return new ArrayList<>(fitting.isEmpty() ? all : fitting);
  }

  /** Whether a proof of {@code kind} grants one of {@code required} (all when none is named). */
  private static boolean allows(Set<String> required, FactorKind kind) {
    return required.isEmpty() || required.contains(MfaAuthorities.forKind(kind))
        || required.contains(MfaAuthorities.ANY_SECOND_FACTOR)
        || required.contains(MfaAuthorities.SIGN_IN_COMPLETE);
  }

  /** The audited action of a step-up: the authority it is for, as a-z 0-9 _ . - only. */
  private static String action(Set<String> required) {
    String a = required.isEmpty() ? "step_up" : "factor." + String.join(".", required)
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "_");
    return a.length() > 64 ? a.substring(0, 64) : a;
  }

  private static String nn(String s) {
    return s == null ? "" : s;
  }

  @Override
  public String toString() {
    return "MfaFlow[" + settings.loginUrl() + "]";
  }
}
