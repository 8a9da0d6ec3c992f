package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.enroll;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static dev.mfa4j.spring.security.WebFixture.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.webauthn.PasskeyEnrollment;
import dev.mfa4j.webauthn.PasskeyFactor;
import dev.mfa4j.webauthn.SoftwareAuthenticator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Passkeys through the pages and JSON API, answered by mfa-webauthn's software authenticator
 * (ES256, "none" attestation): sign-in that starts with a passkey (WebAuthn §7.2 with a
 * discoverable credential), with the password when the practice asks for it, the unknown
 * credential signal, enrollment and the second step.
 */
class PasskeySignInTest {
  static final String ORIGIN = "https://localhost";

  private final WebApplicationContextRunner runner = WebFixture.runner().withPropertyValues(
      "mfa4j.webauthn.rp-id=localhost", "mfa4j.webauthn.origins=" + ORIGIN,
      "mfa4j.webauthn.passwordless=true");

  /** Registers the authenticator as a passkey of {@code name} through the engine. */
  static void enrollPasskey(WebApplicationContext context, String name,
      SoftwareAuthenticator authenticator) {
    enroll(context, name, FactorKind.PASSKEY, Map.of(PasskeyFactor.PARAM_USER_NAME, name),
        start -> Answer.response(start.factor(), authenticator.register(
            start.details(PasskeyEnrollment.class).creationOptionsJson(), ORIGIN)));
  }

  private static String begin(MockMvc mvc, MockHttpSession session) throws Exception {
    JsonNode begun = postJson(mvc, session, "/mfa4j/api/passkey/begin", Map.of());
    assertThat(begun.get("state").asString()).isEqualTo("passkey");
    assertThat(begun.get("expiresAt").asString()).isNotEmpty();
    return begun.get("clientJson").asString();
  }

  @Test
  void passkeySignIn_verifiedPasskey_signsInWithWebauthnAndMfa4jFactors_underNewSessionId() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
      enrollPasskey(context, "alice", passkey);
      MockHttpSession session = new MockHttpSession();
      // the page the user asked for, saved by Spring on the way to the sign-in page
      assertThat(mvc.perform(get("/whoami").session(session)).andReturn().getResponse()
          .getRedirectedUrl()).endsWith("/login");

      String options = begin(mvc, session);
      assertThat(WebFixture.JSON.readTree(options).has("allowCredentials")).isFalse();
      String anonymous = session.getId();
      JsonNode done = postJson(mvc, session, "/mfa4j/api/passkey/finish",
          Map.of("response", passkey.assertion(options, ORIGIN)));

      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(done.get("redirect").asString()).isEqualTo("http://localhost/whoami?continue");
      assertThat(session.getId()).isNotEqualTo(anonymous);
      String who = body(mvc.perform(get("/whoami").session(session)).andReturn());
      assertThat(who).startsWith("alice").contains("ROLE_STAFF", MfaAuthorities.PASSKEY + "@",
          MfaAuthorities.SIGN_IN_COMPLETE + "@", MfaAuthorities.ANY_SECOND_FACTOR + "@")
          .doesNotContain("FACTOR_PASSWORD");
      assertThat(session.getAttribute(MfaFlow.ASSURANCE_ATTRIBUTE)).isInstanceOf(String.class);

      // the ceremony answers once
      JsonNode again = postJson(mvc, new MockHttpSession(), "/mfa4j/api/passkey/finish",
          Map.of("response", passkey.assertion(options, ORIGIN)));
      assertThat(again.get("state").asString()).isEqualTo("none");
    });
  }

  @Test
  void passkeySignIn_whenThePracticeAsksThePasswordToo_passwordPage_thenPasswordFactorAsWell() {
    runner.withPropertyValues("mfa4j.policy.passkey-sign-in=CLIENT").run(context -> {
      MockMvc mvc = mvc(context);
      SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
      enrollPasskey(context, "bob", passkey);
      MockHttpSession session = new MockHttpSession();
      String options = begin(mvc, session);

      MvcResult named = mvc.perform(post("/mfa4j/passkey").session(session).with(csrf())
          .param("passkeyResponse", passkey.assertion(options, ORIGIN))).andReturn();
      assertThat(named.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/passkey/password");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .as("nobody is signed in yet").doesNotContain("bob");
      assertThat(body(mvc.perform(get("/mfa4j/passkey/password").session(session)).andReturn()))
          .contains("Your password", "bob", "_csrf").satisfies(WebFixture::strictCsp);

      MvcResult wrong = mvc.perform(post("/mfa4j/passkey/password").session(session)
          .with(csrf()).param("password", "not-the-password")).andReturn();
      assertThat(wrong.getResponse().getRedirectedUrl()).isEqualTo("/mfa4j/passkey/password");
      assertThat(body(mvc.perform(get("/mfa4j/passkey/password").session(session)).andReturn()))
          .contains("The password is not right.");

      String before = session.getId();
      MvcResult done = mvc.perform(post("/mfa4j/passkey/password").session(session)
          .with(csrf()).param("password", TestApp.PASSWORD)).andReturn();
      // back to the page the password-only principal was refused, as Spring saved it
      assertThat(done.getResponse().getRedirectedUrl())
          .isEqualTo("http://localhost/whoami?continue");
      assertThat(session.getId()).isNotEqualTo(before);
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .startsWith("bob").contains("FACTOR_PASSWORD@", MfaAuthorities.PASSKEY + "@",
              MfaAuthorities.SIGN_IN_COMPLETE + "@");
      assertThat(mvc.perform(get("/").session(session)).andReturn().getResponse().getStatus())
          .isEqualTo(200);
    });
  }

  @Test
  void passkeySignIn_passwordThroughTheApi() {
    runner.withPropertyValues("mfa4j.policy.passkey-sign-in=CLIENT").run(context -> {
      MockMvc mvc = mvc(context);
      SoftwareAuthenticator passkey = SoftwareAuthenticator.securityKey();
      enrollPasskey(context, "carol", passkey);
      MockHttpSession session = new MockHttpSession();
      JsonNode named = postJson(mvc, session, "/mfa4j/api/passkey/finish",
          Map.of("response", passkey.assertion(begin(mvc, session), ORIGIN)));
      assertThat(named.get("state").asString()).isEqualTo("passkey_password");
      assertThat(named.get("user").asString()).isEqualTo("carol");
      JsonNode done = postJson(mvc, session, "/mfa4j/api/passkey/password",
          Map.of("password", TestApp.PASSWORD));
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(body(mvc.perform(get("/whoami").session(session)).andReturn()))
          .startsWith("carol").contains("FACTOR_PASSWORD@", MfaAuthorities.PASSKEY + "@");
    });
  }

  @Test
  void passkeySignIn_unknownCredential_answerCarriesTheSignal_jsonAndPage() {
    runner.run(context -> {
      MockMvc mvc = mvc(context);
      enrollPasskey(context, "alice", SoftwareAuthenticator.syncedPasskey());
      SoftwareAuthenticator stranger = SoftwareAuthenticator.syncedPasskey();

      MockHttpSession session = new MockHttpSession();
      JsonNode refused = postJson(mvc, session, "/mfa4j/api/passkey/finish",
          Map.of("response", stranger.assertion(begin(mvc, session), ORIGIN)));
      assertThat(refused.get("state").asString()).isEqualTo("none");
      assertThat(refused.get("signal").get("method").asString())
          .isEqualTo("signalUnknownCredential");
      JsonNode signal = WebFixture.JSON.readTree(refused.get("signal").get("json").asString());
      assertThat(signal.get("rpId").asString()).isEqualTo("localhost");
      assertThat(signal.get("credentialId").asString()).isEqualTo(stranger.credentialId());

      MockHttpSession page = new MockHttpSession();
      String options = begin(mvc, page);
      MvcResult r = mvc.perform(post("/mfa4j/passkey").session(page).with(csrf())
          .param("passkeyResponse", stranger.assertion(options, ORIGIN))).andReturn();
      assertThat(r.getResponse().getStatus()).isEqualTo(200);
      assertThat(body(r)).contains("not registered here", "signalUnknownCredential",
          stranger.credentialId(), "src=\"/mfa4j/signal.js\"", "id=\"mfa4j-signal\"",
          "data-method=\"signalUnknownCredential\"").satisfies(WebFixture::strictCsp);
      assertThat(body(mvc.perform(get("/whoami").session(page)).andReturn()))
          .doesNotContain("alice");
    });
  }

  @Test
  void passkeySignIn_offWithoutPasswordless_beginAnswers404() {
    WebFixture.runner().withPropertyValues("mfa4j.webauthn.rp-id=localhost",
        "mfa4j.webauthn.origins=" + ORIGIN).run(context -> {
          MvcResult r = mvc(context).perform(post("/mfa4j/api/passkey/begin").with(csrf()))
              .andReturn();
          assertThat(r.getResponse().getStatus()).isEqualTo(404);
          assertThat(body(r)).contains("unavailable");
        });
  }

  @Test
  void passkey_enrollmentAndSecondStep_throughTheJsonApi() {
    runner.withPropertyValues("mfa4j.policy.requirement=ALL_STAFF").run(context -> {
      MockMvc mvc = mvc(context);
      SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();

      // forced enrollment of a passkey at the first sign-in
      MockHttpSession first = new MockHttpSession();
      login(mvc, first, "erin");
      mvc.perform(get("/").session(first));
      JsonNode begun = postJson(mvc, first, "/mfa4j/api/enroll", Map.of("kind", "passkey",
          "password", TestApp.PASSWORD));
      assertThat(begun.get("state").asString()).isEqualTo("enrollment");
      String creation = begun.get("enrollment").get("details").get("creationOptions")
          .asString();
      JsonNode enrolled = postJson(mvc, first, "/mfa4j/api/enroll/confirm",
          Map.of("passkeyResponse", key.register(creation, ORIGIN)));
      assertThat(enrolled.get("state").asString()).isEqualTo("signed_in");
      assertThat(enrolled.get("backupCodes").size()).isEqualTo(10);

      // the next sign-in: password, then the passkey as the second step
      MockHttpSession second = new MockHttpSession();
      login(mvc, second, "erin");
      mvc.perform(get("/").session(second));
      JsonNode state = WebFixture.json(mvc.perform(get("/mfa4j/api/state").session(second))
          .andReturn());
      String factor = state.get("methods").get(0).get("id").asString();
      assertThat(state.get("methods").get(0).get("kind").asString()).isEqualTo("passkey");
      JsonNode prompted = postJson(mvc, second, "/mfa4j/api/prompt", Map.of("factor", factor));
      String request = prompted.get("prompt").get("clientJson").asString();
      JsonNode done = postJson(mvc, second, "/mfa4j/api/verify", Map.of("factor", factor,
          "passkeyResponse", key.assertion(request, ORIGIN)));
      assertThat(done.get("state").asString()).isEqualTo("signed_in");
      assertThat(body(mvc.perform(get("/whoami").session(second)).andReturn()))
          .contains("erin", "FACTOR_PASSWORD", MfaAuthorities.PASSKEY + "@",
              MfaAuthorities.SIGN_IN_COMPLETE);
    });
  }
}
