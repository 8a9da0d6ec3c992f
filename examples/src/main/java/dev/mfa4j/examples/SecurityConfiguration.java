package dev.mfa4j.examples;

import dev.mfa4j.spring.security.MfaAuthorities;
import dev.mfa4j.spring.security.MfaCsrfTokenRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AllRequiredFactorsAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagerFactories;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.authorization.DefaultAuthorizationManagerFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/**
 * Spring Security for the demo, in Spring Security 7's multi-factor model with mfa4j's factor
 * authorities ({@link MfaAuthorities}).
 *
 * <ul>
 *   <li>Every rule ({@code authenticated()}, {@code hasRole(...)}) also requires {@link
 *       MfaAuthorities#SIGN_IN_COMPLETE}: the password alone opens nothing. A principal without
 *       it is sent to where its sign-in stands ({@link SignInFlow#toSignInStep}).
 *   <li>{@code /chart/**} (the client chart export) requires {@link
 *       MfaAuthorities#ANY_SECOND_FACTOR} given in the last 5 minutes, by the engine's clock: a
 *       {@code RequiredFactor} with a {@code validDuration}. When it is missing or older, {@link
 *       ConfirmController#toStepUp} asks for a step-up.
 *   <li>The password form is Spring Security's form login over {@link PasswordSignIn}; CSRF
 *       tokens on every form; a new session id at every change of privilege; a strict
 *       Content-Security-Policy (no inline script or style).
 *   <li>A form post without a valid CSRF token is refused without making a session: a refused
 *       cross-site post does not replace the signed-in browser's session cookie ({@link
 *       MfaCsrfTokenRepository}).
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
  static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self';"
      + " script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
      + " base-uri 'none'; object-src 'none'";

  /** Every rule also needs mfa4j's completed sign-in (as @EnableMultiFactorAuthentication). */
  @Bean
  DefaultAuthorizationManagerFactory<RequestAuthorizationContext> authorizationManagerFactory() {
    return AuthorizationManagerFactories.<RequestAuthorizationContext>multiFactor()
        .requireFactors(MfaAuthorities.SIGN_IN_COMPLETE)
        .build();
  }

  @Bean
  SecurityContextRepository securityContextRepository() {
    return new DelegatingSecurityContextRepository(new RequestAttributeSecurityContextRepository(),
        new HttpSessionSecurityContextRepository());
  }

  /** The page a sign-in or step-up returns to: page loads only. */
  @Bean
  RequestCache requestCache() {
    HttpSessionRequestCache cache = new HttpSessionRequestCache();
    cache.setRequestMatcher(SecurityConfiguration::worthReturningTo);
    cache.setMatchingRequestParameterName(null);
    return cache;
  }

  private static boolean worthReturningTo(HttpServletRequest request) {
    String path = request.getRequestURI();
    return "GET".equals(request.getMethod()) && !path.startsWith("/css/")
        && !path.startsWith("/js/") && !path.equals("/favicon.ico")
        && !path.startsWith("/signin") && !path.equals("/error");
  }

  /** Who is signed in where: to end a user's other sessions after a password change or reset. */
  @Bean
  SessionRegistry sessionRegistry() {
    return new SessionRegistryImpl();
  }

  @Bean
  HttpSessionEventPublisher httpSessionEventPublisher() {
    return new HttpSessionEventPublisher();
  }

  /** Idle and overall session limits, by the demo's clock (which the tests move). */
  @Bean
  FilterRegistrationBean<SessionTimeouts> sessionTimeouts(Clock clock) {
    FilterRegistrationBean<SessionTimeouts> r = new FilterRegistrationBean<>(
        new SessionTimeouts(clock));
    r.setOrder(-200); // before Spring Security's filters (-100)
    return r;
  }

  @Bean
  SecurityFilterChain demoSecurity(HttpSecurity http,
      DefaultAuthorizationManagerFactory<RequestAuthorizationContext> rules, SignInFlow flow,
      ConfirmController confirm, PasswordSignIn passwords, Clock clock,
      SecurityContextRepository contexts, RequestCache requests, SessionRegistry sessions) {
    // The client chart export: a second factor (any kind) given in the last 5 minutes.
    AllRequiredFactorsAuthorizationManager<RequestAuthorizationContext> recentSecondFactor =
        AllRequiredFactorsAuthorizationManager.<RequestAuthorizationContext>builder()
            .requireFactor(f -> f.authority(MfaAuthorities.ANY_SECOND_FACTOR)
                .validDuration(HomeController.CHART_MAX_AGE))
            .build();
    recentSecondFactor.setClock(clock);
    return http
        .authorizeHttpRequests(a -> a
            .requestMatchers("/css/**", "/js/**", "/favicon.ico", "/error",
                "/.well-known/webauthn").permitAll()
            // the sign-in's own pages: each checks the session's pending sign-in itself
            .requestMatchers("/signin", "/signin/**").permitAll()
            // development only (the page exists in the dev profile): codes are read mid-sign-in
            .requestMatchers("/dev/**").permitAll()
            .requestMatchers("/admin/**").hasRole("ADMIN")
            .requestMatchers("/chart/**").access(AuthorizationManagers.allOf(
                rules.hasAnyRole("STAFF", "ADMIN"), recentSecondFactor))
            .anyRequest().authenticated())
        .authenticationProvider(passwords)
        .formLogin(f -> f
            .loginPage("/signin")
            .loginProcessingUrl("/signin")
            .usernameParameter("email")
            .passwordParameter("password")
            .authenticationDetailsSource(ClientInfo::of)
            .successHandler(flow::afterPassword)
            .failureHandler(flow::passwordRefused))
        .logout(l -> l
            .logoutUrl("/signout")
            .logoutSuccessHandler((request, response, auth) -> response.sendRedirect(
                "cancel".equals(request.getParameter("why")) ? "/signin?cancelled"
                    : "/signin?signed-out")))
        .exceptionHandling(e -> e
            // refusals (a role, a CSRF token) go to the error page, which tells them apart
            .defaultAccessDeniedHandlerFor((request, response, denied) -> {
              request.setAttribute(WebAttributes.ACCESS_DENIED_403, denied);
              response.sendError(HttpServletResponse.SC_FORBIDDEN);
            }, AnyRequestMatcher.INSTANCE)
            .defaultDeniedHandlerForMissingAuthority(flow::toSignInStep,
                MfaAuthorities.SIGN_IN_COMPLETE)
            .defaultDeniedHandlerForMissingAuthority(confirm::toStepUp,
                MfaAuthorities.ANY_SECOND_FACTOR))
        .securityContext(c -> c.securityContextRepository(contexts))
        .requestCache(c -> c.requestCache(requests))
        .csrf(c -> c.csrfTokenRepository(new MfaCsrfTokenRepository()))
        .sessionManagement(s -> s
            .sessionFixation(f -> f.changeSessionId())
            .maximumSessions(-1)
            .sessionRegistry(sessions)
            .expiredSessionStrategy(event -> event.getResponse().sendRedirect(
                "/signin?ended")))
        .headers(h -> h
            .contentSecurityPolicy(c -> c.policyDirectives(CSP))
            .referrerPolicy(r -> r.policy(
                ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
        .build();
  }
}
