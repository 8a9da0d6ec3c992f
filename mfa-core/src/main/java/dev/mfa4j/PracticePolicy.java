package dev.mfa4j;

import dev.mfa4j.spi.PasswordRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A practice's two-factor rules. Immutable; build with {@link #builder()} or start from {@link
 * #defaults()}. Every limit is checked against NIST SP 800-63B-4 in {@link Builder#build()}.
 *
 * <p>Defaults: nobody required; staff and clients may use every built-in method; devices are not
 * remembered; a sign-in challenge lives 5 minutes and takes 5 answers; 5 consecutive failures lock
 * the second step for 1 minute, doubling with every further 5 up to 1 hour; 100 consecutive
 * failures of one factor disable it (NIST's upper bound); SMS/voice codes have 6 digits and live 3
 * minutes; TOTP accepts one time step either side; no enrollment grace.
 *
 * @param requirement who must use two-factor
 * @param staffMethods kinds staff may use (include {@link FactorKind#BACKUP_CODE} to allow backup
 *     codes). When {@code requirement} covers staff it must hold a kind other than {@link
 *     FactorKind#BACKUP_CODE}: backup codes are issued only with the first other factor, so they
 *     alone cannot satisfy the requirement, and such a policy is refused
 * @param clientMethods kinds clients may use; the same rule holds when {@code requirement} covers
 *     clients
 * @param rememberDevice how long "remember this device" lasts; {@link Duration#ZERO} asks at every
 *     sign-in. A remembered browser skips the second factor: NIST SP 800-63B-4 §5.1 allows that only
 *     within the session's overall timeout (at most 24 h), so 30 days or a year is a deliberate,
 *     documented departure a practice must choose.
 * @param challengeLifetime how long a pending sign-in may wait for its second step (≤ 10 minutes)
 * @param maxAttemptsPerChallenge answers accepted per challenge (1 to 10)
 * @param lockoutThreshold consecutive failures before the user's second step locks (1 to 100)
 * @param lockoutBase first lock period; doubles with each further threshold reached
 * @param lockoutMax longest lock period
 * @param factorFailureLimit consecutive failures of one factor that disable it (≤ 100)
 * @param codeLength digits of SMS and voice codes (6 to 8)
 * @param codeLifetime lifetime of an SMS or voice code (≤ 10 minutes)
 * @param totpWindow TOTP time steps accepted either side of now (0 to 2)
 * @param requireNonPhoneFactor whether a user with a phone factor must also hold a non-phone factor
 *     (SMS and voice are RESTRICTED authenticators in NIST SP 800-63B-4)
 * @param enrollmentGraceSignIns sign-ins a user without a factor may still make once two-factor is
 *     required, before enrollment becomes mandatory (0 = none); only for users who never set up
 *     two-factor (a user who had it and turned it off must enroll at the next sign-in)
 * @param enrollmentGracePeriod how long after two-factor became required for the user such grace
 *     lasts ({@link Duration#ZERO} = no time limit on the sign-ins above)
 * @param minPasswordLength the practice's minimum password length; 0 means the NIST default (15 for
 *     a password used alone, 8 for one used with a second factor)
 * @param passwordCharacterClasses how many kinds of characters (lower-case, upper-case, digits,
 *     others) a new password must mix, 0 to 4. Default 0: NIST SP 800-63B-4 forbids composition
 *     rules, so a practice turns them on only deliberately
 * @param passkeySignIn the audiences whose passkey sign-in ({@link LoginFlow#beginPasswordless})
 *     completes the whole sign-in when the authenticator verified the person (PIN, biometrics): a
 *     multi-factor cryptographic authenticator, AAL2 in NIST SP 800-63B-4. For other audiences,
 *     and for a passkey that did not verify the person, the passkey is one factor and the sign-in
 *     asks for the password too ({@link LoginStep.PasswordRequired}). Default: staff and clients
 * @param reauthentication what a change that weakens an account, or an administrator's change,
 *     asks first (default {@link Reauthentication#PASSWORD})
 * @param stepUpMaxAge how recent a proof must be to count for such a change (30 seconds to 12
 *     hours; default 5 minutes)
 */
public record PracticePolicy(
    TwoFactorRequirement requirement,
    Set<FactorKind> staffMethods,
    Set<FactorKind> clientMethods,
    Duration rememberDevice,
    Duration challengeLifetime,
    int maxAttemptsPerChallenge,
    int lockoutThreshold,
    Duration lockoutBase,
    Duration lockoutMax,
    int factorFailureLimit,
    int codeLength,
    Duration codeLifetime,
    int totpWindow,
    boolean requireNonPhoneFactor,
    int enrollmentGraceSignIns,
    Duration enrollmentGracePeriod,
    int minPasswordLength,
    int passwordCharacterClasses,
    Set<Audience> passkeySignIn,
    Reauthentication reauthentication,
    Duration stepUpMaxAge) {

  /** The longest lifetime of an out-of-band code and of a pending challenge (NIST OBV-3). */
  public static final Duration MAX_CODE_LIFETIME = Duration.ofMinutes(10);

  /** Validates every field; throws {@link PolicyViolationException} naming the broken rule. */
  public PracticePolicy {
    Objects.requireNonNull(requirement, "requirement");
    staffMethods = Set.copyOf(Objects.requireNonNull(staffMethods, "staffMethods"));
    clientMethods = Set.copyOf(Objects.requireNonNull(clientMethods, "clientMethods"));
    Objects.requireNonNull(rememberDevice, "rememberDevice");
    Objects.requireNonNull(challengeLifetime, "challengeLifetime");
    Objects.requireNonNull(lockoutBase, "lockoutBase");
    Objects.requireNonNull(lockoutMax, "lockoutMax");
    Objects.requireNonNull(codeLifetime, "codeLifetime");
    Objects.requireNonNull(enrollmentGracePeriod, "enrollmentGracePeriod");
    passkeySignIn = Set.copyOf(Objects.requireNonNull(passkeySignIn, "passkeySignIn"));
    Objects.requireNonNull(reauthentication, "reauthentication");
    Objects.requireNonNull(stepUpMaxAge, "stepUpMaxAge");
    check(stepUpMaxAge.compareTo(Duration.ofSeconds(30)) >= 0
            && stepUpMaxAge.compareTo(Duration.ofHours(12)) <= 0,
        "stepUpMaxAge must be between 30 seconds and 12 hours (NIST SP 800-63B-4 §2.2.3)");
    check(!rememberDevice.isNegative() && rememberDevice.compareTo(Duration.ofDays(400)) <= 0,
        "rememberDevice must be between 0 and 400 days");
    check(challengeLifetime.compareTo(Duration.ofSeconds(30)) >= 0
            && challengeLifetime.compareTo(MAX_CODE_LIFETIME) <= 0,
        "challengeLifetime must be between 30 seconds and 10 minutes");
    check(maxAttemptsPerChallenge >= 1 && maxAttemptsPerChallenge <= 10,
        "maxAttemptsPerChallenge must be 1 to 10");
    check(lockoutThreshold >= 1 && lockoutThreshold <= 100, "lockoutThreshold must be 1 to 100");
    check(lockoutBase.compareTo(Duration.ofSeconds(1)) >= 0, "lockoutBase must be at least 1 s");
    check(lockoutMax.compareTo(lockoutBase) >= 0, "lockoutMax must be at least lockoutBase");
    check(factorFailureLimit >= 1 && factorFailureLimit <= 100,
        "factorFailureLimit must be 1 to 100 (NIST SP 800-63B-4 §3.2.2)");
    check(codeLength >= 6 && codeLength <= 8, "codeLength must be 6 to 8 digits");
    check(codeLifetime.compareTo(Duration.ofSeconds(30)) >= 0
            && codeLifetime.compareTo(MAX_CODE_LIFETIME) <= 0,
        "codeLifetime must be between 30 seconds and 10 minutes (NIST SP 800-63B-4 §3.1.3)");
    check(totpWindow >= 0 && totpWindow <= 2, "totpWindow must be 0 to 2 steps");
    check(enrollmentGraceSignIns >= 0 && enrollmentGraceSignIns <= 100,
        "enrollmentGraceSignIns must be 0 to 100");
    check(!enrollmentGracePeriod.isNegative(), "enrollmentGracePeriod must not be negative");
    check(minPasswordLength == 0 || (minPasswordLength >= 8 && minPasswordLength <= 64),
        "minPasswordLength must be 0 (NIST default) or 8 to 64");
    check(passwordCharacterClasses >= 0 && passwordCharacterClasses <= 4,
        "passwordCharacterClasses must be 0 to 4");
    checkSatisfiable(requirement, Audience.STAFF, staffMethods, "staff", "staffMethods");
    checkSatisfiable(requirement, Audience.CLIENT, clientMethods, "clients", "clientMethods");
    checkMethods(staffMethods, "staffMethods");
    checkMethods(clientMethods, "clientMethods");
  }

  /**
   * A requirement nobody can meet is refused: an audience that must use two-factor needs at least
   * one method it can enroll. Backup codes do not count, because they are issued only with the
   * first other factor.
   */
  private static void checkSatisfiable(TwoFactorRequirement requirement, Audience audience,
      Set<FactorKind> methods, String who, String name) {
    if (requirement.requires(audience)
        && methods.stream().allMatch(k -> k.equals(FactorKind.BACKUP_CODE))) {
      throw new PolicyViolationException("two-factor is required of " + who + " (" + requirement
          + ") but " + name + " offers them no method to enroll; backup codes alone do not count,"
          + " they come only with another factor");
    }
  }

  private static void checkMethods(Set<FactorKind> methods, String name) {
    if (!methods.isEmpty() && methods.stream().allMatch(
        k -> k.equals(FactorKind.PHONE) || k.equals(FactorKind.BACKUP_CODE))) {
      throw new PolicyViolationException(name + " must offer a method other than SMS/voice:"
          + " phone codes are a RESTRICTED authenticator (NIST SP 800-63B-4 §3.1.3.3)");
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new PolicyViolationException(message);
    }
  }

  /** The documented defaults (see the type's javadoc). */
  public static PracticePolicy defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.requirement = requirement;
    b.staffMethods = staffMethods;
    b.clientMethods = clientMethods;
    b.rememberDevice = rememberDevice;
    b.challengeLifetime = challengeLifetime;
    b.maxAttemptsPerChallenge = maxAttemptsPerChallenge;
    b.lockoutThreshold = lockoutThreshold;
    b.lockoutBase = lockoutBase;
    b.lockoutMax = lockoutMax;
    b.factorFailureLimit = factorFailureLimit;
    b.codeLength = codeLength;
    b.codeLifetime = codeLifetime;
    b.totpWindow = totpWindow;
    b.requireNonPhoneFactor = requireNonPhoneFactor;
    b.enrollmentGraceSignIns = enrollmentGraceSignIns;
    b.enrollmentGracePeriod = enrollmentGracePeriod;
    b.minPasswordLength = minPasswordLength;
    b.passwordCharacterClasses = passwordCharacterClasses;
    b.passkeySignIn = passkeySignIn;
    b.reauthentication = reauthentication;
    b.stepUpMaxAge = stepUpMaxAge;
    return b;
  }

  /**
   * The ways this policy departs from NIST SP 800-63B-4 at AAL2, in plain English, for an
   * administrator to see before saving; empty when it departs in none. A practice may choose them
   * (a year-long "remember this device" is what some practices want); mfa4j only makes sure the
   * choice is seen and audited.
   */
  public List<String> warnings() {
    List<String> w = new ArrayList<>();
    if (requirement.requires(Audience.STAFF) && !staffMethods.contains(FactorKind.PASSKEY)) {
      w.add("Staff are not offered a phishing-resistant method (passkey); NIST SP 800-63B-4"
          + " requires AAL2 verifiers to offer one.");
    }
    if (requirement.requires(Audience.CLIENT) && !clientMethods.contains(FactorKind.PASSKEY)) {
      w.add("Clients are not offered a phishing-resistant method (passkey); NIST SP 800-63B-4"
          + " requires AAL2 verifiers to offer one.");
    }
    if (rememberDevice.compareTo(Duration.ofHours(24)) > 0) {
      w.add("A remembered device skips the second factor for " + rememberDevice.toDays()
          + " days; NIST SP 800-63B-4 lets a remembered browser stand in for re-authentication"
          + " only within the session's overall timeout (at most 24 hours).");
    }
    if ((staffMethods.contains(FactorKind.PHONE) || clientMethods.contains(FactorKind.PHONE))
        && !requireNonPhoneFactor) {
      w.add("Text-message and voice codes are a RESTRICTED authenticator in NIST SP 800-63B-4;"
          + " users may rely on them alone (requireNonPhoneFactor is off).");
    }
    if (minPasswordLength > 0 && minPasswordLength < PasswordRules.SINGLE_FACTOR_MIN_LENGTH) {
      w.add("The minimum password length of " + minPasswordLength + " applies only to users with"
          + " a second factor; NIST SP 800-63B-4 requires "
          + PasswordRules.SINGLE_FACTOR_MIN_LENGTH + " for a password used alone, so users"
          + " without two-factor always need at least "
          + PasswordRules.SINGLE_FACTOR_MIN_LENGTH + " characters.");
    }
    return List.copyOf(w);
  }

  /**
   * Whether a passkey that verified this user completes their whole sign-in: the practice
   * allows it for the user's audience and allows passkeys for it.
   */
  public boolean passkeyCompletesSignIn(UserRef user) {
    return passkeySignIn.contains(user.audience())
        && methodsFor(user.audience()).contains(FactorKind.PASSKEY);
  }

  /** The kinds a user of this audience may use. */
  public Set<FactorKind> methodsFor(Audience audience) {
    return audience == Audience.STAFF ? staffMethods : clientMethods;
  }

  /** Whether two-factor is required of this user. */
  public boolean requires(UserRef user) {
    return requirement.requires(user.audience());
  }

  /** Builds a {@link PracticePolicy}; starts with the defaults. */
  public static final class Builder {
    private static final Set<FactorKind> ALL = Set.of(
        FactorKind.TOTP, FactorKind.PHONE, FactorKind.PASSKEY, FactorKind.BACKUP_CODE);

    private TwoFactorRequirement requirement = TwoFactorRequirement.NONE;
    private Set<FactorKind> staffMethods = ALL;
    private Set<FactorKind> clientMethods = ALL;
    private Duration rememberDevice = Duration.ZERO;
    private Duration challengeLifetime = Duration.ofMinutes(5);
    private int maxAttemptsPerChallenge = 5;
    private int lockoutThreshold = 5;
    private Duration lockoutBase = Duration.ofMinutes(1);
    private Duration lockoutMax = Duration.ofHours(1);
    private int factorFailureLimit = 100;
    private int codeLength = 6;
    private Duration codeLifetime = Duration.ofMinutes(3);
    private Set<Audience> passkeySignIn = Set.of(Audience.STAFF, Audience.CLIENT);
    private Reauthentication reauthentication = Reauthentication.PASSWORD;
    private Duration stepUpMaxAge = Duration.ofMinutes(5);
    private int totpWindow = 1;
    private boolean requireNonPhoneFactor = false;
    private int enrollmentGraceSignIns = 0;
    private Duration enrollmentGracePeriod = Duration.ZERO;
    private int minPasswordLength = 0;
    private int passwordCharacterClasses = 0;

    private Builder() {}

    /** Who must use two-factor. */
    public Builder requirement(TwoFactorRequirement v) {
      requirement = v;
      return this;
    }

    /** Kinds staff may use. */
    public Builder staffMethods(Set<FactorKind> v) {
      staffMethods = v;
      return this;
    }

    /** Kinds clients may use. */
    public Builder clientMethods(Set<FactorKind> v) {
      clientMethods = v;
      return this;
    }

    /** How long "remember this device" lasts; zero disables it. */
    public Builder rememberDevice(Duration v) {
      rememberDevice = v;
      return this;
    }

    /** Lifetime of a pending sign-in. */
    public Builder challengeLifetime(Duration v) {
      challengeLifetime = v;
      return this;
    }

    /** Answers per challenge. */
    public Builder maxAttemptsPerChallenge(int v) {
      maxAttemptsPerChallenge = v;
      return this;
    }

    /** Consecutive failures before a lock, first lock period, longest lock period. */
    public Builder lockout(int threshold, Duration base, Duration max) {
      lockoutThreshold = threshold;
      lockoutBase = base;
      lockoutMax = max;
      return this;
    }

    /** Consecutive failures of one factor that disable it. */
    public Builder factorFailureLimit(int v) {
      factorFailureLimit = v;
      return this;
    }

    /** Digits of SMS/voice codes. */
    public Builder codeLength(int v) {
      codeLength = v;
      return this;
    }

    /** Lifetime of SMS/voice codes. */
    public Builder codeLifetime(Duration v) {
      codeLifetime = v;
      return this;
    }

    /** TOTP steps accepted either side. */
    public Builder totpWindow(int v) {
      totpWindow = v;
      return this;
    }

    /** Whether phone users must also hold a non-phone factor. */
    public Builder requireNonPhoneFactor(boolean v) {
      requireNonPhoneFactor = v;
      return this;
    }

    /** Sign-ins and period of grace before enrollment becomes mandatory. */
    public Builder enrollmentGrace(int signIns, Duration period) {
      enrollmentGraceSignIns = signIns;
      enrollmentGracePeriod = period;
      return this;
    }

    /** The practice's minimum password length (0 = NIST default). */
    public Builder minPasswordLength(int v) {
      minPasswordLength = v;
      return this;
    }

    /** Kinds of characters a new password must mix (0 = no composition rule, the default). */
    public Builder passwordCharacterClasses(int v) {
      passwordCharacterClasses = v;
      return this;
    }

    /**
     * The audiences whose passkey sign-in, with the person verified, completes the whole sign-in
     * (default both); see {@link PracticePolicy#passkeySignIn()}.
     */
    public Builder passkeySignIn(Set<Audience> v) {
      passkeySignIn = v;
      return this;
    }

    /** What changes that weaken security, and administrators' changes, ask first. */
    public Builder reauthentication(Reauthentication v) {
      reauthentication = v;
      return this;
    }

    /** How recent a proof must be to count for such a change (default 5 minutes). */
    public Builder stepUpMaxAge(Duration v) {
      stepUpMaxAge = v;
      return this;
    }

    /** Validates and builds. */
    public PracticePolicy build() {
      return new PracticePolicy(requirement, staffMethods, clientMethods, rememberDevice,
          challengeLifetime, maxAttemptsPerChallenge, lockoutThreshold, lockoutBase, lockoutMax,
          factorFailureLimit, codeLength, codeLifetime, totpWindow, requireNonPhoneFactor,
          enrollmentGraceSignIns, enrollmentGracePeriod, minPasswordLength,
          passwordCharacterClasses, passkeySignIn, reauthentication, stepUpMaxAge);
    }
  }
}
