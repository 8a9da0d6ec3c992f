package dev.mfa4j;

import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.PasswordRules;
import dev.mfa4j.spi.PrimaryCredentials;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The engine's password steps: the forced change after a temporary password, the user's own
 * change, the host's replacement and an administrator's reset. The passwords themselves are the
 * engine's {@link PrimaryCredentials}'; this class adds the challenge, audit, notices and device
 * revocation around each step. Package-private.
 */
final class PasswordFlow {
  /** Tries a user gets to find an acceptable new password on one forced-change challenge. */
  static final int CHANGE_ATTEMPTS = 10;

  private final Engine engine;

  PasswordFlow(Engine engine) {
    this.engine = engine;
  }

  private PrimaryCredentials credentials() {
    return engine.config.passwords;
  }

  private PasswordRules rules(UserRef user, PracticePolicy policy) {
    return PasswordRules.of(policy, engine.twoFactorOn(user));
  }

  /**
   * First thing after the password step: if the user's stored password is a temporary one, a
   * {@link ChallengePurpose#SIGN_IN_PASSWORD_CHANGE} challenge and {@link
   * LoginStep.PasswordChangeRequired}; else empty.
   */
  Optional<LoginStep> changeRequired(UserRef user, PracticePolicy policy, RequestContext request) {
    if (!credentials().changeRequired(user)) {
      return Optional.empty();
    }
    Engine.Issued c = engine.ceremonies.issue(user, ChallengePurpose.SIGN_IN_PASSWORD_CHANGE,
        Optional.empty(), PracticePolicy.MAX_CODE_LIFETIME, CHANGE_ATTEMPTS);
    engine.audit(user, AuditType.CHALLENGE_ISSUED, AuditOutcome.SUCCESS, request,
        Map.of("purpose", "sign_in_password_change"));
    return Optional.of(new LoginStep.PasswordChangeRequired(c.id(), c.record().expires(),
        rules(user, policy).minLength(), List.of()));
  }

  /** {@link LoginFlow#completePasswordChange}. */
  LoginStep completeChange(UserRef user, ChallengeId challenge, Password next,
      RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(next, "newPassword");
    Objects.requireNonNull(request, "request");
    PrimaryCredentials passwords = credentials();
    return engine.atomically(() -> completeChangeInUnit(passwords, user, challenge, next,
        request));
  }

  private LoginStep completeChangeInUnit(PrimaryCredentials passwords, UserRef user,
      ChallengeId challenge,
      Password next, RequestContext request) {
    Ceremonies.Opened opened = engine.ceremonies.open(user, challenge,
        ChallengePurpose.SIGN_IN_PASSWORD_CHANGE, Optional.empty());
    if (opened instanceof Ceremonies.Closed c) {
      return rejected(user, c.reason(), request);
    }
    ChallengeRecord rec = ((Ceremonies.Open) opened).record();
    if (!engine.ceremonies.take(challenge)) {
      throw new Engine.Undo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    }
    PasswordRules rules = rules(user, engine.policy(user.practice()));
    PasswordCheck check = passwords.check(user, next, rules);
    if (!check.accepted()) {
      engine.audit(user, AuditType.PASSWORD_CHANGED, AuditOutcome.FAILURE, request,
          Map.of("via", "temporary_password", "reasons", reasons(check)));
      int left = rec.maxAttempts() - rec.attempts() - 1;
      if (left <= 0) {
        return new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED);
      }
      return new LoginStep.PasswordChangeRequired(challenge, rec.expires(),
          check.minLength(), check.problems());
    }
    if (!engine.ceremonies.complete(challenge)) {
      throw new Engine.Undo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    }
    try {
      passwords.completeChange(user, next, rules);
    } catch (PasswordRejectedException e) {
      // The temporary password was replaced or expired meanwhile: start again from the password.
      return rejected(user, LoginStep.Reason.INVALID_CHALLENGE, request);
    }
    changed(user, Optional.empty(), passwords.revokesDevicesOnChange(), request,
        "temporary_password");
    return engine.login().afterPrimary(user, request);
  }

  /** {@link AccountSecurity#changePassword}. */
  PasswordCheck change(UserRef user, Password current, Password next, RequestContext request) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(request, "request");
    PrimaryCredentials passwords = credentials();
    PracticePolicy policy = engine.policy(user.practice());
    // Like the other password confirmations: while the user is locked, no password is checked;
    // a wrong current password counts with the user's failures, under the user's lock.
    // The new password, the devices it revokes and its audit row commit together.
    return engine.passwordCheck(user, "change_password", request, () -> {
      PasswordCheck check = passwords.change(user, current, next, rules(user, policy));
      if (!check.accepted()) {
        engine.audit(user, AuditType.PASSWORD_CHANGED, AuditOutcome.FAILURE, request,
            Map.of("via", "user", "reasons", reasons(check)));
        return check;
      }
      changed(user, Optional.empty(), passwords.revokesDevicesOnChange(), request, "user");
      return check;
    });
  }

  /** {@link MfaEngine#setPassword}. */
  PasswordCheck set(UserRef user, Password next, RequestContext request) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(request, "request");
    PrimaryCredentials passwords = credentials();
    return engine.atomically(() -> {
      engine.store.users().lock(user.practice(), user.user());
      PracticePolicy policy = engine.policy(user.practice());
      boolean replacing = passwords.hasPassword(user);
      PasswordCheck check = passwords.replace(user, next, rules(user, policy));
      if (!check.accepted()) {
        engine.audit(user, AuditType.PASSWORD_CHANGED, AuditOutcome.FAILURE, request,
            Map.of("via", "host", "reasons", reasons(check)));
        return check;
      }
      engine.revokeDevices(user, request, "password_changed");
      Map<String, String> details = new LinkedHashMap<>();
      details.put("via", "host");
      details.put("devices_revoked", "true");
      details.put("replaced", Boolean.toString(replacing));
      engine.audit(user, AuditType.PASSWORD_CHANGED, AuditOutcome.SUCCESS, request, details);
      if (replacing) {
        engine.notifyUser(NotificationType.PASSWORD_CHANGED, user, request, Map.of("via", "host"));
      }
      return check;
    });
  }

  /**
   * Two-factor was just turned off (inside that unit): a password shorter than the single-factor
   * minimum, or of unknown length, must be replaced at the next sign-in.
   *
   * @return whether the password was marked
   */
  boolean twoFactorTurnedOff(UserRef user) {
    return credentials().requireChangeIfShorter(user,
        PasswordRules.of(engine.policy(user.practice()), false).minLength());
  }

  /** {@link Administration#resetPassword}, once the actor is authorised. */
  TemporaryPassword reset(UserRef actor, UserRef target, RequestContext request) {
    TemporaryPassword temporary = credentials().issueTemporary(target);
    engine.revokeDevices(target, request, "password_reset");
    Map<String, String> details = Map.of("expires", temporary.expiresAt().toString());
    engine.audit(target.practice(), Optional.of(target.user()), Optional.of(actor.user()),
        AuditType.PASSWORD_RESET, AuditOutcome.SUCCESS, request, details);
    engine.notifyUser(NotificationType.PASSWORD_RESET, target, request,
        Map.of("by", "administrator", "expires", temporary.expiresAt().toString()));
    return temporary;
  }

  private void changed(UserRef user, Optional<UserId> actor, boolean revoke,
      RequestContext request, String via) {
    if (revoke) {
      engine.revokeDevices(user, request, "password_changed");
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("via", via);
    details.put("devices_revoked", Boolean.toString(revoke));
    engine.audit(user.practice(), Optional.of(user.user()), actor, AuditType.PASSWORD_CHANGED,
        AuditOutcome.SUCCESS, request, details);
    engine.notifyUser(NotificationType.PASSWORD_CHANGED, user, request, Map.of("via", via));
  }

  private LoginStep rejected(UserRef user, LoginStep.Reason reason, RequestContext request) {
    engine.audit(user, AuditType.PASSWORD_CHANGED, AuditOutcome.DENIED, request,
        Map.of("via", "temporary_password",
            "reason", reason.name().toLowerCase(Locale.ROOT)));
    return new LoginStep.Rejected(reason);
  }

  private static String reasons(PasswordCheck check) {
    return check.problems().stream().map(p -> p.reason().name())
        .collect(Collectors.joining(","));
  }
}
