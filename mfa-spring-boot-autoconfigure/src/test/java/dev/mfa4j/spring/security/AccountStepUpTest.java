package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.json;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static dev.mfa4j.spring.security.WebFixture.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.Assurance;
import dev.mfa4j.FactorId;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.UserRef;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.spring.boot.Totp;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The account's own changes under the practice's reauthentication rule, made by the host's
 * security page through {@link MfaFlow#account}: a {@code StepUpRequiredException} becomes the
 * step-up page (the session's assurance record renewed, then back to the page) or a single
 * password prompt that makes the change, and JSON clients get 401 with what is needed.
 */
class AccountStepUpTest {

  /** The host's security settings. */
  @Configuration(proxyBeanMethods = false)
  static class SettingsApp {
    @Bean
    Settings settings(MfaFlow flow) {
      return new Settings(flow);
    }
  }

  @RestController
  static class Settings {
    private final MfaFlow flow;

    Settings(MfaFlow flow) {
      this.flow = flow;
    }

    @PostMapping("/settings/factors/remove")
    String remove(@RequestParam String factor, HttpServletRequest request) {
      flow.account(request).remove(FactorId.of(factor), flow.requestContext(request));
      return "removed";
    }

    @PostMapping("/settings/backup-codes")
    String backupCodes(HttpServletRequest request) {
      return String.valueOf(flow.account(request)
          .regenerateBackupCodes(flow.requestContext(request)).reveal().size());
    }
  }

  private final WebApplicationContextRunner runner = WebFixture.runner()
      .withUserConfiguration(SettingsApp.class);

  /** Alice with an authenticator app, signed in through the second step. */
  private static MfaSecurityFlowTest.App signIn(WebApplicationContext context, MockMvc mvc,
      MockHttpSession session) throws Exception {
    MutableClock clock = context.getBean(MutableClock.class);
    MfaSecurityFlowTest.App app = WebFixture.enrollTotp(context, "alice");
    clock.advance(Duration.ofMinutes(1));
    login(mvc, session, "alice");
    mvc.perform(get("/").session(session));
    mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
        .param("factor", app.factor().value())
        .param("code", Totp.code(app.key(), clock.instant())));
    assertThat(session.getAttribute(MfaFlow.ASSURANCE_ATTRIBUTE)).isNotNull();
    return app;
  }

  private static Assurance assurance(WebApplicationContext context, MockHttpSession session) {
    return context.getBean(MfaEngine.class).stepUp()
        .restore((String) session.getAttribute(MfaFlow.ASSURANCE_ATTRIBUTE)).orElseThrow();
  }

  @Test
  void secondFactorNeeded_stepUpPage_renewsTheSessionsRecord_andReturnsToThePage() {
    runner.withPropertyValues("mfa4j.policy.reauthentication=STEP_UP").run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MockHttpSession session = new MockHttpSession();
      MfaSecurityFlowTest.App app = signIn(context, mvc, session);
      clock.advance(Duration.ofMinutes(6)); // past the policy's 5-minute step-up age

      MvcResult refused = mvc.perform(post("/settings/factors/remove").session(session)
          .with(csrf()).param("factor", app.factor().value())
          .header("Referer", "http://localhost/settings?tab=security")).andReturn();
      assertThat(refused.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/step-up");
      assertThat(body(mvc.perform(get("/mfa4j/step-up").session(session)).andReturn()))
          .contains("Confirm it is you", app.factor().value());
      Assurance before = assurance(context, session);

      MvcResult stepped = mvc.perform(post("/mfa4j/step-up").session(session).with(csrf())
          .param("factor", app.factor().value())
          .param("code", Totp.code(app.key(), clock.instant()))).andReturn();
      assertThat(stepped.getResponse().getRedirectedUrl()).isEqualTo("/settings?tab=security");
      Assurance after = assurance(context, session);
      assertThat(after).isNotEqualTo(before);
      assertThat(after.secondFactorAt()).contains(clock.instant());

      MvcResult removed = mvc.perform(post("/settings/factors/remove").session(session)
          .with(csrf()).param("factor", app.factor().value())).andReturn();
      assertThat(body(removed)).isEqualTo("removed");
      assertThat(context.getBean(MfaEngine.class).account(UserRef.staff("clinic", "alice"))
          .factors()).isEmpty();
    });
  }

  @Test
  void secondFactorNeeded_json_401ThenTheApisStepUp() {
    runner.withPropertyValues("mfa4j.policy.reauthentication=STEP_UP").run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MockHttpSession session = new MockHttpSession();
      MfaSecurityFlowTest.App app = signIn(context, mvc, session);
      clock.advance(Duration.ofMinutes(6));

      MvcResult refused = mvc.perform(post("/settings/backup-codes").session(session)
          .with(csrf()).accept(MediaType.APPLICATION_JSON)).andReturn();
      assertThat(refused.getResponse().getStatus()).isEqualTo(401);
      JsonNode why = json(refused);
      assertThat(why.get("needs").asString()).isEqualTo("second_factor");
      assertThat(why.get("action").asString()).isNotEmpty();

      JsonNode begun = postJson(mvc, session, "/mfa4j/api/step-up", Map.of());
      assertThat(begun.get("state").asString()).isEqualTo("step_up");
      JsonNode done = postJson(mvc, session, "/mfa4j/api/step-up/verify", Map.of(
          "factor", app.factor().value(), "code", Totp.code(app.key(), clock.instant())));
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(assurance(context, session).secondFactorAt()).contains(clock.instant());
      assertThat(body(mvc.perform(post("/settings/backup-codes").session(session)
          .with(csrf()).accept(MediaType.APPLICATION_JSON)).andReturn())).isEqualTo("10");
    });
  }

  @Test
  void passwordNeeded_singlePasswordPrompt_repostsTheChange_wrongPasswordAsksAgain() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MockHttpSession session = new MockHttpSession();
      MfaSecurityFlowTest.App app = signIn(context, mvc, session);
      clock.advance(Duration.ofMinutes(6)); // the sign-in's password is too old to count

      MvcResult prompt = mvc.perform(post("/settings/factors/remove").session(session)
          .with(csrf()).param("factor", app.factor().value())).andReturn();
      assertThat(prompt.getResponse().getStatus()).isEqualTo(200);
      assertThat(body(prompt)).contains("Confirm your password",
          "action=\"/settings/factors/remove\"", "name=\"factor\"", app.factor().value(),
          "name=\"" + MfaFlow.PASSWORD_PARAMETER + "\"", "_csrf")
          .satisfies(WebFixture::strictCsp);

      MvcResult wrong = mvc.perform(post("/settings/factors/remove").session(session)
          .with(csrf()).param("factor", app.factor().value())
          .param(MfaFlow.PASSWORD_PARAMETER, "not-the-password")).andReturn();
      assertThat(body(wrong)).contains("Confirm your password", "The password is not right.");

      MvcResult removed = mvc.perform(post("/settings/factors/remove").session(session)
          .with(csrf()).param("factor", app.factor().value())
          .param(MfaFlow.PASSWORD_PARAMETER, TestApp.PASSWORD)).andReturn();
      assertThat(body(removed)).isEqualTo("removed");
      // the typed password renewed the session's record: its password proof is of now
      dev.mfa4j.Assurance record = context.getBean(dev.mfa4j.MfaEngine.class).stepUp()
          .restore((String) session.getAttribute(MfaFlow.ASSURANCE_ATTRIBUTE)).orElseThrow();
      assertThat(record.passwordAt()).contains(clock.instant());
    });
  }

  @Test
  void passwordNeeded_json_401ThenThePasswordHeader() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MockHttpSession session = new MockHttpSession();
      signIn(context, mvc, session);
      context.getBean(MutableClock.class).advance(Duration.ofMinutes(6));

      MvcResult refused = mvc.perform(post("/settings/backup-codes").session(session)
          .with(csrf()).accept(MediaType.APPLICATION_JSON)).andReturn();
      assertThat(refused.getResponse().getStatus()).isEqualTo(401);
      assertThat(json(refused).get("needs").asString()).isEqualTo("password");
      assertThat(json(refused).get("header").asString()).isEqualTo(MfaFlow.PASSWORD_HEADER);
      MvcResult done = mvc.perform(post("/settings/backup-codes").session(session).with(csrf())
          .accept(MediaType.APPLICATION_JSON).header(MfaFlow.PASSWORD_HEADER, TestApp.PASSWORD))
          .andReturn();
      assertThat(body(done)).isEqualTo("10");
    });
  }
}
