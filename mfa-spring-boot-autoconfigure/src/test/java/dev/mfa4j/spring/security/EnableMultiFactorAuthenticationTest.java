package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.enrollTotp;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.spring.boot.Totp;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.config.annotation.authorization.EnableMultiFactorAuthentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Spring Security's own switch, {@code @EnableMultiFactorAuthentication}, naming mfa4j's
 * authenticator-app authority: the application's rules then require the password and an
 * authenticator-app code, Spring's factory replaces mfa4j's default one, and a principal holding
 * the password alone is sent to mfa4j's second step, as Spring documents for its own factors.
 */
class EnableMultiFactorAuthenticationTest {
  /** The host's switch, over the security tests' application. */
  @Configuration(proxyBeanMethods = false)
  @EnableMultiFactorAuthentication(authorities = {FactorGrantedAuthority.PASSWORD_AUTHORITY,
      MfaAuthorities.TOTP})
  static class SpringsSwitch {}

  @Test
  void passwordAndAuthenticatorApp_requiredBySpringsAnnotation_mfa4jAnswersTheMissingFactor() {
    WebFixture.runner().withUserConfiguration(SpringsSwitch.class).run(context -> {
      // Spring's factory is the one: mfa4j's default (FACTOR_MFA4J on every rule) backs off
      assertThat(context).hasSingleBean(AuthorizationManagerFactory.class)
          .doesNotHaveBean("mfa4jAuthorizationManagerFactory");

      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MfaSecurityFlowTest.App app = enrollTotp(context, "alice");
      clock.advance(Duration.ofMinutes(1)); // the enrollment's code is spent

      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "alice");
      // FACTOR_PASSWORD alone: the annotation's rule sends the user to mfa4j's second step
      MvcResult home = mvc.perform(get("/").session(session)).andReturn();
      assertThat(home.getResponse().getStatus()).isEqualTo(302);
      assertThat(home.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .doesNotContain("alice");

      MvcResult done = mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value())
          .param("code", Totp.code(app.key(), clock.instant()))).andReturn();
      assertThat(done.getResponse().getStatus()).isEqualTo(302);

      // both of the annotation's factors, each dated by its proof: the page opens
      String who = body(mvc.perform(get("/whoami").session(session)).andReturn());
      assertThat(who).contains("alice", FactorGrantedAuthority.PASSWORD_AUTHORITY + "@",
          MfaAuthorities.TOTP + "@" + clock.instant());
      assertThat(mvc.perform(get("/").session(session)).andReturn().getResponse().getStatus())
          .isEqualTo(200);
    });
  }
}
