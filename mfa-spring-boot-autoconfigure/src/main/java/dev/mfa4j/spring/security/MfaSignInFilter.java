package dev.mfa4j.spring.security;

import dev.mfa4j.UserRef;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs after Spring Security's authentication filters. When a principal arrives that the host
 * authenticated with a password ({@code FACTOR_PASSWORD}) and mfa4j has not yet decided about,
 * it asks the engine ({@code afterPrimary}); until the engine says the sign-in is complete the
 * principal holds only its password factor, so rules requiring {@link
 * MfaAuthorities#SIGN_IN_COMPLETE} send it to the second step.
 *
 * <p>It also keeps factors of two principals apart: mfa4j's authorities are valid only while the
 * session's mfa4j state belongs to the very principal that holds them. A principal holding them
 * without such a state (another user authenticated into a session where someone else passed the
 * second step, and Spring's factor merge carried the authorities over) loses them, and goes
 * through its own second step.
 */
final class MfaSignInFilter extends OncePerRequestFilter {
  private final MfaFlow flow;
  private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
  private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();
  private final SecurityContextHolderStrategy holder =
      SecurityContextHolder.getContextHolderStrategy();

  MfaSignInFilter(MfaFlow flow) {
    this.flow = flow;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    decide(request, response);
    chain.doFilter(request, response);
  }

  private void decide(HttpServletRequest request, HttpServletResponse response) {
    Authentication auth = holder.getContext().getAuthentication();
    HttpSession session = request.getSession(false);
    if (auth == null || !auth.isAuthenticated() || trust.isAnonymous(auth) || session == null) {
      return;
    }
    Optional<UserRef> user = flow.users().resolve(auth);
    if (user.isEmpty()) {
      return;
    }
    MfaState state = MfaState.in(session).orElse(null);
    if (state != null && !state.isFor(user.get())) {
      // another principal's sign-in: none of it applies to this one
      MfaState.remove(session);
      state = null;
      auth = strip(request, response, auth, true);
    }
    long primaryAt = flow.primaryAt(auth);
    if (MfaAuthorities.has(auth.getAuthorities(), MfaAuthorities.SIGN_IN_COMPLETE)) {
      if (state != null && state.signedIn()) {
        return;
      }
      // mfa4j's authorities without mfa4j's sign-in in this session: not trusted
      auth = strip(request, response, auth, false);
    }
    if (primaryAt < 0) {
      return;
    }
    if (state != null && !state.signedIn() && state.primaryAt == primaryAt) {
      return;
    }
    flow.afterPrimary(request, response, user.get(), primaryAt);
  }

  /** Removes mfa4j's authorities (and a passkey's, if another principal's may be among them). */
  private Authentication strip(HttpServletRequest request, HttpServletResponse response,
      Authentication auth, boolean passkeyToo) {
    Authentication stripped = auth.toBuilder().authorities(c -> c.removeIf(g ->
        MfaAuthorities.OWN.contains(g.getAuthority())
            || (passkeyToo && MfaAuthorities.PASSKEY.equals(g.getAuthority())))).build();
    SecurityContext context = holder.createEmptyContext();
    context.setAuthentication(stripped);
    holder.setContext(context);
    contexts.saveContext(context, request, response);
    return stripped;
  }
}
