package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.body;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;

/**
 * {@code mfa4j.webauthn.related-origins}: {@code GET /.well-known/webauthn} as browsers fetch it
 * (no sign-in, JSON, no redirect), only when set, and a start-up refused for an invalid origin.
 */
class RelatedOriginsTest {
  @Test
  void relatedOrigins_servedAsJson_withoutSignIn() {
    WebFixture.runner().withPropertyValues(
        "mfa4j.webauthn.related-origins=https://clinic.example.de, https://app.clinic.example")
        .run(context -> {
          MvcResult r = mvc(context).perform(get("/.well-known/webauthn")).andReturn();
          assertThat(r.getResponse().getStatus()).isEqualTo(200);
          assertThat(r.getResponse().getContentType()).startsWith("application/json");
          assertThat(body(r)).isEqualTo(
              "{\"origins\":[\"https://app.clinic.example\",\"https://clinic.example.de\"]}");
          assertThat(r.getRequest().getSession(false)).isNull();
          // the rest of the application still asks for sign-in
          assertThat(mvc(context).perform(get("/")).andReturn().getResponse().getStatus())
              .isEqualTo(302);
        });
  }

  @Test
  void relatedOrigins_asAnIndexedList() {
    WebFixture.runner().withPropertyValues(
        "mfa4j.webauthn.related-origins[0]=https://clinic.example.de").run(context -> {
          MvcResult r = mvc(context).perform(get("/.well-known/webauthn")).andReturn();
          assertThat(body(r)).isEqualTo("{\"origins\":[\"https://clinic.example.de\"]}");
        });
  }

  @Test
  void withoutRelatedOrigins_nothingIsServed() {
    WebFixture.runner().run(context -> {
      assertThat(context).doesNotHaveBean(WellKnownWebauthnController.class);
      MvcResult r = mvc(context).perform(get("/.well-known/webauthn")).andReturn();
      assertThat(r.getResponse().getStatus()).as("the application's own rules: sign in")
          .isEqualTo(302);
    });
  }

  @Test
  void anInvalidOrigin_refusesStartUp() {
    for (String origin : new String[] {"http://clinic.example.de", "https://clinic.example.de/",
        "https://Clinic.example.de", "not an origin"}) {
      WebFixture.runner().withPropertyValues("mfa4j.webauthn.related-origins=" + origin)
          .run(context -> assertThat(context).hasFailed().getFailure()
              .as(origin).hasStackTraceContaining("mfa4j.webauthn.related-origins")
              .hasStackTraceContaining(origin.strip()));
    }
  }
}
