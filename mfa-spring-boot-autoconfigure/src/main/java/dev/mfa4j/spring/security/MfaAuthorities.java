package dev.mfa4j.spring.security;

import dev.mfa4j.Assurance;
import dev.mfa4j.FactorKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;

/**
 * The factor authorities mfa4j grants, as Spring Security 7 {@link FactorGrantedAuthority}s whose
 * {@link FactorGrantedAuthority#getIssuedAt() issue time} is when the user gave that proof (by the
 * engine's clock), so that {@code RequiredFactor.validDuration} rules (step-up) work as Spring
 * documents them.
 *
 * <table>
 *   <caption>Authorities</caption>
 *   <tr><th>authority</th><th>granted when</th></tr>
 *   <tr><td>{@value #SIGN_IN_COMPLETE}</td><td>mfa4j completed the sign-in: the second step was
 *       passed, or mfa4j decided none was needed (two-factor off and not required, a remembered
 *       device). The auto-configuration requires it of every rule by default, as {@code
 *       @EnableMultiFactorAuthentication(authorities = "FACTOR_MFA4J")} would</td></tr>
 *   <tr><td>{@value #TOTP}</td><td>an authenticator app code</td></tr>
 *   <tr><td>{@value #PHONE}</td><td>a code by text message or voice call</td></tr>
 *   <tr><td>{@code FACTOR_WEBAUTHN} ({@link FactorGrantedAuthority#WEBAUTHN_AUTHORITY})</td>
 *       <td>a passkey or security key: Spring Security's own name</td></tr>
 *   <tr><td>{@value #BACKUP_CODE}</td><td>a backup (recovery) code</td></tr>
 *   <tr><td>{@value #ANY_SECOND_FACTOR}</td><td>any of the four above, at the latest such
 *       proof: for step-up rules that accept whichever factor the user has</td></tr>
 *   <tr><td>{@value #REMEMBERED_DEVICE}</td><td>a remembered browser skipped the second step
 *       (not an authenticator: it grants no factor above)</td></tr>
 *   <tr><td>{@code FACTOR_<KIND>}</td><td>a factor of another kind the application
 *       registered</td></tr>
 * </table>
 *
 * <p>The password stays Spring Security's {@code FACTOR_PASSWORD}, granted by its own
 * authentication. mfa4j's authorities are granted only to the principal whose sign-in mfa4j
 * completed in this session; they never carry over to another principal.
 */
public final class MfaAuthorities {
  /** mfa4j completed the sign-in. */
  public static final String SIGN_IN_COMPLETE = "FACTOR_MFA4J";
  /** An authenticator app (RFC 6238) code. */
  public static final String TOTP = "FACTOR_TOTP";
  /** A text message or voice call code. */
  public static final String PHONE = "FACTOR_PHONE";
  /** A passkey: Spring Security's {@link FactorGrantedAuthority#WEBAUTHN_AUTHORITY}. */
  public static final String PASSKEY = FactorGrantedAuthority.WEBAUTHN_AUTHORITY;
  /** A backup code. */
  public static final String BACKUP_CODE = "FACTOR_BACKUP_CODE";
  /** Any second factor. */
  public static final String ANY_SECOND_FACTOR = "FACTOR_MFA4J_SECOND";
  /** A remembered browser. */
  public static final String REMEMBERED_DEVICE = "FACTOR_REMEMBERED_DEVICE";

  /** The names only mfa4j grants (every one above but {@link #PASSKEY}). */
  static final Set<String> OWN = Set.of(SIGN_IN_COMPLETE, TOTP, PHONE, BACKUP_CODE,
      ANY_SECOND_FACTOR, REMEMBERED_DEVICE);

  private MfaAuthorities() {}

  /** The authority a proof of {@code kind} grants. */
  public static String forKind(FactorKind kind) {
    Objects.requireNonNull(kind, "kind");
    if (kind.equals(FactorKind.TOTP)) {
      return TOTP;
    }
    if (kind.equals(FactorKind.PHONE)) {
      return PHONE;
    }
    if (kind.equals(FactorKind.PASSKEY)) {
      return PASSKEY;
    }
    if (kind.equals(FactorKind.BACKUP_CODE)) {
      return BACKUP_CODE;
    }
    return "FACTOR_" + kind.id().toUpperCase(Locale.ROOT);
  }

  /**
   * The authorities of an assurance record: one per proof (the latest of each), {@link
   * #ANY_SECOND_FACTOR} at the latest second factor, and {@link #SIGN_IN_COMPLETE} at {@code
   * signedInAt}. The password proof is left to Spring Security's {@code FACTOR_PASSWORD}.
   */
  public static List<GrantedAuthority> of(Assurance assurance, Instant signedInAt) {
    Objects.requireNonNull(assurance, "assurance");
    Objects.requireNonNull(signedInAt, "signedInAt");
    Map<String, Instant> latest = new LinkedHashMap<>();
    for (Assurance.Proof p : assurance.proofs()) {
      String name = switch (p.type()) {
        case PASSWORD -> null;
        case FACTOR -> forKind(p.kind().orElseThrow());
        case REMEMBERED_DEVICE -> REMEMBERED_DEVICE;
      };
      if (name != null) {
        latest.merge(name, p.at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    assurance.secondFactorAt().ifPresent(t -> latest.put(ANY_SECOND_FACTOR, t));
    latest.put(SIGN_IN_COMPLETE, signedInAt);
    List<GrantedAuthority> out = new ArrayList<>();
    latest.forEach((name, at) ->
        out.add(FactorGrantedAuthority.withAuthority(name).issuedAt(at).build()));
    return List.copyOf(out);
  }

  /** Whether the authentication's authorities include {@code name}. */
  static boolean has(Iterable<? extends GrantedAuthority> authorities, String name) {
    for (GrantedAuthority a : authorities) {
      if (name.equals(a.getAuthority())) {
        return true;
      }
    }
    return false;
  }
}
