package dev.mfa4j.spring.security;

import dev.mfa4j.ClientSignal;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PrimaryCredentials;
import dev.mfa4j.spring.boot.Mfa4jProperties;
import dev.mfa4j.spring.boot.MfaMetrics;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.AuthorizationManagerFactories;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.authorization.DefaultAuthorizationManagerFactory;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.ClassUtils;

/**
 * mfa4j in Spring Security 7's multi-factor model.
 *
 * <ul>
 *   <li>The engine's password check over the application's {@link UserDetailsService} (and its
 *       {@link PasswordEncoder}, else Spring's delegating one), unless the application defines a
 *       {@link PrimaryCredentials} bean.
 *   <li>In a servlet web application ({@code mfa4j.web.enabled}, default true): the {@link
 *       MfaFlow}; mfa4j's filter and entry points on every {@code HttpSecurity} (a {@code
 *       Customizer<HttpSecurity>} bean applying {@link Mfa4jHttpConfigurer}); a security filter
 *       chain for {@code /mfa4j/**} that lets a principal with only its password reach the second
 *       step (the pages check the session themselves); the pages ({@link MfaPageController}, with
 *       Thymeleaf) and the JSON API ({@link MfaApiController}); on every chain with CSRF
 *       protection, the {@link MfaCsrfTokenRepository} unless the chain sets its own ({@code
 *       mfa4j.web.csrf-session-safe}, default true); and, unless the application has
 *       an {@link AuthorizationManagerFactory} of its own (such as the one {@code
 *       @EnableMultiFactorAuthentication} makes), one that adds {@link
 *       MfaAuthorities#SIGN_IN_COMPLETE} to every {@code authenticated()} or {@code
 *       hasRole(...)} rule ({@code mfa4j.web.require-sign-in-complete}, default true).
 *   <li>Sign-in that starts with a passkey, when passkeys are passwordless ({@code
 *       mfa4j.webauthn.passwordless=true}): a {@link MfaPrincipalLookup} over the {@link
 *       UserDetailsService} unless the application defines one.
 *   <li>With {@code mfa4j.webauthn.related-origins}: {@code GET /.well-known/webauthn}, the
 *       related origins of WebAuthn Level 3, readable without sign-in.
 *   <li>{@link MfaStepUpExceptionResolver}: a {@code StepUpRequiredException} from an account
 *       change becomes the step-up page or a password prompt.
 * </ul>
 *
 * <p>The application must define a {@link MfaUserResolver} bean.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
    "dev.mfa4j.spring.boot.Mfa4jAutoConfiguration",
    "dev.mfa4j.spring.boot.Mfa4jMetricsAutoConfiguration"})
@ConditionalOnClass({MfaEngine.class, Authentication.class})
@EnableConfigurationProperties(Mfa4jProperties.class)
public class Mfa4jSecurityAutoConfiguration {
  static final String NO_RESOLVER = "mfa4j: no MfaUserResolver bean. mfa4j needs to know which"
      + " mfa4j user (practice, user id, audience) a signed-in principal is: define a bean, e.g."
      + " `@Bean MfaUserResolver users() { return MfaUserResolver.singlePractice(\"main\"); }`,"
      + " or set mfa4j.web.enabled=false.";

  private static final String PASSKEYS = "dev.mfa4j.webauthn.PasskeyFactor";

  /** Creates the configuration; Spring calls it. */
  public Mfa4jSecurityAutoConfiguration() {}

  /** mfa-webauthn's type, loaded only when that jar is present. */
  static final class Passkeys {
    private Passkeys() {}

    /**
     * The {@code /.well-known/webauthn} document of {@code mfa4j.webauthn.related-origins}.
     *
     * @throws IllegalStateException naming the property, if an origin is not one browsers list
     */
    static String wellKnownJson(List<String> origins) {
      try {
        return dev.mfa4j.webauthn.RelatedOrigins.wellKnownJson(new LinkedHashSet<>(
            origins.stream().map(String::strip).toList()));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("mfa4j: mfa4j.webauthn.related-origins cannot be served"
            + " at " + WellKnownWebauthnController.PATH + ": " + e.getMessage() + ". Each is"
            + " https://host[:port] in lower case without a path (http://localhost in"
            + " development), of at most five sites.", e);
      }
    }

    static Function<String, Optional<ClientSignal>> unknownCredential(
        ObjectProvider<FactorProvider> factors) {
      return response -> factors.orderedStream()
          .filter(f -> f instanceof dev.mfa4j.webauthn.PasskeyFactor).findFirst()
          .flatMap(f -> ((dev.mfa4j.webauthn.PasskeyFactor) f).unknownCredentialSignal(response));
    }
  }

  /** Whether {@code mfa4j.webauthn.related-origins} lists an origin (a list, bound as such). */
  static final class RelatedOriginsSet extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context,
        AnnotatedTypeMetadata metadata) {
      List<String> origins = Binder.get(context.getEnvironment())
          .bind("mfa4j.webauthn.related-origins", Bindable.listOf(String.class))
          .orElse(List.of());
      return origins.isEmpty()
          ? ConditionOutcome.noMatch("mfa4j.webauthn.related-origins is not set")
          : ConditionOutcome.match("mfa4j.webauthn.related-origins is set");
    }
  }

  /** The engine's password check over Spring Security's user details. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({UserDetailsService.class, PasswordEncoder.class})
  static class UserDetailsConfiguration {
    @Bean
    @ConditionalOnMissingBean(PrimaryCredentials.class)
    @ConditionalOnBean(UserDetailsService.class)
    PrimaryCredentials mfa4jUserDetailsCredentials(UserDetailsService users,
        ObjectProvider<PasswordEncoder> encoder, ObjectProvider<MfaUserResolver> resolver) {
      return new UserDetailsCredentials(users,
          encoder.getIfUnique(PasswordEncoderFactories::createDelegatingPasswordEncoder),
          resolver.getIfUnique(() -> authentication -> Optional.empty()));
    }
  }

  /** The pages, API, filter and authorization defaults of a servlet web application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({HttpSecurity.class, SecurityFilterChain.class,
      org.springframework.web.servlet.DispatcherServlet.class})
  @ConditionalOnBooleanProperty(name = "mfa4j.web.enabled", matchIfMissing = true)
  static class WebConfiguration {
    @Bean
    @ConditionalOnMissingBean(MfaFlow.class)
    MfaFlow mfa4jFlow(MfaEngine mfa, ObjectProvider<MfaUserResolver> resolver,
        ObjectProvider<MfaMetrics> metrics, Mfa4jProperties properties, PracticePolicy policy,
        ObjectProvider<MfaStore> store, ObjectProvider<MfaPrincipalLookup> principals,
        ObjectProvider<FactorProvider> factors) {
      MfaUserResolver users = resolver.getIfUnique();
      if (users == null) {
        throw new IllegalStateException(NO_RESOLVER);
      }
      Mfa4jProperties.Web web = properties.getWeb();
      MfaFlow flow = new MfaFlow(mfa, users, Optional.ofNullable(metrics.getIfUnique()),
          new MfaFlow.Settings(web.getDefaultSuccessUrl(), web.getLoginUrl(),
              web.getDeviceCookieName(), web.getDeviceCookieSameSite(), policy.rememberDevice(),
              new LinkedHashSet<>(web.getPrimaryFactors())));
      MfaStore s = store.getIfUnique();
      if (s != null) {
        // the user's practice's policy, as the engine reads it (its default if none was set)
        flow = flow.withPolicies(p -> s.policies().find(p).orElse(policy));
      }
      MfaPrincipalLookup lookup = principals.getIfUnique();
      if (lookup != null) {
        Function<String, Optional<ClientSignal>> signals = response -> Optional.empty();
        if (ClassUtils.isPresent(PASSKEYS, Mfa4jSecurityAutoConfiguration.class.getClassLoader())) {
          signals = Passkeys.unknownCredential(factors);
        }
        flow = flow.withPasskeySignIn(lookup, signals);
      }
      return flow;
    }

    /**
     * The principal a passkey names, over the application's {@link UserDetailsService}, for the
     * practice {@code mfa4j.web.practice} (else the single practice of the resolver).
     */
    @Bean
    @ConditionalOnMissingBean(MfaPrincipalLookup.class)
    @ConditionalOnBean(UserDetailsService.class)
    MfaPrincipalLookup mfa4jPrincipalLookup(UserDetailsService userDetails,
        ObjectProvider<MfaUserResolver> resolver, Mfa4jProperties properties) {
      MfaUserResolver users = resolver.getIfUnique();
      if (users == null) {
        throw new IllegalStateException(NO_RESOLVER);
      }
      String configured = properties.getWeb().getPractice();
      Optional<PracticeId> practice = configured != null && !configured.isBlank()
          ? Optional.of(PracticeId.of(configured.strip())) : users.practice();
      if (practice.isEmpty()) {
        return new MfaPrincipalLookup() {
          @Override
          public Optional<PracticeId> practice(HttpServletRequest request) {
            return Optional.empty();
          }

          @Override
          public Optional<Authentication> principal(PracticeId p, UserId user) {
            return Optional.empty();
          }
        };
      }
      return MfaPrincipalLookup.userDetails(userDetails, users, practice.get());
    }

    /** Step-up pages and password prompts for the account changes that need them. */
    @Bean
    @ConditionalOnMissingBean(MfaStepUpExceptionResolver.class)
    MfaStepUpExceptionResolver mfa4jStepUpExceptionResolver(MfaFlow flow) {
      return new MfaStepUpExceptionResolver(flow);
    }

    /**
     * Applies mfa4j's filter and entry points to every HttpSecurity the application builds, and,
     * where CSRF protection is on and {@code mfa4j.web.csrf-session-safe} (default true), the
     * {@link MfaCsrfTokenRepository}. Spring applies this customizer before the application's own
     * configuration of the chain, so an application that sets a CSRF token repository of its own
     * keeps it, and one that turns CSRF off turns it off.
     */
    @Bean
    Customizer<HttpSecurity> mfa4jHttpSecurityCustomizer(MfaFlow flow,
        Mfa4jProperties properties) {
      boolean sessionSafe = properties.getWeb().isCsrfSessionSafe();
      return http -> {
        if (sessionSafe && http.getConfigurer(CsrfConfigurer.class) != null) {
          http.csrf(c -> c.csrfTokenRepository(new MfaCsrfTokenRepository()));
        }
        http.with(new Mfa4jHttpConfigurer(flow), Customizer.withDefaults());
      };
    }

    /**
     * The chain of mfa4j's own pages and API: reachable with the password alone, since that is
     * when the second step is needed; each page checks the session's mfa4j state. CSRF on, with
     * session-held tokens ({@link MfaCsrfTokenRepository} unless {@code
     * mfa4j.web.csrf-session-safe=false}).
     * Static resources under {@code /mfa4j/} (the pages' style sheet and scripts) are served to
     * anyone, as the pages are. The application's headers do not reach this chain: it sends its
     * own Content-Security-Policy ({@code mfa4j.web.content-security-policy}).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 100)
    SecurityFilterChain mfa4jSecurityFilterChain(HttpSecurity http, Mfa4jProperties properties) {
      String csp = properties.getWeb().getContentSecurityPolicy();
      http.securityMatcher("/mfa4j/**")
          .authorizeHttpRequests(a -> a.anyRequest().permitAll());
      if (csp != null && !csp.isBlank()) {
        http.headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(csp)));
      }
      return http.build();
    }

    @Bean
    @ConditionalOnMissingBean(AuthorizationManagerFactory.class)
    @ConditionalOnBooleanProperty(name = "mfa4j.web.require-sign-in-complete",
        matchIfMissing = true)
    DefaultAuthorizationManagerFactory<Object> mfa4jAuthorizationManagerFactory(
        ObjectProvider<RoleHierarchy> roleHierarchy) {
      DefaultAuthorizationManagerFactory<Object> factory = AuthorizationManagerFactories
          .multiFactor().requireFactors(MfaAuthorities.SIGN_IN_COMPLETE).build();
      roleHierarchy.ifUnique(factory::setRoleHierarchy);
      return factory;
    }

    @Bean
    @ConditionalOnMissingBean(MfaApiController.class)
    MfaApiController mfa4jApiController(MfaFlow flow) {
      return new MfaApiController(flow);
    }

    /**
     * {@code GET /.well-known/webauthn} with {@code mfa4j.webauthn.related-origins}, when they
     * are set, readable without sign-in.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = PASSKEYS)
    @Conditional(RelatedOriginsSet.class)
    static class RelatedOriginsConfiguration {
      @Bean
      WellKnownWebauthnController mfa4jWellKnownWebauthn(Mfa4jProperties properties) {
        return new WellKnownWebauthnController(
            Passkeys.wellKnownJson(properties.getWebauthn().getRelatedOrigins()));
      }

      @Bean
      @Order(Ordered.HIGHEST_PRECEDENCE + 99)
      SecurityFilterChain mfa4jWellKnownWebauthnSecurityFilterChain(HttpSecurity http) {
        return http.securityMatcher(WellKnownWebauthnController.PATH)
            .authorizeHttpRequests(a -> a.anyRequest().permitAll())
            .requestCache(c -> c.disable())
            .build();
      }
    }

    /** The pages, rendered by Thymeleaf. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.thymeleaf.spring6.SpringTemplateEngine")
    static class PageConfiguration {
      @Bean
      @ConditionalOnMissingBean(MfaPageController.class)
      MfaPageController mfa4jPageController(MfaFlow flow, Mfa4jProperties properties) {
        return new MfaPageController(flow, properties.getWeb().getLogoutUrl());
      }
    }
  }
}
