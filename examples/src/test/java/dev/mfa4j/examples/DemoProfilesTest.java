package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.FactorKind;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The demo as started without the {@code dev} profile: no developer outbox, no text or voice
 * codes; and with related origins, the {@code /.well-known/webauthn} document.
 */
class DemoProfilesTest {
  @Test
  void withoutDevProfile_noOutboxNoPhoneCodes_andRelatedOriginsAreServed() throws Exception {
    try (Demo demo = DemoApp.start(DemoConfig.of(0, "jdbc:h2:mem:profiles-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1").withRelatedOrigins(Set.of("https://book.sunrise.example",
        "https://sunrise.example")), Clock.systemUTC(), new SecureRandom()).awaitSeeded()) {
      assertThat(demo.outbox()).isEmpty();
      assertThat(demo.mfa().kinds()).contains(FactorKind.TOTP, FactorKind.PASSKEY)
          .doesNotContain(FactorKind.PHONE);

      WebClient c = new WebClient(demo.origin());
      HttpResponse<String> signIn = c.get("/signin");
      assertThat(signIn.body()).doesNotContain("Developer outbox");
      DemoApp.Seed sam = DemoApp.SEEDS.get(1);
      c.post("/signin", Map.of("email", sam.user().email(), "password", sam.password()));
      assertThat(c.get("/dev/outbox").statusCode()).isEqualTo(404);
      assertThat(c.get("/account/enroll").body()).contains("id=\"add-totp\"")
          .doesNotContain("id=\"add-phone\"");

      HttpResponse<String> wellKnown = c.get("/.well-known/webauthn");
      assertThat(wellKnown.statusCode()).isEqualTo(200);
      assertThat(wellKnown.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/json");
      assertThat(wellKnown.body()).isEqualTo(
          "{\"origins\":[\"https://book.sunrise.example\",\"https://sunrise.example\"]}");
    }
  }

  @Test
  void relatedOrigins_fromTheEnvironmentSetting_areSplitAtCommas() {
    System.setProperty("mfa4j.demo.related.origins", " https://a.example, https://b.example ,");
    try {
      assertThat(DemoConfig.fromEnvironment().relatedOrigins())
          .containsExactlyInAnyOrder("https://a.example", "https://b.example");
    } finally {
      System.clearProperty("mfa4j.demo.related.origins");
    }
  }
}
