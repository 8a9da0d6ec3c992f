package dev.mfa4j.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mfa4j.*} properties. The keys never print: {@link Secret#toString()} shows their ids
 * only.
 *
 * <pre>
 * mfa4j.secret.keys.k1=${MFA4J_KEY_K1}     # base64 of 32 random bytes
 * mfa4j.secret.current=k1
 * mfa4j.totp.issuer=Sunrise Therapy
 * mfa4j.webauthn.rp-id=app.example.com
 * mfa4j.policy.requirement=ALL_STAFF
 * </pre>
 */
@ConfigurationProperties(prefix = "mfa4j")
public class Mfa4jProperties {
  /**
   * Development only: start without a configured secret key (an ephemeral key is generated and a
   * WARN logged; everything sealed with it is unreadable after a restart) and without a DataSource
   * (an in-memory store).
   */
  private boolean devMode = false;

  private final Secret secret = new Secret();
  private final Store store = new Store();
  private final Totp totp = new Totp();
  private final Webauthn webauthn = new Webauthn();
  private final Phone phone = new Phone();
  private final Policy policy = new Policy();
  private final Web web = new Web();
  private final Audit audit = new Audit();
  private final Purge purge = new Purge();

  /** Whether development mode is on. */
  public boolean isDevMode() {
    return devMode;
  }

  /** Turns development mode on or off. */
  public void setDevMode(boolean devMode) {
    this.devMode = devMode;
  }

  /** The keys that seal factor secrets. */
  public Secret getSecret() {
    return secret;
  }

  /** The JDBC store. */
  public Store getStore() {
    return store;
  }

  /** Authenticator apps. */
  public Totp getTotp() {
    return totp;
  }

  /** Passkeys. */
  public Webauthn getWebauthn() {
    return webauthn;
  }

  /** Codes by text message or voice call. */
  public Phone getPhone() {
    return phone;
  }

  /** The default practice policy. */
  public Policy getPolicy() {
    return policy;
  }

  /** The web and Spring Security integration. */
  public Web getWeb() {
    return web;
  }

  /** The audit log. */
  public Audit getAudit() {
    return audit;
  }

  /** The scheduled purge of expired data. */
  public Purge getPurge() {
    return purge;
  }

  /** {@code mfa4j.secret.*}: AES-256-GCM keys with ids, for rotation. */
  public static class Secret {
    /**
     * The keyring: key id to the base64 encoding of 32 random bytes, e.g. {@code
     * mfa4j.secret.keys.k1=...} or the environment variable {@code MFA4J_SECRET_KEYS_K1}. Ids are
     * 1 to 64 characters of [A-Za-z0-9._-] and are stored in every ciphertext.
     */
    private Map<String, String> keys = new LinkedHashMap<>();

    /** The id of the key that seals new secrets; may be omitted when the ring has one key. */
    private String current;

    /**
     * The id of the ring key the keyed hashes (MACs) derive from. Required once the ring holds two
     * or more keys: name the key the ring started with, so that a rotation keeps stored MACs.
     */
    private String macKey;

    /** Key ids to their base64 keys. */
    public Map<String, String> getKeys() {
      return keys;
    }

    /** Sets the keyring. */
    public void setKeys(Map<String, String> keys) {
      this.keys = keys;
    }

    /** The current key id. */
    public String getCurrent() {
      return current;
    }

    /** Sets the current key id. */
    public void setCurrent(String current) {
      this.current = current;
    }

    /** The MAC root key id. */
    public String getMacKey() {
      return macKey;
    }

    /** Sets the MAC root key id. */
    public void setMacKey(String macKey) {
      this.macKey = macKey;
    }

    @Override
    public String toString() {
      return "Secret[keys=" + keys.keySet() + ", current=" + current + "]";
    }
  }

  /** {@code mfa4j.store.*}: the JDBC store on the application's DataSource. */
  public static class Store {
    /**
     * Whether mfa4j runs its own schema migrations at start-up. False leaves the schema to the
     * application's Flyway or Liquibase, with the scripts in db/mfa4j/&lt;dialect&gt;/ of
     * mfa-store-jdbc.
     */
    private boolean migrate = true;

    /** The prefix of mfa4j's table names: 0 to 16 characters of [a-z0-9_]. */
    private String tablePrefix = "mfa_";

    /** Whether migrations run. */
    public boolean isMigrate() {
      return migrate;
    }

    /** Sets whether migrations run. */
    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }

    /** The table prefix. */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /** Sets the table prefix. */
    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }
  }

  /** {@code mfa4j.totp.*}: authenticator apps (always registered). */
  public static class Totp {
    /**
     * The name authenticator apps show beside the account (RFC 6238 key URI issuer). Default:
     * spring.application.name, else "mfa4j".
     */
    private String issuer;

    /** The issuer. */
    public String getIssuer() {
      return issuer;
    }

    /** Sets the issuer. */
    public void setIssuer(String issuer) {
      this.issuer = issuer;
    }
  }

  /** {@code mfa4j.webauthn.*}: passkeys, registered when rp-id is set and mfa-webauthn present. */
  public static class Webauthn {
    /** The relying party id: the registrable domain the site runs on, e.g. app.example.com. */
    private String rpId;

    /** The relying party name authenticators show. Default: the TOTP issuer. */
    private String rpName;

    /**
     * The origins browsers may report, compared exactly (scheme, host, port). Default:
     * https:// and the rp-id. Only https:// origins are accepted, and http://localhost for
     * development.
     */
    private List<String> origins = new ArrayList<>();

    /** Whether a passkey alone may sign a user in (passwordless, discoverable credentials). */
    private boolean passwordless = false;

    /**
     * User verification asked in a passwordless sign-in. REQUIRED (PIN or biometrics; an answer
     * without it is refused) makes the passkey alone a multi-factor authenticator. PREFERRED
     * also accepts a passkey that only saw a touch, as one factor: the engine then asks for the
     * password as well. DISCOURAGED does not ask for verification at all.
     */
    private UserVerification passwordlessUserVerification = UserVerification.REQUIRED;

    /**
     * Origins of other sites whose pages may use passkeys of this rp-id (WebAuthn related origin
     * requests): when set, GET /.well-known/webauthn answers their list as application/json,
     * without sign-in. Each is https://host[:port] in lower case, without path (or
     * http://localhost for development), of at most five sites; an invalid list refuses
     * start-up. List them in mfa4j.webauthn.origins too, for the server to accept their
     * ceremonies.
     */
    private List<String> relatedOrigins = new ArrayList<>();

    /** The relying party id. */
    public String getRpId() {
      return rpId;
    }

    /** Sets the relying party id. */
    public void setRpId(String rpId) {
      this.rpId = rpId;
    }

    /** The relying party name. */
    public String getRpName() {
      return rpName;
    }

    /** Sets the relying party name. */
    public void setRpName(String rpName) {
      this.rpName = rpName;
    }

    /** The allowed origins. */
    public List<String> getOrigins() {
      return origins;
    }

    /** Sets the allowed origins. */
    public void setOrigins(List<String> origins) {
      this.origins = origins;
    }

    /** Whether passwordless sign-in is on. */
    public boolean isPasswordless() {
      return passwordless;
    }

    /** Turns passwordless sign-in on or off. */
    public void setPasswordless(boolean passwordless) {
      this.passwordless = passwordless;
    }

    /** User verification asked in a passwordless sign-in. */
    public UserVerification getPasswordlessUserVerification() {
      return passwordlessUserVerification;
    }

    /** Sets the user verification asked in a passwordless sign-in. */
    public void setPasswordlessUserVerification(UserVerification passwordlessUserVerification) {
      this.passwordlessUserVerification = passwordlessUserVerification;
    }

    /** The related origins of {@code /.well-known/webauthn}. */
    public List<String> getRelatedOrigins() {
      return relatedOrigins;
    }

    /** Sets the related origins of {@code /.well-known/webauthn}. */
    public void setRelatedOrigins(List<String> relatedOrigins) {
      this.relatedOrigins = relatedOrigins;
    }

    /** The WebAuthn {@code userVerification} of a request, as mfa-webauthn's builder takes it. */
    public enum UserVerification {
      /** The authenticator must verify the user (PIN, biometrics). */
      REQUIRED,
      /** Verify the user when the authenticator can. */
      PREFERRED,
      /** Do not ask for user verification. */
      DISCOURAGED
    }
  }

  /** {@code mfa4j.phone.*}: codes by text or call, registered when a MessageSender bean exists. */
  public static class Phone {
    /** The ISO 3166 region of numbers typed without + and country code, e.g. US. */
    private String defaultRegion;

    /**
     * The ISO 3166 regions whose numbers are accepted. Default: mfa4j's list (US, CA, GB, IE, AU,
     * NZ, the EU and EEA countries, CH).
     */
    private Set<String> allowedRegions = new LinkedHashSet<>();

    /** The default region. */
    public String getDefaultRegion() {
      return defaultRegion;
    }

    /** Sets the default region. */
    public void setDefaultRegion(String defaultRegion) {
      this.defaultRegion = defaultRegion;
    }

    /** The accepted regions. */
    public Set<String> getAllowedRegions() {
      return allowedRegions;
    }

    /** Sets the accepted regions. */
    public void setAllowedRegions(Set<String> allowedRegions) {
      this.allowedRegions = allowedRegions;
    }
  }

  /**
   * {@code mfa4j.policy.*}: the policy of practices that never set their own. Unset values keep
   * mfa4j's defaults (PracticePolicy.defaults()).
   */
  public static class Policy {
    /** Who must use two-factor: NONE, ALL_STAFF or ALL_STAFF_AND_CLIENTS. */
    private String requirement;

    /** Factor kinds staff may use (totp, phone, passkey, backup_code). */
    private Set<String> staffMethods;

    /** Factor kinds clients may use (totp, phone, passkey, backup_code). */
    private Set<String> clientMethods;

    /** How long "remember this device" lasts; 0 asks at every sign-in. */
    private Duration rememberDevice;

    /** How long a pending sign-in waits for its second step (30 s to 10 min). */
    private Duration challengeLifetime;

    /** Answers accepted per challenge (1 to 10). */
    private Integer maxAttemptsPerChallenge;

    /** Consecutive failures before the user's second step locks (1 to 100). */
    private Integer lockoutThreshold;

    /** The first lock period; it doubles with each further threshold reached. */
    private Duration lockoutBase;

    /** The longest lock period. */
    private Duration lockoutMax;

    /** TOTP time steps accepted either side of now (0 to 2). */
    private Integer totpWindow;

    /** Digits of text and voice codes (6 to 8). */
    private Integer codeLength;

    /** Lifetime of text and voice codes (30 s to 10 min). */
    private Duration codeLifetime;

    /** Whether phone users must also hold a factor other than the phone. */
    private Boolean requireNonPhoneFactor;

    /**
     * What changes that weaken an account ask first: PASSWORD, STEP_UP or PASSWORD_AND_STEP_UP.
     */
    private String reauthentication;

    /** How recent a proof must be to count for such a change (30 s to 12 h). */
    private Duration stepUpMaxAge;

    /**
     * The practice's shortest password; the NIST minimums (15 characters while the password is the
     * user's only factor, 8 with two-factor on) apply whatever is set lower.
     */
    private Integer minPasswordLength;

    /**
     * The audiences a passkey that verified the person signs in alone (STAFF, CLIENT); others
     * give their password as well.
     */
    private Set<String> passkeySignIn;

    /** The requirement. */
    public String getRequirement() {
      return requirement;
    }

    /** Sets the requirement. */
    public void setRequirement(String requirement) {
      this.requirement = requirement;
    }

    /** Staff's kinds. */
    public Set<String> getStaffMethods() {
      return staffMethods;
    }

    /** Sets staff's kinds. */
    public void setStaffMethods(Set<String> staffMethods) {
      this.staffMethods = staffMethods;
    }

    /** Clients' kinds. */
    public Set<String> getClientMethods() {
      return clientMethods;
    }

    /** Sets clients' kinds. */
    public void setClientMethods(Set<String> clientMethods) {
      this.clientMethods = clientMethods;
    }

    /** The remember-device period. */
    public Duration getRememberDevice() {
      return rememberDevice;
    }

    /** Sets the remember-device period. */
    public void setRememberDevice(Duration rememberDevice) {
      this.rememberDevice = rememberDevice;
    }

    /** The challenge lifetime. */
    public Duration getChallengeLifetime() {
      return challengeLifetime;
    }

    /** Sets the challenge lifetime. */
    public void setChallengeLifetime(Duration challengeLifetime) {
      this.challengeLifetime = challengeLifetime;
    }

    /** Answers per challenge. */
    public Integer getMaxAttemptsPerChallenge() {
      return maxAttemptsPerChallenge;
    }

    /** Sets answers per challenge. */
    public void setMaxAttemptsPerChallenge(Integer maxAttemptsPerChallenge) {
      this.maxAttemptsPerChallenge = maxAttemptsPerChallenge;
    }

    /** The lockout threshold. */
    public Integer getLockoutThreshold() {
      return lockoutThreshold;
    }

    /** Sets the lockout threshold. */
    public void setLockoutThreshold(Integer lockoutThreshold) {
      this.lockoutThreshold = lockoutThreshold;
    }

    /** The first lock period. */
    public Duration getLockoutBase() {
      return lockoutBase;
    }

    /** Sets the first lock period. */
    public void setLockoutBase(Duration lockoutBase) {
      this.lockoutBase = lockoutBase;
    }

    /** The longest lock period. */
    public Duration getLockoutMax() {
      return lockoutMax;
    }

    /** Sets the longest lock period. */
    public void setLockoutMax(Duration lockoutMax) {
      this.lockoutMax = lockoutMax;
    }

    /** The TOTP window. */
    public Integer getTotpWindow() {
      return totpWindow;
    }

    /** Sets the TOTP window. */
    public void setTotpWindow(Integer totpWindow) {
      this.totpWindow = totpWindow;
    }

    /** The code length. */
    public Integer getCodeLength() {
      return codeLength;
    }

    /** Sets the code length. */
    public void setCodeLength(Integer codeLength) {
      this.codeLength = codeLength;
    }

    /** The code lifetime. */
    public Duration getCodeLifetime() {
      return codeLifetime;
    }

    /** Sets the code lifetime. */
    public void setCodeLifetime(Duration codeLifetime) {
      this.codeLifetime = codeLifetime;
    }

    /** Whether a non-phone factor is required beside a phone. */
    public Boolean getRequireNonPhoneFactor() {
      return requireNonPhoneFactor;
    }

    /** Sets whether a non-phone factor is required beside a phone. */
    public void setRequireNonPhoneFactor(Boolean requireNonPhoneFactor) {
      this.requireNonPhoneFactor = requireNonPhoneFactor;
    }

    /** The reauthentication rule. */
    public String getReauthentication() {
      return reauthentication;
    }

    /** Sets the reauthentication rule. */
    public void setReauthentication(String reauthentication) {
      this.reauthentication = reauthentication;
    }

    /** The step-up maximum age. */
    public Duration getStepUpMaxAge() {
      return stepUpMaxAge;
    }

    /** Sets the step-up maximum age. */
    public void setStepUpMaxAge(Duration stepUpMaxAge) {
      this.stepUpMaxAge = stepUpMaxAge;
    }

    /** The practice's shortest password. */
    public Integer getMinPasswordLength() {
      return minPasswordLength;
    }

    /** Sets the practice's shortest password. */
    public void setMinPasswordLength(Integer minPasswordLength) {
      this.minPasswordLength = minPasswordLength;
    }

    /** The audiences a passkey alone signs in. */
    public Set<String> getPasskeySignIn() {
      return passkeySignIn;
    }

    /** Sets the audiences a passkey alone signs in. */
    public void setPasskeySignIn(Set<String> passkeySignIn) {
      this.passkeySignIn = passkeySignIn;
    }
  }

  /** {@code mfa4j.web.*}: pages, JSON API and the Spring Security integration. */
  public static class Web {
    /** Whether the pages under /mfa4j/**, the JSON API under /mfa4j/api/** and the filter run. */
    private boolean enabled = true;

    /**
     * Whether every authorization rule (authenticated(), hasRole(...)) also requires the
     * FACTOR_MFA4J authority, i.e. a completed mfa4j sign-in, when the application defines no
     * AuthorizationManagerFactory of its own (as @EnableMultiFactorAuthentication does).
     */
    private boolean requireSignInComplete = true;

    /**
     * Whether every security filter chain with CSRF protection keeps its tokens with
     * MfaCsrfTokenRepository: session-held tokens as Spring Security's default, except that a
     * refused cross-site POST (one arriving without the session cookie) creates no session, so
     * its 403 cannot replace the victim's session cookie. A chain that sets its own CSRF token
     * repository keeps it.
     */
    private boolean csrfSessionSafe = true;

    /**
     * The Content-Security-Policy of mfa4j's own pages and API under /mfa4j/ (their chain is not
     * the application's, so the application's headers do not reach them). The default allows
     * only this origin's style sheets, scripts and forms, and QR codes as data: images; blank
     * sends none.
     */
    private String contentSecurityPolicy = "default-src 'self'; img-src 'self' data:;"
        + " style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self';"
        + " frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /** Where to go after the second step when no request was saved. */
    private String defaultSuccessUrl = "/";

    /** Where a sign-in that must start again is sent. */
    private String loginUrl = "/login";

    /**
     * The application's sign-out URL: the "Cancel and sign out" button of mfa4j's pages posts
     * to it, with the CSRF token.
     */
    private String logoutUrl = "/logout";

    /** The name of the remembered-device cookie (HttpOnly, Secure). */
    private String deviceCookieName = "mfa4j_device";

    /** The SameSite attribute of the remembered-device cookie: Lax or Strict. */
    private String deviceCookieSameSite = "Lax";

    /**
     * The factor authorities that mean "the host checked the password": a new authentication
     * holding one of them goes through mfa4j's second step.
     */
    private List<String> primaryFactors = new ArrayList<>(List.of("FACTOR_PASSWORD"));

    /**
     * The practice whose users sign in with a passkey on this application's sign-in page (the
     * passwordless endpoints under /mfa4j/passkey and /mfa4j/api/passkey). Default: the practice
     * of MfaUserResolver.singlePractice, if the resolver is one; an application with several
     * practices defines an MfaPrincipalLookup bean instead.
     */
    private String practice;

    /** Whether the integration is on. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Turns the integration on or off. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Whether a completed mfa4j sign-in is required by default. */
    public boolean isRequireSignInComplete() {
      return requireSignInComplete;
    }

    /** Sets whether a completed mfa4j sign-in is required by default. */
    public void setRequireSignInComplete(boolean requireSignInComplete) {
      this.requireSignInComplete = requireSignInComplete;
    }

    /** Whether MfaCsrfTokenRepository is installed. */
    public boolean isCsrfSessionSafe() {
      return csrfSessionSafe;
    }

    /** Sets whether MfaCsrfTokenRepository is installed. */
    public void setCsrfSessionSafe(boolean csrfSessionSafe) {
      this.csrfSessionSafe = csrfSessionSafe;
    }

    /** The Content-Security-Policy of mfa4j's pages; blank for none. */
    public String getContentSecurityPolicy() {
      return contentSecurityPolicy;
    }

    /** Sets the Content-Security-Policy of mfa4j's pages; blank for none. */
    public void setContentSecurityPolicy(String contentSecurityPolicy) {
      this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /** The default success URL. */
    public String getDefaultSuccessUrl() {
      return defaultSuccessUrl;
    }

    /** Sets the default success URL. */
    public void setDefaultSuccessUrl(String defaultSuccessUrl) {
      this.defaultSuccessUrl = defaultSuccessUrl;
    }

    /** The login URL. */
    public String getLoginUrl() {
      return loginUrl;
    }

    /** Sets the login URL. */
    public void setLoginUrl(String loginUrl) {
      this.loginUrl = loginUrl;
    }

    /** The sign-out URL mfa4j's pages post to. */
    public String getLogoutUrl() {
      return logoutUrl;
    }

    /** Sets the sign-out URL mfa4j's pages post to. */
    public void setLogoutUrl(String logoutUrl) {
      this.logoutUrl = logoutUrl;
    }

    /** The device cookie's name. */
    public String getDeviceCookieName() {
      return deviceCookieName;
    }

    /** Sets the device cookie's name. */
    public void setDeviceCookieName(String deviceCookieName) {
      this.deviceCookieName = deviceCookieName;
    }

    /** The device cookie's SameSite attribute. */
    public String getDeviceCookieSameSite() {
      return deviceCookieSameSite;
    }

    /** Sets the device cookie's SameSite attribute. */
    public void setDeviceCookieSameSite(String deviceCookieSameSite) {
      this.deviceCookieSameSite = deviceCookieSameSite;
    }

    /** The primary factor authorities. */
    public List<String> getPrimaryFactors() {
      return primaryFactors;
    }

    /** Sets the primary factor authorities. */
    public void setPrimaryFactors(List<String> primaryFactors) {
      this.primaryFactors = primaryFactors;
    }

    /** The practice of passkey sign-in. */
    public String getPractice() {
      return practice;
    }

    /** Sets the practice of passkey sign-in. */
    public void setPractice(String practice) {
      this.practice = practice;
    }
  }

  /** {@code mfa4j.audit.*}. */
  public static class Audit {
    /** Whether every audit event is also logged as one INFO line on the logger dev.mfa4j.audit. */
    private boolean log = true;

    /** Whether audit events are logged. */
    public boolean isLog() {
      return log;
    }

    /** Sets whether audit events are logged. */
    public void setLog(boolean log) {
      this.log = log;
    }
  }

  /** {@code mfa4j.purge.*}: the scheduled {@code MfaEngine.purgeExpired()}. */
  public static class Purge {
    /**
     * How often expired challenges, counters and remembered devices are deleted, the first run one
     * interval after start-up; 0 turns the schedule off (run MfaEngine.purgeExpired() yourself).
     */
    private Duration interval = Duration.ofHours(1);

    /** The interval. */
    public Duration getInterval() {
      return interval;
    }

    /** Sets the interval. */
    public void setInterval(Duration interval) {
      this.interval = interval;
    }
  }
}
