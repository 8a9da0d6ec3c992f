package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static dev.mfa4j.spring.security.WebFixture.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Codes by text message with a {@code MessageSender} bean (mfa-sms-spi's {@link OutboxSender},
 * which keeps what it sends): enrollment and the second step through the pages and the JSON API,
 * the resend cooldown answered with how long to wait, and the remembered-device cookie's lifetime
 * from the user's practice.
 */
class PhoneCodesTest {
  static final String NUMBER = "+15017122661";

  private final WebApplicationContextRunner runner = WebFixture.runner()
      .withBean(OutboxSender.class, OutboxSender::new);

  private static String lastCode(WebApplicationContext context) {
    return context.getBean(OutboxSender.class).last().orElseThrow().code(6).orElseThrow();
  }

  static FactorId enrollPhone(WebApplicationContext context, String name) {
    return WebFixture.enroll(context, name, FactorKind.PHONE,
        Map.of("phone", NUMBER, "channel", "SMS"),
        start -> Answer.code(start.factor(), lastCode(context)));
  }

  @Test
  void phone_forcedEnrollmentAndSecondStep_throughThePages() {
    runner.withPropertyValues("mfa4j.policy.requirement=ALL_STAFF").run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      OutboxSender outbox = context.getBean(OutboxSender.class);
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "erin");
      mvc.perform(get("/").session(session));
      assertThat(body(mvc.perform(get("/mfa4j/enroll").session(session)).andReturn()))
          .contains("Text message or call");

      MvcResult begun = mvc.perform(post("/mfa4j/enroll").session(session).with(csrf())
          .param("kind", "phone").param("phone", NUMBER).param("channel", "SMS")
          .param("password", TestApp.PASSWORD)).andReturn();
      assertThat(begun.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/enroll");
      assertThat(outbox.messages()).hasSize(1);
      assertThat(outbox.last().orElseThrow().message().destination()).isEqualTo(NUMBER);
      String confirm = body(mvc.perform(get("/mfa4j/enroll/confirm").session(session))
          .andReturn());
      assertThat(confirm).contains("We sent a code to").doesNotContain(NUMBER)
          .satisfies(WebFixture::strictCsp);

      MvcResult done = mvc.perform(post("/mfa4j/enroll/confirm").session(session).with(csrf())
          .param("code", lastCode(context))).andReturn();
      // the codes' page is loaded by a redirect (a reload never re-posts the form), once
      assertThat(done.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/backup-codes");
      assertThat(body(mvc.perform(get("/mfa4j/backup-codes").session(session)).andReturn()))
          .contains("Your backup codes");
      MvcResult again = mvc.perform(get("/mfa4j/backup-codes").session(session)).andReturn();
      // where the sign-in was going: the page Spring saved
      assertThat(again.getResponse().getRedirectedUrl()).isEqualTo("http://localhost/?continue");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .contains("erin", MfaAuthorities.PHONE + "@", MfaAuthorities.SIGN_IN_COMPLETE);

      // the next sign-in: a code on request, on the second-step page
      clock.advance(Duration.ofMinutes(2));
      MockHttpSession next = new MockHttpSession();
      login(mvc, next, "erin");
      mvc.perform(get("/").session(next));
      MfaState s = (MfaState) next.getAttribute(MfaState.ATTRIBUTE);
      String factor = s.methods.get(0).id();
      String page = body(mvc.perform(get("/mfa4j/verify").session(next)).andReturn());
      assertThat(page).contains("Send a code");
      assertThat(mvc.perform(post("/mfa4j/prompt").session(next).with(csrf())
          .param("factor", factor)).andReturn().getResponse().getRedirectedUrl())
          .isEqualTo("/mfa4j/verify");
      assertThat(outbox.messages()).hasSize(2);
      String code = lastCode(context);

      // asked again at once: nothing sent, and the page says how long to wait
      mvc.perform(post("/mfa4j/prompt").session(next).with(csrf()).param("factor", factor));
      assertThat(outbox.messages()).hasSize(2);
      assertThat(body(mvc.perform(get("/mfa4j/verify").session(next)).andReturn()))
          .contains("Too many codes were sent. Please wait 30 seconds and try again.");

      MvcResult verified = mvc.perform(post("/mfa4j/verify").session(next).with(csrf())
          .param("factor", factor).param("code", code)).andReturn();
      assertThat(verified.getResponse().getRedirectedUrl()).isEqualTo("http://localhost/?continue");
      assertThat(body(mvc.perform(get("/whoami").session(next)).andReturn()))
          .contains(MfaAuthorities.PHONE + "@" + clock.instant());
    });
  }

  @Test
  void phone_enrollmentAndSecondStep_throughTheApi_throttledSendSaysWhenToRetry() {
    runner.withPropertyValues("mfa4j.policy.requirement=ALL_STAFF").run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "carol");
      mvc.perform(get("/").session(session));
      JsonNode begun = postJson(mvc, session, "/mfa4j/api/enroll", Map.of("kind", "phone",
          "phone", NUMBER, "channel", "SMS", "password", TestApp.PASSWORD));
      assertThat(begun.get("state").asString()).isEqualTo("enrollment");
      JsonNode details = begun.get("enrollment").get("details");
      assertThat(details.get("channel").asString()).isEqualTo("SMS");
      assertThat(details.get("destination").asString()).doesNotContain("7122");
      JsonNode enrolled = postJson(mvc, session, "/mfa4j/api/enroll/confirm",
          Map.of("code", lastCode(context)));
      assertThat(enrolled.get("state").asString()).isEqualTo("signed_in");

      clock.advance(Duration.ofMinutes(2));
      MockHttpSession next = new MockHttpSession();
      login(mvc, next, "carol");
      JsonNode state = WebFixture.json(mvc.perform(get("/mfa4j/api/state").session(next))
          .andReturn());
      assertThat(state.get("state").asString()).isEqualTo("second_factor");
      String factor = state.get("methods").get(0).get("id").asString();
      assertThat(state.get("methods").get(0).get("kind").asString()).isEqualTo("phone");

      JsonNode sent = postJson(mvc, next, "/mfa4j/api/prompt", Map.of("factor", factor));
      assertThat(sent.get("prompt").get("factor").asString()).isEqualTo(factor);
      assertThat(sent.has("retryAfter")).isFalse();
      String code = lastCode(context);

      clock.advance(Duration.ofSeconds(10));
      JsonNode throttled = postJson(mvc, next, "/mfa4j/api/prompt", Map.of("factor", factor));
      assertThat(throttled.get("retryAfterSeconds").asLong()).isEqualTo(20);
      assertThat(throttled.get("retryAfter").asString())
          .isEqualTo(clock.instant().plusSeconds(20).toString());
      assertThat(throttled.get("message").asString()).contains("Please wait 20 seconds");

      JsonNode done = postJson(mvc, next, "/mfa4j/api/verify",
          Map.of("factor", factor, "code", code, "remember", true));
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(body(mvc.perform(get("/whoami").session(next)).andReturn()))
          .contains("carol", MfaAuthorities.PHONE);
    });
  }

  @Test
  void rememberedDeviceCookie_lastsAsLongAsTheUsersPracticeRemembers_notTheDefault() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      // the default policy remembers for 30 days (mfa4j.policy.remember-device); clinic for 7
      context.getBean(MfaStore.class).policies().put(PracticeId.of("clinic"),
          PracticePolicy.defaults().toBuilder().rememberDevice(Duration.ofDays(7)).build());
      FactorId phone = enrollPhone(context, "alice");
      clock.advance(Duration.ofMinutes(2));
      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "alice");
      mvc.perform(get("/").session(session));
      assertThat(body(mvc.perform(get("/mfa4j/verify").session(session)).andReturn()))
          .contains("Remember this browser");
      mvc.perform(post("/mfa4j/prompt").session(session).with(csrf())
          .param("factor", phone.value()));
      MvcResult done = mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", phone.value()).param("code", lastCode(context))
          .param("remember", "on")).andReturn();
      assertThat(done.getResponse().getHeader("Set-Cookie")).startsWith("mfa4j_device=")
          .contains("Max-Age=" + Duration.ofDays(7).toSeconds());
    });
  }
}
