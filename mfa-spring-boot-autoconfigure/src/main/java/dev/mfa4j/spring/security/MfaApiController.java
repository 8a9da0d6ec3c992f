package dev.mfa4j.spring.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * mfa4j's JSON API under {@code /mfa4j/api} for single-page applications: the same steps as
 * {@link MfaPageController}. Every call answers with the sign-in's state:
 *
 * <pre>{@code
 * {"state": "second_factor", "methods": [{"id": "…", "kind": "totp", "label": "Phone app",
 *   "display": {}}], "backupCodesRemaining": 10, "message": "That code was not accepted. …"}
 * }</pre>
 *
 * <p>{@code state} is one of {@code none} (sign in with the password first), {@code
 * second_factor}, {@code enrollment}, {@code password_change}, {@code locked}, {@code step_up},
 * {@code passkey_password}, {@code signed_in} (then {@code redirect} names the page the user
 * asked for). A throttled request (a code asked for too soon) adds {@code retryAfter} (an
 * instant) and {@code retryAfterSeconds}. The sign-in page's passkey sign-in uses {@code
 * /mfa4j/api/passkey/begin}, {@code /passkey/finish} and {@code /passkey/password}. POSTs need
 * Spring Security's CSRF token (header {@code X-CSRF-TOKEN} or {@code X-XSRF-TOKEN}, as the
 * application configured). Challenge and ceremony ids never appear: they stay in the server-side
 * session.
 */
@RestController
@RequestMapping("/mfa4j/api")
public class MfaApiController {
  private final MfaFlow flow;

  /** The API over {@code flow}. */
  public MfaApiController(MfaFlow flow) {
    this.flow = Objects.requireNonNull(flow, "flow");
  }

  /**
   * An answer to a second step or step-up: a code for a factor, a backup code, or a passkey's
   * response ({@code JSON.stringify(credential.toJSON())}).
   *
   * @param factor the factor's id (not for a backup code)
   * @param code the code typed
   * @param backupCode a backup code instead
   * @param passkeyResponse the passkey's response instead
   * @param remember whether to remember this browser, if the policy allows
   */
  public record AnswerRequest(String factor, String code, String backupCode,
      String passkeyResponse, Boolean remember) {}

  /**
   * A factor picked on a second step or step-up.
   *
   * @param factor the factor's id
   * @param channel {@code SMS} or {@code VOICE} for a phone, else empty
   */
  public record PromptRequest(String factor, String channel) {}

  /**
   * The start of an enrollment.
   *
   * @param kind {@code totp}, {@code passkey} or {@code phone}
   * @param label the user's name for it
   * @param password the user's password, confirmed by the engine
   * @param phone the number, for a phone
   * @param channel {@code SMS} or {@code VOICE}, for a phone
   */
  public record EnrollRequest(String kind, String label, String password, String phone,
      String channel) {}

  /**
   * The confirmation of an enrollment.
   *
   * @param code the code from the app or the phone
   * @param passkeyResponse the passkey's response instead
   */
  public record ConfirmRequest(String code, String passkeyResponse) {}

  /**
   * A new password.
   *
   * @param password the new password
   * @param confirmation the same again
   */
  public record PasswordRequest(String password, String confirmation) {}

  /**
   * The answer to a passkey sign-in.
   *
   * @param response the browser's {@code JSON.stringify(credential.toJSON())}
   * @param remember whether to remember this browser, if the policy allows
   */
  public record PasskeySignInRequest(String response, Boolean remember) {}

  /**
   * The password of the user a passkey named.
   *
   * @param password the password
   */
  public record PasskeyPasswordRequest(String password) {}

  /**
   * Starts a sign-in with a passkey on the sign-in page, the ceremony kept in the session:
   * {@code {"state": "passkey", "clientJson": "…", "expiresAt": "…"}}, the {@code
   * navigator.credentials.get} options for the page's button and for the browser's autofill
   * (conditional mediation) alike; {@code {"state": "unavailable"}} (404) if passkey sign-in is
   * off.
   */
  @PostMapping("/passkey/begin")
  public Map<String, Object> beginPasskey(HttpServletRequest request,
      HttpServletResponse response) {
    Map<String, Object> out = new LinkedHashMap<>();
    flow.beginPasskeySignIn(request).ifPresentOrElse(start -> {
      out.put("state", "passkey");
      out.put("clientJson", start.getKey());
      out.put("expiresAt", start.getValue().toString());
    }, () -> {
      response.setStatus(HttpServletResponse.SC_NOT_FOUND);
      out.put("state", "unavailable");
    });
    return out;
  }

  /**
   * Finishes a passkey sign-in: {@code signed_in} (with {@code redirect}), {@code
   * passkey_password} (with the {@code user} name: send the password to {@code
   * /passkey/password}), {@code locked}, or {@code none} with a {@code message} and, for a passkey
   * this site does not know, {@code signal}: {@code {"method": "signalUnknownCredential", "json":
   * "…"}}, to call as {@code PublicKeyCredential[method](JSON.parse(json))} where the browser has
   * it.
   */
  @PostMapping("/passkey/finish")
  public Map<String, Object> finishPasskey(HttpServletRequest request,
      HttpServletResponse response, @RequestBody PasskeySignInRequest body) {
    return passkeyBody(request, response, flow.finishPasskeySignIn(request, response,
        body.response(), Boolean.TRUE.equals(body.remember())));
  }

  /** Completes a passkey sign-in with the password of the user the passkey named. */
  @PostMapping("/passkey/password")
  public Map<String, Object> passkeyPassword(HttpServletRequest request,
      HttpServletResponse response, @RequestBody PasskeyPasswordRequest body) {
    return passkeyBody(request, response, flow.completePasskeySignIn(request, response,
        body.password()));
  }

  private Map<String, Object> passkeyBody(HttpServletRequest request,
      HttpServletResponse response, MfaFlow.Result r) {
    if (r.next() != MfaFlow.Next.PASSKEY_PASSWORD && r.next() != MfaFlow.Next.SIGN_IN_AGAIN
        && r.next() != MfaFlow.Next.LOCKED) {
      return body(request, r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", r.next() == MfaFlow.Next.SIGN_IN_AGAIN ? "none"
        : r.next().name().toLowerCase(Locale.ROOT));
    r.message().ifPresent(m -> out.put("message", m));
    if (r.next() == MfaFlow.Next.PASSKEY_PASSWORD) {
      flow.passkeyPasswordPending(request).ifPresent(p -> out.put("user", p.username));
    }
    r.until().ifPresent(u -> out.put("lockedUntil", u.toString()));
    retryAfter(r, out);
    r.signal().ifPresent(sig -> out.put("signal", Map.of("method", sig.method(),
        "json", sig.json())));
    if (r.next() == MfaFlow.Next.SIGN_IN_AGAIN) {
      out.put("redirect", r.redirect());
    }
    return out;
  }

  private void retryAfter(MfaFlow.Result r, Map<String, Object> out) {
    r.retryAfter().ifPresent(t -> {
      out.put("retryAfter", t.toString());
      out.put("retryAfterSeconds", Math.max(1, java.time.Duration.between(
          flow.clock().instant(), t).toSeconds()));
    });
  }

  /** Where the sign-in stands. */
  @GetMapping("/state")
  public Map<String, Object> state(HttpServletRequest request, HttpServletResponse response) {
    return body(request, flow.where(request, response, flow.state(request).orElse(null)));
  }

  /** Sends a code, or returns the passkey request in {@code prompt.clientJson}. */
  @PostMapping("/prompt")
  public Map<String, Object> prompt(HttpServletRequest request, HttpServletResponse response,
      @RequestBody PromptRequest body) {
    flow.prompt(request, body.factor(), body.channel());
    return state(request, response);
  }

  /** Answers the second step of the sign-in. */
  @PostMapping("/verify")
  public Map<String, Object> verify(HttpServletRequest request, HttpServletResponse response,
      @RequestBody AnswerRequest body) {
    return body(request, flow.verify(request, response, body.factor(), body.code(),
        body.backupCode(), body.passkeyResponse(), Boolean.TRUE.equals(body.remember())));
  }

  /** Starts (or resumes) the step-up the last refused request asked for. */
  @PostMapping("/step-up")
  public Map<String, Object> beginStepUp(HttpServletRequest request,
      HttpServletResponse response) {
    return body(request, flow.beginStepUp(request, response));
  }

  /** Answers a step-up. */
  @PostMapping("/step-up/verify")
  public Map<String, Object> stepUp(HttpServletRequest request, HttpServletResponse response,
      @RequestBody AnswerRequest body) {
    return body(request, flow.verifyStepUp(request, response, body.factor(), body.code(),
        body.backupCode(), body.passkeyResponse()));
  }

  /** Begins enrolling a first factor the practice requires. */
  @PostMapping("/enroll")
  public Map<String, Object> enroll(HttpServletRequest request, HttpServletResponse response,
      @RequestBody EnrollRequest body) {
    return body(request, flow.beginEnrollment(request, response, body.kind(), body.label(),
        body.password(), body.phone(), body.channel()));
  }

  /** Confirms the enrollment; the answer carries the first backup codes, once. */
  @PostMapping("/enroll/confirm")
  public Map<String, Object> confirm(HttpServletRequest request, HttpServletResponse response,
      @RequestBody ConfirmRequest body) {
    return body(request, flow.confirmEnrollment(request, response, body.code(),
        body.passkeyResponse()));
  }

  /** Sets the new password a temporary one requires. */
  @PostMapping("/password")
  public Map<String, Object> password(HttpServletRequest request, HttpServletResponse response,
      @RequestBody PasswordRequest body) {
    return body(request, flow.changePassword(request, response, body.password(),
        body.confirmation()));
  }

  private Map<String, Object> body(HttpServletRequest request, MfaFlow.Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    MfaState s = flow.state(request).orElse(null);
    out.put("state", s == null && r.next() == MfaFlow.Next.SIGN_IN_AGAIN ? "none"
        : r.next().name().toLowerCase(Locale.ROOT));
    flow.takeMessage(request).map(MfaFlow.Message::text).or(r::message)
        .ifPresent(m -> out.put("message", m));
    retryAfter(r, out);
    switch (r.next()) {
      case SIGNED_IN, SIGN_IN_AGAIN -> out.put("redirect", r.redirect());
      case LOCKED -> r.until().ifPresent(u -> out.put("lockedUntil", u.toString()));
      case SECOND_FACTOR -> {
        out.put("methods", methods(s.methods));
        out.put("backupCodesRemaining", s.backupCodesRemaining);
        if (s.defaultMethod != null) {
          out.put("defaultMethod", s.defaultMethod);
        }
        out.put("expiresAt", String.valueOf(s.expiresAt));
        prompt(s, out);
      }
      case STEP_UP -> {
        out.put("methods", methods(s.stepUpMethods));
        out.put("backupCodesRemaining", s.stepUpBackupCodes);
        out.put("required", List.copyOf(s.stepUpFor));
        prompt(s, out);
      }
      case ENROLLMENT -> {
        out.put("allowedKinds", List.copyOf(s.allowedKinds));
        if (s.enrollCeremony != null) {
          out.put("enrollment", Map.of("kind", s.enrollKind, "details",
              Map.copyOf(s.enrollDetails)));
        }
      }
      case PASSWORD_CHANGE -> {
        out.put("minPasswordLength", s.minPasswordLength);
        out.put("problems", List.copyOf(s.problems));
      }
      case PASSKEY_PASSWORD -> flow.passkeyPasswordPending(request)
          .ifPresent(p -> out.put("user", p.username));
    }
    List<String> codes = flow.takeBackupCodes(request);
    if (!codes.isEmpty()) {
      out.put("backupCodes", codes);
    }
    return out;
  }

  private static List<Map<String, Object>> methods(List<MfaState.Method> methods) {
    return methods.stream().map(m -> Map.<String, Object>of("id", m.id(), "kind", m.kind(),
        "label", m.label(), "display", Map.copyOf(m.display()))).toList();
  }

  private static void prompt(MfaState s, Map<String, Object> out) {
    if (s.promptFactor != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("factor", s.promptFactor);
      if (s.promptJson != null) {
        p.put("clientJson", s.promptJson);
      }
      p.put("display", Map.copyOf(s.promptDisplay));
      out.put("prompt", p);
    }
  }
}
