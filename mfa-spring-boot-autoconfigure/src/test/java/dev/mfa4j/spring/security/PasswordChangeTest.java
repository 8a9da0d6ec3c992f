package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static dev.mfa4j.spring.security.WebFixture.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.Password;
import dev.mfa4j.UserRef;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.tck.MutableClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;

/**
 * The forced password change with mfa-passwords' {@link Passwords} as the engine's {@code
 * PrimaryCredentials} (and as the host's password check): a temporary password leads to the
 * password page, whose minimum length is the practice's, and the new password completes the
 * sign-in.
 */
class PasswordChangeTest {
  static final String NEW_PASSWORD = "quiet-lantern-over-seven-hills";

  /** Passwords in the mfa4j store, and the host's form login checking them. */
  @Configuration(proxyBeanMethods = false)
  static class BuiltInPasswords {
    @Bean
    Passwords passwords(MfaStore store, MutableClock clock) {
      return Passwords.builder(store).clock(clock).argon2id(64, 1, 1).build();
    }

    @Bean
    AuthenticationProvider passwordSignIn(Passwords passwords) {
      return new AuthenticationProvider() {
        @Override
        public Authentication authenticate(Authentication a) {
          UserRef user = UserRef.staff("clinic", a.getName());
          if (!passwords.verify(user, Password.of(String.valueOf(a.getCredentials())))) {
            throw new BadCredentialsException("Bad credentials");
          }
          return UsernamePasswordAuthenticationToken.authenticated(a.getName(), null, List.of(
              new SimpleGrantedAuthority("ROLE_STAFF"),
              FactorGrantedAuthority.fromAuthority("FACTOR_PASSWORD")));
        }

        @Override
        public boolean supports(Class<?> type) {
          return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
        }
      };
    }
  }

  private final WebApplicationContextRunner runner = WebFixture.runner()
      .withUserConfiguration(BuiltInPasswords.class)
      .withPropertyValues("mfa4j.policy.min-password-length=20");

  @Test
  void temporaryPassword_leadsToThePasswordPage_withThePolicysMinimum_thenSignsIn() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      Passwords passwords = context.getBean(Passwords.class);
      UserRef dana = UserRef.staff("clinic", "dana");
      String temporary = passwords.issueTemporary(dana).reveal();

      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "dana", temporary);
      assertThat(mvc.perform(get("/whoami").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      assertThat(mvc.perform(get("/mfa4j/verify").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).isEqualTo("/mfa4j/password");
      String page = body(mvc.perform(get("/mfa4j/password").session(session)).andReturn());
      assertThat(page).contains("Choose a new password", "at least <span>20</span>",
          "minlength=\"20\"").satisfies(WebFixture::strictCsp);

      // shorter than the practice's 20: refused with the reason, still on the page
      MvcResult shortOne = mvc.perform(post("/mfa4j/password").session(session).with(csrf())
          .param("password", "lantern-hills-seven").param("confirmation",
              "lantern-hills-seven")).andReturn();
      assertThat(shortOne.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/password");
      assertThat(body(mvc.perform(get("/mfa4j/password").session(session)).andReturn()))
          .contains("20");
      assertThat(passwords.verify(dana, Password.of("lantern-hills-seven"))).isFalse();

      MvcResult done = mvc.perform(post("/mfa4j/password").session(session).with(csrf())
          .param("password", NEW_PASSWORD).param("confirmation", NEW_PASSWORD)).andReturn();
      assertThat(done.getResponse().getRedirectedUrl()).isEqualTo(
          "http://localhost/whoami?continue");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .startsWith("dana").contains(MfaAuthorities.SIGN_IN_COMPLETE);
      assertThat(passwords.verify(dana, Password.of(NEW_PASSWORD))).isTrue();
      assertThat(passwords.changeRequired(dana)).isFalse();
    });
  }

  @Test
  void temporaryPassword_throughTheApi_minimumInTheState() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      Passwords passwords = context.getBean(Passwords.class);
      String temporary = passwords.issueTemporary(UserRef.staff("clinic", "dana")).reveal();
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "dana", temporary);
      JsonNode state = WebFixture.json(mvc.perform(get("/mfa4j/api/state").session(session))
          .andReturn());
      assertThat(state.get("state").asString()).isEqualTo("password_change");
      assertThat(state.get("minPasswordLength").asInt()).isEqualTo(20);
      JsonNode done = postJson(mvc, session, "/mfa4j/api/password",
          Map.of("password", NEW_PASSWORD, "confirmation", NEW_PASSWORD));
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
    });
  }
}
