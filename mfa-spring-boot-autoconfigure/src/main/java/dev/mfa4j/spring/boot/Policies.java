package dev.mfa4j.spring.boot;

import dev.mfa4j.Audience;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.Reauthentication;
import dev.mfa4j.TwoFactorRequirement;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The default practice policy from {@code mfa4j.policy.*}; unset values keep mfa4j's defaults. */
final class Policies {
  private Policies() {}

  static PracticePolicy of(Mfa4jProperties.Policy p) {
    PracticePolicy d = PracticePolicy.defaults();
    PracticePolicy.Builder b = d.toBuilder();
    if (p.getRequirement() != null) {
      b.requirement(TwoFactorRequirement.valueOf(upper(p.getRequirement())));
    }
    if (p.getStaffMethods() != null) {
      b.staffMethods(kinds(p.getStaffMethods()));
    }
    if (p.getClientMethods() != null) {
      b.clientMethods(kinds(p.getClientMethods()));
    }
    if (p.getRememberDevice() != null) {
      b.rememberDevice(p.getRememberDevice());
    }
    if (p.getChallengeLifetime() != null) {
      b.challengeLifetime(p.getChallengeLifetime());
    }
    if (p.getMaxAttemptsPerChallenge() != null) {
      b.maxAttemptsPerChallenge(p.getMaxAttemptsPerChallenge());
    }
    if (p.getLockoutThreshold() != null || p.getLockoutBase() != null
        || p.getLockoutMax() != null) {
      b.lockout(p.getLockoutThreshold() != null ? p.getLockoutThreshold() : d.lockoutThreshold(),
          p.getLockoutBase() != null ? p.getLockoutBase() : d.lockoutBase(),
          p.getLockoutMax() != null ? p.getLockoutMax() : d.lockoutMax());
    }
    if (p.getTotpWindow() != null) {
      b.totpWindow(p.getTotpWindow());
    }
    if (p.getCodeLength() != null) {
      b.codeLength(p.getCodeLength());
    }
    if (p.getCodeLifetime() != null) {
      b.codeLifetime(p.getCodeLifetime());
    }
    if (p.getRequireNonPhoneFactor() != null) {
      b.requireNonPhoneFactor(p.getRequireNonPhoneFactor());
    }
    if (p.getReauthentication() != null) {
      b.reauthentication(Reauthentication.valueOf(upper(p.getReauthentication())));
    }
    if (p.getStepUpMaxAge() != null) {
      b.stepUpMaxAge(p.getStepUpMaxAge());
    }
    if (p.getMinPasswordLength() != null) {
      b.minPasswordLength(p.getMinPasswordLength());
    }
    if (p.getPasskeySignIn() != null) {
      b.passkeySignIn(p.getPasskeySignIn().stream().map(a -> Audience.valueOf(upper(a)))
          .collect(Collectors.toUnmodifiableSet()));
    }
    return b.build();
  }

  private static String upper(String s) {
    return s.strip().replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Set<FactorKind> kinds(Set<String> ids) {
    return ids.stream().map(s -> FactorKind.of(s.strip().replace('-', '_')
        .toLowerCase(Locale.ROOT))).collect(Collectors.toUnmodifiableSet());
  }
}
