package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.mvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * mfa4j's pages under a strict Content-Security-Policy ({@code style-src 'self'; script-src
 * 'self'}): no template holds inline style or script, and the style sheet and scripts are served
 * to a browser that is not signed in, as the pages mid-sign-in need them. The rendered pages are
 * checked where the flow tests reach them ({@link WebFixture#strictCsp}).
 */
class StrictCspPagesTest {
  @Test
  void noTemplateHoldsInlineStyleOrScript() throws Exception {
    Resource[] templates = new PathMatchingResourcePatternResolver()
        .getResources("classpath*:templates/mfa4j/*.html");
    assertThat(templates).extracting(Resource::getFilename).contains("fragments.html",
        "verify.html", "step-up.html", "enroll.html", "enroll-confirm.html", "backup-codes.html",
        "password.html", "locked.html", "confirm-password.html", "passkey-password.html",
        "passkey-refused.html");
    for (Resource t : templates) {
      String source = t.getContentAsString(StandardCharsets.UTF_8);
      assertThat(source).as(t.getFilename()).satisfies(WebFixture::assertNoInlineCode);
      if (!t.getFilename().equals("fragments.html")) {
        assertThat(source).as(t.getFilename())
            .contains("~{mfa4j/fragments :: page-head(");
      }
    }
  }

  @Test
  void styleSheetAndScripts_areServedWithoutSignIn() {
    WebFixture.runner().run(context -> {
      MockMvc mvc = mvc(context);
      MvcResult css = mvc.perform(get("/mfa4j/mfa4j.css")).andReturn();
      assertThat(css.getResponse().getStatus()).isEqualTo(200);
      assertThat(css.getResponse().getContentType()).startsWith("text/css");
      assertThat(css.getResponse().getContentAsString()).contains(".method {", ".message {");
      assertThat(css.getRequest().getSession(false)).isNull();
      for (String js : new String[] {"webauthn.js", "passkey-sign-in.js", "signal.js",
          "backup-codes.js"}) {
        MvcResult r = mvc.perform(get("/mfa4j/" + js)).andReturn();
        assertThat(r.getResponse().getStatus()).as(js).isEqualTo(200);
        assertThat(r.getResponse().getContentType()).as(js).contains("javascript");
      }
    });
  }

  /** The application's headers do not reach mfa4j's chain: it sends its own policy. */
  @Test
  void mfa4jPages_carryTheirOwnPolicy_configurable_orNone() {
    WebFixture.runner().run(context -> {
      String csp = mvc(context).perform(get("/mfa4j/mfa4j.css")).andReturn().getResponse()
          .getHeader("Content-Security-Policy");
      assertThat(csp).contains("default-src 'self'", "style-src 'self'", "script-src 'self'",
          "frame-ancestors 'none'").doesNotContain("unsafe");
      // the application's own pages are left to the application
      assertThat(mvc(context).perform(get("/")).andReturn().getResponse()
          .getHeader("Content-Security-Policy")).isNull();
    });
    WebFixture.runner()
        .withPropertyValues("mfa4j.web.content-security-policy=default-src 'none'")
        .run(context -> assertThat(mvc(context).perform(get("/mfa4j/mfa4j.css")).andReturn()
            .getResponse().getHeader("Content-Security-Policy")).isEqualTo("default-src 'none'"));
    WebFixture.runner().withPropertyValues("mfa4j.web.content-security-policy=")
        .run(context -> assertThat(mvc(context).perform(get("/mfa4j/mfa4j.css")).andReturn()
            .getResponse().getHeader("Content-Security-Policy")).isNull());
  }
}
