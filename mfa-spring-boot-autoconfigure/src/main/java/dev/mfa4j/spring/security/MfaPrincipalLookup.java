package dev.mfa4j.spring.security;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The way back from an mfa4j user to the application's principal, for a sign-in that starts with
 * a passkey: no password was typed, so Spring Security has no principal yet, and the passkey names
 * only an mfa4j user id. {@link MfaFlow} asks this lookup for the principal, checks that the
 * {@link MfaUserResolver} maps it back to the same user (practice and id), and then signs it in
 * with mfa4j's factor authorities added to the principal's own.
 *
 * <p>When the application has a {@link UserDetailsService}, the auto-configuration defines one
 * over it ({@link #userDetails}): the user named by {@link MfaUserResolver#username(PracticeId,
 * UserId)} (default: the user id), if enabled, not locked and not expired. Define a bean of this
 * type to look principals up another way, or to serve several practices (by host name, say):
 *
 * <pre>{@code
 * @Bean
 * MfaPrincipalLookup mfaPrincipals(AccountRepository accounts) {
 *   return new MfaPrincipalLookup() {
 *     public Optional<PracticeId> practice(HttpServletRequest request) {
 *       return accounts.practiceOfHost(request.getServerName()).map(PracticeId::of);
 *     }
 *     public Optional<Authentication> principal(PracticeId practice, UserId user) {
 *       return accounts.findActive(practice.value(), user.value()).map(a ->
 *           UsernamePasswordAuthenticationToken.authenticated(a, null, a.getAuthorities()));
 *     }
 *   };
 * }
 * }</pre>
 */
public interface MfaPrincipalLookup {
  /**
   * The practice whose users may sign in with a passkey through this request (the sign-in page's
   * site); empty if passkey sign-in does not apply to it. Must not return null.
   */
  Optional<PracticeId> practice(HttpServletRequest request);

  /**
   * The authenticated principal of the user {@code user} of {@code practice}, with the
   * authorities the application's own sign-in gives it (roles; no factor authorities: mfa4j adds
   * those), or empty if the application has no such user or does not let them sign in now
   * (disabled, locked). Must not return null.
   */
  Optional<Authentication> principal(PracticeId practice, UserId user);

  /**
   * A lookup over a {@link UserDetailsService} for one practice: loads {@link
   * MfaUserResolver#username(PracticeId, UserId)} and refuses users that are disabled, locked or
   * expired.
   */
  static MfaPrincipalLookup userDetails(UserDetailsService users, MfaUserResolver names,
      PracticeId practice) {
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(practice, "practice");
    return new MfaPrincipalLookup() {
      @Override
      public Optional<PracticeId> practice(HttpServletRequest request) {
        return Optional.of(practice);
      }

      @Override
      public Optional<Authentication> principal(PracticeId p, UserId user) {
        if (!practice.equals(p)) {
          return Optional.empty();
        }
        UserDetails details;
        try {
          details = users.loadUserByUsername(names.username(p, user));
        } catch (UsernameNotFoundException e) {
          return Optional.empty();
        }
        if (details == null || !details.isEnabled() || !details.isAccountNonLocked()
            || !details.isAccountNonExpired()) {
          return Optional.empty();
        }
        if (details instanceof CredentialsContainer c) {
          c.eraseCredentials(); // as Spring's ProviderManager does after a sign-in
        }
        return Optional.of(UsernamePasswordAuthenticationToken.authenticated(details, null,
            details.getAuthorities()));
      }

      @Override
      public String toString() {
        return "MfaPrincipalLookup.userDetails(" + practice.value() + ")";
      }
    };
  }
}
