package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.spring.boot.MfaEngineCustomizer;
import dev.mfa4j.spring.security.MfaUserResolver;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * mfa4j's own pages ({@code /mfa4j/**} of mfa-spring-boot-starter), as a host that takes them
 * gets them, in headless Chromium: the smallest Spring Boot application (users in memory,
 * Spring's default login page, one page of its own) with a strict Content-Security-Policy, mfa4j's
 * pages under their own, and a practice rule that requires a second step of all staff. The demo
 * has pages of its own; this is the other way in (docs/architecture.md, change 24).
 */
class StarterPagesBrowserTest {
  static final String PASSWORD = "correct-horse-battery-staple";
  static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self';"
      + " script-src 'self'; form-action 'self'; frame-ancestors 'none'";

  private static ConfigurableApplicationContext app;
  private static Browser browser;
  private static MutableClock clock;

  /**
   * The host application. Not a {@code @Configuration} (the demo's component scan would find it
   * in this package): a primary source with {@code @Bean} methods is configuration enough.
   */
  @EnableAutoConfiguration
  static class HostApp {
    @Bean
    MutableClock clock() {
      return MutableClock.at(Instant.now());
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(User.withUsername("sam")
          .password("{noop}" + PASSWORD).roles("STAFF").build());
    }

    @Bean
    MfaUserResolver mfaUsers() {
      return MfaUserResolver.singlePractice("clinic");
    }

    /** Cheap backup-code hashing: this test is about pages, not about its cost. */
    @Bean
    MfaEngineCustomizer fastBackupCodes() {
      return b -> b.backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1));
    }

    @Bean
    SecurityFilterChain chain(HttpSecurity http) {
      return http
          .authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .formLogin(Customizer.withDefaults())
          .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP)))
          .build();
    }

    /** The host's one page (a function, not a controller: the demo's scan would find one). */
    @Bean
    RouterFunction<ServerResponse> home() {
      return RouterFunctions.route().GET("/", request -> ServerResponse.ok()
          .contentType(org.springframework.http.MediaType.TEXT_HTML)
          .body("<!DOCTYPE html><title>Home</title><h1 id=\"home\">Welcome, "
              + request.principal().map(p -> p.getName()).orElse("?") + "</h1>")).build();
    }
  }

  @BeforeAll
  static void start() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    app = new SpringApplication(HostApp.class).run(
        // not the demo's application.properties, which turns mfa4j's pages off
        "--spring.config.name=mfa4j-starter-pages",
        "--server.port=0",
        "--server.address=127.0.0.1",
        "--spring.main.banner-mode=off",
        "--spring.datasource.url=jdbc:h2:mem:starter-pages;DB_CLOSE_DELAY=-1",
        "--mfa4j.secret.keys.k1=" + key,
        "--mfa4j.totp.issuer=Clinic",
        "--mfa4j.policy.requirement=ALL_STAFF",
        "--mfa4j.audit.log=false",
        "--logging.level.root=WARN");
    clock = app.getBean(MutableClock.class);
    String port = app.getEnvironment().getProperty("local.server.port");
    browser = Browser.start("http://localhost:" + port);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void requiredEnrollment_thenSecondStep_onTheStartersPages_underAStrictCsp() throws Exception {
    // the host's policy on its pages, mfa4j's own (as strict) on mfa4j's
    assertThat(header("/login", "Content-Security-Policy")).isEqualTo(CSP);
    assertThat(header("/mfa4j/mfa4j.css", "Content-Type")).startsWith("text/css");
    assertThat(header("/mfa4j/mfa4j.css", "Content-Security-Policy"))
        .contains("style-src 'self'", "script-src 'self'").doesNotContain("unsafe");

    // Spring's own login page; the practice requires a second step, so enrollment comes first
    browser.open("/");
    browser.waitForPath("/login");
    signIn();
    browser.waitForPath("/mfa4j/enroll");
    // the stylesheet is a file, so the CSP lets it apply (an inline <style> would be blocked)
    assertThat(browser.find("input[name=password]").getCssValue("display")).isEqualTo("block");
    browser.screenshot("starter-enroll");

    browser.type("form:has(input[name=kind][value=totp]) input[name=password]", PASSWORD);
    browser.click("form:has(input[name=kind][value=totp]) button[type=submit]");
    browser.waitForPath("/mfa4j/enroll/confirm");
    assertThat(((Number) browser.script(
        "return document.getElementById('qr').naturalWidth;")).intValue()).isPositive();
    String key = browser.text("#totp-key");
    browser.screenshot("starter-enroll-qr");
    browser.type("input[name=code]", Rfc6238.code(key, clock.instant()));
    browser.click("form button[type=submit]");

    // the backup codes, once, then the page the user first asked for
    browser.find("#backup-codes");
    assertThat(browser.all("#backup-codes li")).hasSize(10);
    java.util.List<String> codes = browser.all("#backup-codes code").stream()
        .map(org.openqa.selenium.WebElement::getText).toList();
    assertThat(codes).hasSize(10).allSatisfy(c -> assertThat(c).matches("[A-Za-z0-9-]{9,}"));
    browser.screenshot("starter-backup-codes");
    // Continue waits for "I have saved these codes"
    assertThat(browser.attribute("#continue", "aria-disabled")).isEqualTo("true");
    browser.click("#continue");
    assertThat(browser.path()).isEqualTo("/mfa4j/backup-codes");
    assertThat(browser.exists("#backup-codes")).isTrue();
    // Download: a text file with every code
    java.nio.file.Path downloads = browser.downloadsTo();
    browser.click("#download-codes");
    assertThat(browser.waitForDownload(downloads, "backup-codes.txt"))
        .contains(codes.toArray(String[]::new)).contains("1. " + codes.get(0));
    browser.click("#codes-saved");
    assertThat(browser.attribute("#continue", "aria-disabled")).isEqualTo("false");
    browser.screenshot("starter-backup-codes-saved");
    browser.click("#continue");
    browser.waitForPath("/");
    assertThat(browser.text("#home")).isEqualTo("Welcome, sam");
    // shown once: the codes' page now goes straight on (and never re-posts the enrollment)
    browser.open("/mfa4j/backup-codes");
    browser.waitForPath("/");
    assertThat(browser.exists("#backup-codes")).isFalse();

    // a new sign-in: the second step, a wrong code refused, the right one accepted
    clock.advance(Duration.ofMinutes(1));
    browser.forgetCookies();
    browser.open("/");
    browser.waitForPath("/login");
    signIn();
    browser.waitForPath("/mfa4j/verify");
    browser.type("form.code-form input[name=code]", wrongCode(key));
    browser.click("form.code-form button[type=submit]");
    browser.waitForPath("/mfa4j/verify");
    assertThat(browser.text("#message")).contains("not accepted");
    // an error that looks like one: the error box, not bare text
    assertThat(browser.attribute("#message", "class")).contains("error");
    assertThat(browser.attribute("#message", "role")).isEqualTo("alert");
    assertThat(browser.find("#message").getCssValue("background-color"))
        .isNotIn("transparent", "rgba(0, 0, 0, 0)");
    browser.screenshot("starter-verify-wrong-code");

    // a way out of the second step: signed out, back to the login page
    browser.click("#sign-out");
    browser.waitForPath("/login");
    browser.open("/");
    browser.waitForPath("/login");
    signIn();
    browser.waitForPath("/mfa4j/verify");
    browser.type("form.code-form input[name=code]", Rfc6238.code(key, clock.instant()));
    browser.click("form.code-form button[type=submit]");
    browser.waitForPath("/");
    assertThat(browser.text("#home")).isEqualTo("Welcome, sam");
  }

  private static String header(String path, String name) throws Exception {
    java.net.http.HttpResponse<Void> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
            + app.getEnvironment().getProperty("local.server.port") + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.headers().firstValue(name).orElse("(none)");
  }

  private static void signIn() {
    browser.type("#username", "sam");
    browser.type("#password", PASSWORD);
    browser.click("button[type=submit]");
  }

  /** A code the app shows neither now nor one step before or after. */
  private static String wrongCode(String key) {
    java.util.Set<String> near = java.util.Set.of(
        Rfc6238.code(key, clock.instant().minusSeconds(30)), Rfc6238.code(key, clock.instant()),
        Rfc6238.code(key, clock.instant().plusSeconds(30)));
    return near.contains("000000") ? (near.contains("111111") ? "222222" : "111111") : "000000";
  }
}
