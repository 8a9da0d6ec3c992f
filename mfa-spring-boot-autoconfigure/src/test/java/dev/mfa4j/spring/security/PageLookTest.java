package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.sms.MessageTemplates;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.spring.boot.Totp;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/**
 * What the default pages tell apart and where they let the user out: a refused code or a
 * throttled send is an error box ({@code class="message error" role="alert"}), a code sent a
 * notice; "Cancel and sign out" posts to {@code mfa4j.web.logout-url} with the CSRF token; a
 * step-up's "Cancel" goes to the default success URL; phone enrollment's risk notice is in plain
 * words.
 */
class PageLookTest {
  private static final Pattern MESSAGE = Pattern.compile("<p id=\"message\"[^>]*>[^<]*</p>");

  /** The rendered message paragraph of a page. */
  private static String message(String html) {
    Matcher m = MESSAGE.matcher(html);
    assertThat(m.find()).as("a message on:\n" + html).isTrue();
    return m.group();
  }

  /** The form that posts to {@code action}, up to its end. */
  private static String form(String html, String action) {
    int start = html.indexOf("<form method=\"post\" action=\"" + action + "\"");
    assertThat(start).as("a form posting to " + action + " on:\n" + html).isNotNegative();
    return html.substring(start, html.indexOf("</form>", start));
  }

  private static MockHttpSession secondStep(MockMvc mvc, String user) throws Exception {
    MockHttpSession session = new MockHttpSession();
    login(mvc, session, user);
    mvc.perform(get("/").session(session));
    return session;
  }

  @Test
  void wrongCode_isAnErrorBox_andTheSecondStepOffersCancelAndSignOut_toLogout() {
    WebFixture.runner().run(context -> {
      MockMvc mvc = mvc(context);
      MfaSecurityFlowTest.App app = WebFixture.enrollTotp(context, "alice");
      context.getBean(MutableClock.class).advance(Duration.ofMinutes(1));
      MockHttpSession session = secondStep(mvc, "alice");

      String page = body(mvc.perform(get("/mfa4j/verify").session(session)).andReturn());
      assertThat(page).doesNotContain("id=\"message\"");
      String out = form(page, "/logout");
      assertThat(out).contains("Cancel and sign out", "name=\"_csrf\"");

      mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value()).param("code", "000000"));
      page = body(mvc.perform(get("/mfa4j/verify").session(session)).andReturn());
      assertThat(message(page)).contains("class=\"message error\"", "role=\"alert\"",
          "That code was not accepted.");
      assertThat(page).satisfies(WebFixture::strictCsp);
      // shown once
      assertThat(body(mvc.perform(get("/mfa4j/verify").session(session)).andReturn()))
          .doesNotContain("id=\"message\"");

      // the form signs out: back to the login page, and the application asks to sign in again
      String logout = mvc.perform(post("/logout").session(session).with(csrf())).andReturn()
          .getResponse().getRedirectedUrl();
      assertThat(logout).startsWith("/login");
      assertThat(mvc.perform(get("/").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).endsWith("/login");
    });
  }

  @Test
  void logoutUrl_property_isWhereCancelAndSignOutPosts_onEveryPageOfTheSignIn() {
    WebFixture.runner()
        .withPropertyValues("mfa4j.web.logout-url=/sign-out", "mfa4j.policy.requirement=ALL_STAFF")
        .run(context -> {
          MockMvc mvc = mvc(context);
          MockHttpSession session = secondStep(mvc, "bob");
          String enroll = body(mvc.perform(get("/mfa4j/enroll").session(session)).andReturn());
          assertThat(form(enroll, "/sign-out")).contains("Cancel and sign out", "_csrf");
          assertThat(enroll).doesNotContain("action=\"/logout\"");

          mvc.perform(post("/mfa4j/enroll").session(session).with(csrf()).param("kind", "totp")
              .param("password", TestApp.PASSWORD));
          String confirm = body(mvc.perform(get("/mfa4j/enroll/confirm").session(session))
              .andReturn());
          assertThat(form(confirm, "/sign-out")).contains("Cancel and sign out", "_csrf");
          assertThat(confirm).satisfies(WebFixture::strictCsp);

          // a wrong password on the enrollment is an error too
          MockHttpSession other = secondStep(mvc, "carol");
          mvc.perform(post("/mfa4j/enroll").session(other).with(csrf()).param("kind", "totp")
              .param("password", "not the password"));
          assertThat(message(body(mvc.perform(get("/mfa4j/enroll").session(other))
              .andReturn()))).contains("class=\"message error\"", "The password is not right.");
        });
  }

  @Test
  void stepUp_offersCancel_toTheDefaultSuccessUrl_notASignOut() {
    WebFixture.runner().withPropertyValues("mfa4j.web.default-success-url=/home").run(context -> {
      MockMvc mvc = mvc(context);
      MutableClock clock = context.getBean(MutableClock.class);
      MfaSecurityFlowTest.App app = WebFixture.enrollTotp(context, "alice");
      clock.advance(Duration.ofMinutes(1));
      MockHttpSession session = secondStep(mvc, "alice");
      mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value())
          .param("code", Totp.code(app.key(), clock.instant())));
      clock.advance(Duration.ofMinutes(6));
      assertThat(mvc.perform(get("/chart/export").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).isEqualTo("/mfa4j/step-up");
      String page = body(mvc.perform(get("/mfa4j/step-up").session(session)).andReturn());
      assertThat(page).contains("<a id=\"cancel\" class=\"button quiet\" href=\"/home\">Cancel</a>")
          .doesNotContain("Cancel and sign out");
    });
  }

  @Test
  void codeSent_isANotice_throttledSend_anErrorThatSaysHowLongToWait_riskNoticeInPlainWords() {
    WebFixture.runner().withBean(OutboxSender.class, OutboxSender::new)
        .withPropertyValues("mfa4j.policy.requirement=ALL_STAFF").run(context -> {
          MockMvc mvc = mvc(context);
          MockHttpSession session = secondStep(mvc, "erin");
          mvc.perform(post("/mfa4j/enroll").session(session).with(csrf()).param("kind", "phone")
              .param("phone", PhoneCodesTest.NUMBER).param("channel", "SMS")
              .param("password", TestApp.PASSWORD));
          String confirm = body(mvc.perform(get("/mfa4j/enroll/confirm").session(session))
              .andReturn());
          assertThat(confirm).contains("Codes by text message or call can be caught by someone"
              + " who takes over your phone number. Add an authenticator app or a passkey as"
              + " well.").doesNotContain(MessageTemplates.DEFAULT_RISK_NOTICE)
              .doesNotContain("RESTRICTED", "NIST", "AAL");
          mvc.perform(post("/mfa4j/enroll/confirm").session(session).with(csrf())
              .param("code", lastCode(context)));

          context.getBean(MutableClock.class).advance(Duration.ofMinutes(2));
          MockHttpSession next = secondStep(mvc, "erin");
          String factor = ((MfaState) next.getAttribute(MfaState.ATTRIBUTE)).methods.get(0).id();
          mvc.perform(post("/mfa4j/prompt").session(next).with(csrf()).param("factor", factor));
          String sent = message(body(mvc.perform(get("/mfa4j/verify").session(next))
              .andReturn()));
          assertThat(sent).contains("class=\"message notice\"", "role=\"status\"", "Code sent to")
              .doesNotContain(PhoneCodesTest.NUMBER, "error");

          mvc.perform(post("/mfa4j/prompt").session(next).with(csrf()).param("factor", factor));
          assertThat(message(body(mvc.perform(get("/mfa4j/verify").session(next)).andReturn())))
              .contains("class=\"message error\"", "role=\"alert\"",
                  "Too many codes were sent. Please wait 30 seconds and try again.");
        });
  }

  private static String lastCode(WebApplicationContext context) {
    return context.getBean(OutboxSender.class).last().orElseThrow().code(6).orElseThrow();
  }
}
