package dev.mfa4j.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.Answer;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spring.boot.Mfa4jAutoConfiguration;
import dev.mfa4j.spring.boot.Mfa4jMetricsAutoConfiguration;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.spring.boot.Totp;
import dev.mfa4j.totp.TotpEnrollment;
import java.util.Base64;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.thymeleaf.autoconfigure.ThymeleafAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the web tests share: the real auto-configuration over {@link TestApp} (H2, users in memory,
 * the mutable clock), MockMvc through Spring Security's filter chain, and small helpers.
 */
final class WebFixture {
  static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  static final JsonMapper JSON = JsonMapper.builder().build();

  private WebFixture() {}

  static WebApplicationContextRunner runner() {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(Mfa4jAutoConfiguration.class,
            Mfa4jMetricsAutoConfiguration.class, Mfa4jSecurityAutoConfiguration.class,
            WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
            JacksonAutoConfiguration.class, ThymeleafAutoConfiguration.class,
            SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
        .withUserConfiguration(TestApp.class)
        .withPropertyValues("mfa4j.secret.keys.k1=" + KEY, "mfa4j.policy.remember-device=30d",
            "mfa4j.audit.log=false", "mfa4j.purge.interval=0");
  }

  static MockMvc mvc(WebApplicationContext context) {
    return MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
  }

  static void login(MockMvc mvc, MockHttpSession session, String user, String password)
      throws Exception {
    MvcResult r = mvc.perform(post("/login").session(session).with(csrf())
        .param("username", user).param("password", password)).andReturn();
    assertThat(r.getResponse().getStatus()).isEqualTo(302);
    assertThat(r.getResponse().getRedirectedUrl()).doesNotContain("error");
  }

  static void login(MockMvc mvc, MockHttpSession session, String user) throws Exception {
    login(mvc, session, user, TestApp.PASSWORD);
  }

  /** A JSON POST with the CSRF token. */
  static JsonNode postJson(MockMvc mvc, MockHttpSession session, String url, Object body)
      throws Exception {
    return json(mvc.perform(post(url).session(session).with(csrf())
        .contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON)
        .content(JSON.writeValueAsString(body))).andReturn());
  }

  /** Enrolls an authenticator app through the engine, as a settings page would. */
  static MfaSecurityFlowTest.App enrollTotp(WebApplicationContext context, String name) {
    MfaEngine mfa = context.getBean(MfaEngine.class);
    MutableClock clock = context.getBean(MutableClock.class);
    RequestContext request = RequestContext.of("127.0.0.1", "test");
    UserRef user = UserRef.staff("clinic", name);
    EnrollmentStart start = mfa.account(user).beginEnrollment(FactorKind.TOTP, "Phone",
        Password.of(TestApp.PASSWORD), Map.of(), request);
    String key = start.details(TotpEnrollment.class).groupedKey();
    EnrollmentOutcome outcome = mfa.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), Totp.code(key, clock.instant())), request);
    assertThat(outcome).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return new MfaSecurityFlowTest.App(start.factor(), key);
  }

  /** Enrolls a factor of another kind through the engine, answered by {@code answer}. */
  static FactorId enroll(WebApplicationContext context, String name, FactorKind kind,
      Map<String, String> parameters, java.util.function.Function<EnrollmentStart, Answer> answer) {
    MfaEngine mfa = context.getBean(MfaEngine.class);
    RequestContext request = RequestContext.of("127.0.0.1", "test");
    UserRef user = UserRef.staff("clinic", name);
    EnrollmentStart start = mfa.account(user).beginEnrollment(kind, "Mine",
        Password.of(TestApp.PASSWORD), parameters, request);
    assertThat(mfa.account(user).confirmEnrollment(start.ceremony(), answer.apply(start),
        request)).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return start.factor();
  }

  /**
   * A page of mfa4j's that works under {@code Content-Security-Policy: style-src 'self';
   * script-src 'self'}: its style sheet linked, no inline style or script, no event handler
   * attributes.
   */
  static void strictCsp(String html) {
    assertThat(html).contains("<link rel=\"stylesheet\" href=\"/mfa4j/mfa4j.css\">");
    assertNoInlineCode(html);
  }

  /** No style element or attribute, no script with a body, no on* handler, no javascript: URL. */
  static void assertNoInlineCode(String html) {
    assertThat(html).doesNotContainIgnoringCase("<style")
        .doesNotContainPattern("(?i)\\sstyle\\s*=")
        .doesNotContainPattern("(?i)<script\\b[^>]*>(?!\\s*</script>)")
        .doesNotContainPattern("(?i)\\son[a-z]+\\s*=")
        .doesNotContainIgnoringCase("javascript:")
        .doesNotContain("th:inline");
  }

  static String body(MvcResult r) throws Exception {
    return r.getResponse().getContentAsString();
  }

  static JsonNode json(MvcResult r) throws Exception {
    return JSON.readTree(body(r));
  }
}
