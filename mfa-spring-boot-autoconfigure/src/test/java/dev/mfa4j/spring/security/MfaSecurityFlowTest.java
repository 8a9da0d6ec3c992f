package dev.mfa4j.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
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
import dev.mfa4j.spi.PrimaryCredentials;
import dev.mfa4j.spring.boot.Mfa4jAutoConfiguration;
import dev.mfa4j.spring.boot.Mfa4jMetricsAutoConfiguration;
import dev.mfa4j.spring.boot.MfaMetrics;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.spring.boot.Totp;
import dev.mfa4j.totp.TotpEnrollment;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
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
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sign-in of a Spring Security application with mfa4j, through MockMvc and the real filter
 * chain: form login, the second step with an authenticator-app code computed from the enrolled
 * key (RFC 6238), step-up with a maximum age, session ids, and principals kept apart.
 */
class MfaSecurityFlowTest {
  static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(Mfa4jAutoConfiguration.class,
          Mfa4jMetricsAutoConfiguration.class, Mfa4jSecurityAutoConfiguration.class,
          WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
          JacksonAutoConfiguration.class, ThymeleafAutoConfiguration.class,
          SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
      .withUserConfiguration(TestApp.class)
      .withPropertyValues("mfa4j.secret.keys.k1=" + KEY, "mfa4j.policy.remember-device=30d",
          "mfa4j.audit.log=false");

  /** A user's enrolled authenticator app: its factor id and the key the app holds. */
  record App(FactorId factor, String key) {}

  @Test
  void secondStep_withTotp_grantsFactorAuthority_rotatesSessionIds_andStepUpHasMaxAge() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      App app = enrollTotp(context, "alice");
      clock.advance(Duration.ofMinutes(1)); // the enrollment's code is spent

      // the password step: Spring's form login, with a new session id
      MockHttpSession session = new MockHttpSession();
      String anonymousId = session.getId();
      login(mvc, session, "alice");
      String afterPassword = session.getId();
      assertThat(afterPassword).isNotEqualTo(anonymousId);

      // the password alone reaches nothing: sent to the second step, under a new session id
      mvc.perform(get("/").session(session)).andExpect(r -> {
        assertThat(r.getResponse().getStatus()).isEqualTo(302);
        assertThat(r.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      });
      String pending = session.getId();
      assertThat(pending).isNotEqualTo(afterPassword);
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .doesNotContain("alice");
      MfaState state = (MfaState) session.getAttribute(MfaState.ATTRIBUTE);
      assertThat(state.stage).isEqualTo(MfaState.Stage.SECOND_FACTOR);

      // the second-step page names the factor but never the challenge
      MvcResult page = mvc.perform(get("/mfa4j/verify").session(session)).andReturn();
      assertThat(page.getResponse().getStatus()).isEqualTo(200);
      assertThat(body(page)).contains("Two-step verification", app.factor().value(), "_csrf")
          .doesNotContain(state.challenge).satisfies(WebFixture::strictCsp);

      // a wrong code: not accepted, still pending
      MvcResult wrong = mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value()).param("code", "000000")).andReturn();
      assertThat(wrong.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      assertThat(body(mvc.perform(get("/mfa4j/verify").session(session)).andReturn()))
          .contains("That code was not accepted.");

      // the right code, from the app's key at the engine's time
      MvcResult done = mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value()).param("code", Totp.code(app.key(),
              clock.instant())).param("remember", "on")).andReturn();
      // back to the last page the password alone could not open, as Spring saved it
      assertThat(done.getResponse().getRedirectedUrl()).isEqualTo(
          "http://localhost/whoami?continue");
      assertThat(session.getId()).isNotEqualTo(pending);
      String device = done.getResponse().getHeader("Set-Cookie");
      assertThat(device).startsWith("mfa4j_device=").contains("HttpOnly", "Secure",
          "SameSite=Lax");

      String who = body(mvc.perform(get("/whoami").session(session)).andReturn());
      assertThat(who).contains("alice", "FACTOR_PASSWORD",
          MfaAuthorities.TOTP + "@" + clock.instant(),
          MfaAuthorities.ANY_SECOND_FACTOR + "@" + clock.instant(),
          MfaAuthorities.SIGN_IN_COMPLETE + "@");
      assertThat(mvc.perform(get("/").session(session)).andReturn().getResponse().getStatus())
          .isEqualTo(200);

      // step-up: within 5 minutes of the code, /chart/export opens
      assertThat(body(mvc.perform(get("/chart/export").session(session)).andReturn()))
          .isEqualTo("export");
      clock.advance(Duration.ofMinutes(6));
      MvcResult stale = mvc.perform(get("/chart/export").session(session)).andReturn();
      assertThat(stale.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/step-up");
      assertThat(mvc.perform(get("/").session(session)).andReturn().getResponse().getStatus())
          .as("the rest of the application needs no fresh factor").isEqualTo(200);
      String signedIn = session.getId();
      MvcResult stepUpPage = mvc.perform(get("/mfa4j/step-up").session(session)).andReturn();
      assertThat(body(stepUpPage)).contains("Confirm it is you", app.factor().value())
          .satisfies(WebFixture::strictCsp);
      MvcResult steppedUp = mvc.perform(post("/mfa4j/step-up").session(session).with(csrf())
          .param("factor", app.factor().value())
          .param("code", Totp.code(app.key(), clock.instant()))).andReturn();
      assertThat(steppedUp.getResponse().getRedirectedUrl()).isEqualTo(
          "http://localhost/chart/export?continue");
      assertThat(session.getId()).isNotEqualTo(signedIn);
      assertThat(body(mvc.perform(get("/chart/export").session(session)).andReturn()))
          .isEqualTo("export");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .contains(MfaAuthorities.TOTP + "@" + clock.instant());

      // metrics: only low-cardinality tags
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      List<Meter> meters = registry.getMeters().stream()
          .filter(m -> m.getId().getName().startsWith("mfa4j.")).toList();
      assertThat(meters).extracting(m -> m.getId().getName())
          .contains(MfaMetrics.SIGN_IN, MfaMetrics.VERIFICATION);
      Set<String> keys = meters.stream().flatMap(m -> m.getId().getTags().stream())
          .map(t -> t.getKey()).collect(Collectors.toSet());
      assertThat(keys).isSubsetOf(Set.of("kind", "outcome"));
      assertThat(registry.get(MfaMetrics.VERIFICATION).tags("kind", "totp", "outcome",
          "accepted").timer().count()).isEqualTo(2);
      assertThat(registry.get(MfaMetrics.VERIFICATION).tags("kind", "totp", "outcome",
          "retry").timer().count()).isEqualTo(1);
      assertThat(meters.stream().flatMap(m -> m.getId().getTags().stream())
          .map(t -> t.getValue())).doesNotContain("alice", "clinic", app.factor().value());
    });
  }

  @Test
  void twoPrincipals_neverMerge_aSecondLoginKeepsNoneOfTheFirstUsersFactors() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      App alice = enrollTotp(context, "alice");
      clock.advance(Duration.ofMinutes(1));
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "alice");
      mvc.perform(get("/").session(session));
      mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", alice.factor().value())
          .param("code", Totp.code(alice.key(), clock.instant())));
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .contains(MfaAuthorities.TOTP);

      // bob signs in on the same browser session: his own password, none of alice's factors
      login(mvc, session, "bob");
      String bob = body(mvc.perform(get("/whoami").session(session)).andReturn());
      assertThat(bob).startsWith("bob").doesNotContain(MfaAuthorities.TOTP)
          .doesNotContain(MfaAuthorities.ANY_SECOND_FACTOR);
    });
  }

  @Test
  void factorAuthorities_ofAnotherPrincipal_areStripped_evenWhenSpringMergedThem() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      App alice = enrollTotp(context, "alice");
      enrollTotp(context, "carol");
      clock.advance(Duration.ofMinutes(1));
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "alice");
      mvc.perform(get("/").session(session));
      mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", alice.factor().value())
          .param("code", Totp.code(alice.key(), clock.instant())));

      // carol's authentication carrying alice's factor authorities, as a merge would make it
      UsernamePasswordAuthenticationToken merged = UsernamePasswordAuthenticationToken
          .authenticated("carol", null, List.of(
              FactorGrantedAuthority.fromAuthority("FACTOR_PASSWORD"),
              FactorGrantedAuthority.withAuthority(MfaAuthorities.TOTP)
                  .issuedAt(clock.instant()).build(),
              FactorGrantedAuthority.withAuthority(MfaAuthorities.SIGN_IN_COMPLETE)
                  .issuedAt(clock.instant()).build()));
      MvcResult r = mvc.perform(get("/chart/export").session(session)
          .with(authentication(merged))).andReturn();
      assertThat(r.getResponse().getStatus()).isEqualTo(302);
      assertThat(r.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      MfaState state = (MfaState) session.getAttribute(MfaState.ATTRIBUTE);
      assertThat(state.isFor(UserRef.staff("clinic", "carol"))).isTrue();
      assertThat(state.stage).isEqualTo(MfaState.Stage.SECOND_FACTOR);
    });
  }

  @Test
  void jsonApi_secondStep_forSinglePageApps() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      App app = enrollTotp(context, "carol");
      clock.advance(Duration.ofMinutes(1));
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "carol");

      MvcResult denied = mvc.perform(get("/whoami").session(session)
          .accept(MediaType.APPLICATION_JSON)).andReturn();
      assertThat(denied.getResponse().getStatus()).isEqualTo(401);
      assertThat(json(denied).get("next").asString()).isEqualTo("second_factor");

      JsonNode state = json(mvc.perform(get("/mfa4j/api/state").session(session)).andReturn());
      assertThat(state.get("state").asString()).isEqualTo("second_factor");
      assertThat(state.get("methods").get(0).get("id").asString())
          .isEqualTo(app.factor().value());
      assertThat(state.get("methods").get(0).get("kind").asString()).isEqualTo("totp");
      MfaState s = (MfaState) session.getAttribute(MfaState.ATTRIBUTE);
      assertThat(state.toString()).doesNotContain(s.challenge);

      JsonNode done = json(mvc.perform(post("/mfa4j/api/verify").session(session).with(csrf())
          .contentType(MediaType.APPLICATION_JSON)
          .content(JSON.writeValueAsString(Map.of("factor", app.factor().value(),
              "code", Totp.code(app.key(), clock.instant()))))).andReturn());
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .contains(MfaAuthorities.TOTP);
    });
  }

  @Test
  void forcedEnrollment_throughTheApi_thenSignedInWithBackupCodes() {
    runner.withPropertyValues("mfa4j.policy.requirement=ALL_STAFF").run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "erin");
      assertThat(mvc.perform(get("/").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).isEqualTo("/mfa4j/verify");
      assertThat(mvc.perform(get("/mfa4j/verify").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).isEqualTo("/mfa4j/enroll");
      assertThat(body(mvc.perform(get("/mfa4j/enroll").session(session)).andReturn()))
          .contains("Set up two-step verification").satisfies(WebFixture::strictCsp);

      JsonNode begun = json(mvc.perform(post("/mfa4j/api/enroll").session(session).with(csrf())
          .contentType(MediaType.APPLICATION_JSON)
          .content(JSON.writeValueAsString(Map.of("kind", "totp", "label", "Phone",
              "password", TestApp.PASSWORD)))).andReturn());
      assertThat(begun.get("state").asString()).isEqualTo("enrollment");
      String key = begun.get("enrollment").get("details").get("key").asString();

      JsonNode done = json(mvc.perform(post("/mfa4j/api/enroll/confirm").session(session)
          .with(csrf()).contentType(MediaType.APPLICATION_JSON)
          .content(JSON.writeValueAsString(Map.of("code", Totp.code(key, clock.instant())))))
          .andReturn());
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(done.get("backupCodes").size()).isEqualTo(10);
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .contains("erin", MfaAuthorities.TOTP, MfaAuthorities.SIGN_IN_COMPLETE);
    });
  }

  @Test
  void missingResolver_refusedAtStartWithClearMessage() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(Mfa4jAutoConfiguration.class,
            Mfa4jSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
            ServletWebSecurityAutoConfiguration.class))
        .withPropertyValues("mfa4j.secret.keys.k1=" + KEY, "mfa4j.dev-mode=true")
        .withBean(PrimaryCredentials.class, () -> (user, password) -> false)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("no MfaUserResolver bean");
        });
  }

  private static MockMvc mvc(WebApplicationContext context) {
    return MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
  }

  private static void login(MockMvc mvc, MockHttpSession session, String user)
      throws Exception {
    MvcResult r = mvc.perform(post("/login").session(session).with(csrf())
        .param("username", user).param("password", TestApp.PASSWORD)).andReturn();
    assertThat(r.getResponse().getStatus()).isEqualTo(302);
    assertThat(r.getResponse().getRedirectedUrl()).doesNotContain("error");
  }

  /** Enrolls an authenticator app for {@code name} through the engine, as a settings page would. */
  private static App enrollTotp(WebApplicationContext context, String name) {
    MfaEngine mfa = context.getBean(MfaEngine.class);
    MutableClock clock = context.getBean(MutableClock.class);
    RequestContext request = RequestContext.of("127.0.0.1", "test");
    EnrollmentStart start = mfa.account(UserRef.staff("clinic", name)).beginEnrollment(
        FactorKind.TOTP, "Phone", Password.of(TestApp.PASSWORD), Map.of(), request);
    String key = start.details(TotpEnrollment.class).groupedKey();
    EnrollmentOutcome outcome = mfa.account(UserRef.staff("clinic", name)).confirmEnrollment(
        start.ceremony(), Answer.code(start.factor(), Totp.code(key, clock.instant())), request);
    assertThat(outcome).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return new App(start.factor(), key);
  }

  private static String body(MvcResult r) throws Exception {
    return r.getResponse().getContentAsString();
  }

  private static JsonNode json(MvcResult r) throws Exception {
    return JSON.readTree(body(r));
  }
}
