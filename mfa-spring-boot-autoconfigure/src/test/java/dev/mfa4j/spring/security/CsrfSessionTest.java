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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.context.WebApplicationContext;

/**
 * A refused cross-site POST creates no session: its 403 carries no session cookie that could
 * replace the victim's. A signed-in session survives a POST with a wrong token, and the forms of
 * the pages still work with the token they carry.
 */
class CsrfSessionTest {
  private static final Pattern CSRF_FIELD =
      Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  @Test
  void postWithoutSessionOrToken_isRefused_withoutCreatingASession() {
    WebFixture.runner().run(context -> {
      MockMvc mvc = mvc(context);
      for (String url : new String[] {"/", "/mfa4j/verify", "/mfa4j/api/verify", "/logout"}) {
        MvcResult r = mvc.perform(post(url).param("code", "123456")).andReturn();
        assertThat(r.getResponse().getStatus()).as(url).isEqualTo(403);
        assertThat(r.getRequest().getSession(false)).as(url).isNull();
        assertThat(r.getResponse().getHeaders("Set-Cookie")).as(url).isEmpty();
      }
    });
  }

  @Test
  void csrfSessionSafeOff_keepsSpringSecuritysDefault_whichCreatesASession() {
    WebFixture.runner().withPropertyValues("mfa4j.web.csrf-session-safe=false").run(context -> {
      MvcResult r = mvc(context).perform(post("/").param("code", "123456")).andReturn();
      assertThat(r.getResponse().getStatus()).isEqualTo(403);
      // the behaviour the repository prevents: a session made to keep the compared token
      assertThat(r.getRequest().getSession(false)).isNotNull();
      assertThat(repositories(context)).noneMatch(MfaCsrfTokenRepository.class::isInstance);
    });
  }

  @Test
  void signedInSession_survivesAPostWithAWrongToken() {
    WebFixture.runner().run(context -> {
      MockMvc mvc = mvc(context);
      MockHttpSession session = signIn(context, mvc, "alice");
      String id = session.getId();

      for (String url : new String[] {"/", "/mfa4j/step-up", "/logout"}) {
        MvcResult forged = mvc.perform(post(url).session(session).with(csrf().useInvalidToken()))
            .andReturn();
        assertThat(forged.getResponse().getStatus()).as(url).isEqualTo(403);
        assertThat(forged.getResponse().getHeaders("Set-Cookie")).as(url).isEmpty();
      }
      MvcResult noToken = mvc.perform(post("/").session(session)).andReturn();
      assertThat(noToken.getResponse().getStatus()).isEqualTo(403);

      // still signed in, in the same session
      assertThat(session.isInvalid()).isFalse();
      assertThat(session.getId()).isEqualTo(id);
      MvcResult home = mvc.perform(get("/").session(session)).andReturn();
      assertThat(home.getResponse().getStatus()).isEqualTo(200);
      assertThat(body(home)).isEqualTo("home");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .contains("alice", MfaAuthorities.SIGN_IN_COMPLETE);
    });
  }

  @Test
  void formsWithTheTokenOfThePage_stillWork() {
    WebFixture.runner().run(context -> {
      MockMvc mvc = mvc(context);
      enrollTotp(context, "bob");
      context.getBean(MutableClock.class).advance(Duration.ofMinutes(1));
      // Spring Security's own sign-in page, its token from the session, no test shortcut
      MockHttpSession session = new MockHttpSession();
      MvcResult page = mvc.perform(get("/login").session(session)).andReturn();
      assertThat(page.getResponse().getStatus()).isEqualTo(200);
      MvcResult signIn = mvc.perform(post("/login").session(session)
          .param("username", "bob").param("password", TestApp.PASSWORD)
          .param("_csrf", token(body(page)))).andReturn();
      assertThat(signIn.getResponse().getStatus()).isEqualTo(302);
      assertThat(signIn.getResponse().getRedirectedUrl()).doesNotContain("error");

      // mfa4j's second-step page, its form's token
      MvcResult verify = mvc.perform(get("/mfa4j/verify").session(session)).andReturn();
      assertThat(verify.getResponse().getStatus()).isEqualTo(200);
      MvcResult wrong = mvc.perform(post("/mfa4j/verify").session(session)
          .param("_csrf", token(body(verify))).param("factor", factor(body(verify)))
          .param("code", "000000")).andReturn();
      assertThat(wrong.getResponse().getStatus()).isEqualTo(302);
      assertThat(wrong.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      assertThat(body(mvc.perform(get("/mfa4j/verify").session(session)).andReturn()))
          .contains("That code was not accepted.");
    });
  }

  @Test
  void anApplicationsOwnRepository_isKept() {
    WebFixture.runner().withUserConfiguration(OwnRepository.class).run(context -> {
      assertThat(repositories(context)).anyMatch(r -> r == OwnRepository.REPOSITORY);
      // the mfa4j chain, which sets none, has mfa4j's
      assertThat(repositories(context)).anyMatch(MfaCsrfTokenRepository.class::isInstance);
    });
  }

  @Test
  void aChainWithoutCsrf_staysWithout() {
    WebFixture.runner().withUserConfiguration(NoCsrf.class).run(context -> {
      MvcResult r = mvc(context).perform(post("/api/ping")).andReturn();
      assertThat(r.getResponse().getStatus()).isNotEqualTo(403);
    });
  }

  /** An application chain with its own CSRF token repository. */
  @Configuration(proxyBeanMethods = false)
  static class OwnRepository {
    static final CsrfTokenRepository REPOSITORY = new HttpSessionCsrfTokenRepository();

    @Bean
    @org.springframework.core.annotation.Order(1)
    SecurityFilterChain own(HttpSecurity http) {
      return http.securityMatcher("/own/**")
          .csrf(c -> c.csrfTokenRepository(REPOSITORY))
          .authorizeHttpRequests(a -> a.anyRequest().permitAll())
          .build();
    }
  }

  /** An application chain with CSRF off. */
  @Configuration(proxyBeanMethods = false)
  static class NoCsrf {
    @Bean
    @org.springframework.core.annotation.Order(1)
    SecurityFilterChain api(HttpSecurity http) {
      return http.securityMatcher("/api/**")
          .csrf(c -> c.disable())
          .authorizeHttpRequests(a -> a.anyRequest().permitAll())
          .httpBasic(Customizer.withDefaults())
          .build();
    }
  }

  /** The CSRF token repositories of the context's filter chains. */
  private static java.util.List<Object> repositories(WebApplicationContext context) {
    return context.getBeansOfType(SecurityFilterChain.class).values().stream()
        .flatMap(c -> c.getFilters().stream())
        .filter(CsrfFilter.class::isInstance)
        .map(f -> ReflectionTestUtils.getField(f, "tokenRepository"))
        .toList();
  }

  /** Signs in with the password and an authenticator-app code, through the real chain. */
  private static MockHttpSession signIn(WebApplicationContext context, MockMvc mvc, String name)
      throws Exception {
    MfaSecurityFlowTest.App app = enrollTotp(context, name);
    MutableClock clock = context.getBean(MutableClock.class);
    clock.advance(Duration.ofMinutes(1));
    MockHttpSession session = new MockHttpSession();
    login(mvc, session, name);
    MvcResult done = mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
        .param("factor", app.factor().value())
        .param("code", Totp.code(app.key(), clock.instant()))).andReturn();
    assertThat(done.getResponse().getStatus()).isEqualTo(302);
    assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
        .contains(MfaAuthorities.SIGN_IN_COMPLETE);
    return session;
  }

  private static String token(String html) {
    Matcher m = CSRF_FIELD.matcher(html);
    assertThat(m.find()).as("a _csrf field in the page").isTrue();
    return m.group(1);
  }

  private static String factor(String html) {
    Matcher m = Pattern.compile("name=\"factor\" value=\"([^\"]+)\"").matcher(html);
    assertThat(m.find()).as("a factor field in the page").isTrue();
    return m.group(1);
  }
}
