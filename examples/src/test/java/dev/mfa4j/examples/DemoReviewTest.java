package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Password;
import dev.mfa4j.tck.MutableClock;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Adversarial review of the demo's own first factor, over plain HTTP. */
class DemoReviewTest {
  private static MutableClock clock;
  private static Demo demo;
  private static String base;

  @BeforeAll
  static void startDemo() throws Exception {
    clock = MutableClock.at(Instant.now());
    demo = DemoApp.start(new DemoConfig(0, "jdbc:h2:mem:review-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty()), clock, new SecureRandom());
    base = "http://localhost:" + demo.port();
  }

  @AfterAll
  static void stopDemo() {
    demo.stop();
  }

  private static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElse("");
  }

  @Test
  void signIn_manyWrongPasswords_rightOneRefusedUntilTheWindowEnds() throws Exception {
    DemoUser u = new DemoUser(DemoApp.PRACTICE, "review-1", "review1@sunrise.example",
        "Review User", DemoUser.Role.STAFF);
    demo.users.add(u);
    String pw = "juniper-staircase-review-harbor";
    assertThat(demo.passwords.set(u.ref(), Password.of(pw), demo.policy(DemoApp.PRACTICE), false)
        .accepted()).isTrue();
    WebClient c = new WebClient(base);
    c.get("/signin");
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = c.post("/signin",
          Map.of("email", u.email(), "password", "wrong-guess-number-" + i));
      assertThat(r.statusCode()).isEqualTo(401);
    }

    // online guessing is throttled: even the right password is not checked now, and the page
    // says to wait (the same for unknown addresses, so it tells nobody who has an account)
    HttpResponse<String> right = c.post("/signin", Map.of("email", u.email(), "password", pw));
    assertThat(right.statusCode()).isEqualTo(401);
    assertThat(right.body()).contains("Too many sign-in attempts. Please wait a few minutes");

    // after the 10th consecutive failure the next check waits 30 s · 2^5 = 16 minutes
    clock.advance(Duration.ofMinutes(17));
    assertThat(location(c.post("/signin", Map.of("email", u.email(), "password", pw))))
        .isEqualTo("/");
  }

  @Test
  void signIn_unknownEmail_stillChecksAPasswordLikeAKnownOne() throws Exception {
    String email = "nobody-review@sunrise.example";
    WebClient c = new WebClient(base);
    c.get("/signin");
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = c.post("/signin",
          Map.of("email", email, "password", "wrong-guess-number-" + i));
      assertThat(r.statusCode()).isEqualTo(401);
    }

    // Each attempt went through a real (Argon2id) check of a stand-in user, counted by the same
    // throttle as a known user's: the answer's timing and throttling do not tell who has an
    // account.
    assertThat(demo.passwords.authenticate(SignInController.unknownUser(email),
        Password.of("anything at all")))
        .isEqualTo(dev.mfa4j.passwords.PasswordOutcome.THROTTLED);
  }

  @Test
  void changePassword_endsTheUsersOtherSessions_keepsThisOne() throws Exception {
    DemoUser u = new DemoUser(DemoApp.PRACTICE, "review-2", "review2@sunrise.example",
        "Review User Two", DemoUser.Role.STAFF);
    demo.users.add(u);
    String pw = "juniper-staircase-review-harbor-two";
    assertThat(demo.passwords.set(u.ref(), Password.of(pw), demo.policy(DemoApp.PRACTICE), false)
        .accepted()).isTrue();
    WebClient here = new WebClient(base);
    here.get("/signin");
    assertThat(location(here.post("/signin", Map.of("email", u.email(), "password", pw))))
        .isEqualTo("/");
    WebClient elsewhere = new WebClient(base); // e.g. a stolen session
    elsewhere.get("/signin");
    assertThat(location(elsewhere.post("/signin", Map.of("email", u.email(), "password", pw))))
        .isEqualTo("/");
    here.get("/account/security");

    String next = "lantern by the quiet harbour review";
    here.post("/account/password", Map.of("current", pw, "new", next, "confirm", next));

    assertThat(demo.passwords.verify(u.ref(), Password.of(next))).isTrue();
    assertThat(location(elsewhere.get("/account/security"))).isEqualTo("/signin");
    assertThat(here.get("/account/security").statusCode()).isEqualTo(200);
  }
}
