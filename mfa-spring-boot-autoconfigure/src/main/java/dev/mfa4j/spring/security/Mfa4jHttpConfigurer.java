package dev.mfa4j.spring.security;

import java.util.Objects;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.web.access.ExceptionTranslationFilter;

/**
 * Applies mfa4j to an {@link HttpSecurity}: the filter that runs the engine's decision after the
 * password, and the entry point of each of mfa4j's factor authorities, so that a missing or
 * expired one sends the user to the second step or a step-up. The auto-configuration applies it
 * to every {@code HttpSecurity} through a {@code Customizer<HttpSecurity>} bean; an application
 * that turned that off ({@code mfa4j.web.enabled=false}) may apply it itself:
 *
 * <pre>{@code
 * http.with(new Mfa4jHttpConfigurer(flow), Customizer.withDefaults());
 * http.csrf(c -> c.csrfTokenRepository(new MfaCsrfTokenRepository())); // as the starter does
 * }</pre>
 *
 * <p>The configurer itself leaves CSRF protection as the chain has it: the auto-configuration
 * installs {@link MfaCsrfTokenRepository} separately, before the application's own configuration,
 * so that an application's own repository wins.
 */
public final class Mfa4jHttpConfigurer extends AbstractHttpConfigurer<Mfa4jHttpConfigurer,
    HttpSecurity> {
  private final MfaFlow flow;

  /** A configurer over the application's {@link MfaFlow}. */
  public Mfa4jHttpConfigurer(MfaFlow flow) {
    this.flow = Objects.requireNonNull(flow, "flow");
  }

  @Override
  @SuppressWarnings("unchecked")
  public void init(HttpSecurity http) {
    ExceptionHandlingConfigurer<HttpSecurity> exceptions =
        http.getConfigurer(ExceptionHandlingConfigurer.class);
    if (exceptions != null) {
      MfaEntryPoint entryPoint = new MfaEntryPoint(flow);
      for (String authority : new String[] {MfaAuthorities.SIGN_IN_COMPLETE, MfaAuthorities.TOTP,
          MfaAuthorities.PHONE, MfaAuthorities.PASSKEY, MfaAuthorities.BACKUP_CODE,
          MfaAuthorities.ANY_SECOND_FACTOR}) {
        exceptions.defaultDeniedHandlerForMissingAuthority(entryPoint, authority);
      }
    }
  }

  @Override
  public void configure(HttpSecurity http) {
    http.addFilterBefore(new MfaSignInFilter(flow), ExceptionTranslationFilter.class);
  }
}
