package dev.mfa4j.examples;

import static dev.mfa4j.examples.WebClient.location;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.AuditTrail;
import dev.mfa4j.AuditVerification;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.Password;
import dev.mfa4j.RequestContext;
import dev.mfa4j.examples.Practices.Person;
import dev.mfa4j.examples.Practices.Practice;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.totp.TotpEnrollment;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a careful host does around mfa4j, checked over plain HTTP against the Spring Boot demo:
 * CSRF tokens, cookie flags, a new session id at each change of privilege, a pending second step
 * that grants nothing, the same answer for an unknown e-mail and a wrong password, throttles that
 * say how long to wait, timeouts, escaping, security headers, administration closed to others,
 * the step-up rule of the chart export, and the audit trail's check and download.
 */
class DemoHttpTest {
  private static MutableClock clock;
  private static Demo demo;
  private static String base;

  @BeforeAll
  static void startDemo() {
    clock = MutableClock.at(Instant.now());
    demo = DemoApp.start(DemoConfig.of(0, "jdbc:h2:mem:http-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1"), clock, new SecureRandom(), "--spring.profiles.active=dev")
        .awaitSeeded();
    base = demo.origin();
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  /** Enrolls an authenticator app through the API, as the security page would; returns its key. */
  private static String enrollTotp(Person p) {
    RequestContext ctx = RequestContext.of("127.0.0.1", "test");
    EnrollmentStart start = demo.mfa().account(p.user().ref()).beginEnrollment(FactorKind.TOTP,
        "Phone app", Password.of(p.password()), Map.of(), ctx);
    String key = start.details(TotpEnrollment.class).groupedKey();
    EnrollmentOutcome outcome = demo.mfa().account(p.user().ref()).confirmEnrollment(
        start.ceremony(), Answer.code(start.factor(), Rfc6238.code(key, clock.instant())), ctx);
    assertThat(outcome).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    clock.advance(Duration.ofSeconds(30));
    return key;
  }

  private static String factorOf(Person p) {
    return demo.mfa().account(p.user().ref()).factors().get(0).id().value();
  }

  private static HttpResponse<String> signIn(WebClient c, Person p) throws Exception {
    c.get("/signin");
    return c.post("/signin", Map.of("email", p.email(), "password", p.password()));
  }

  /** Signs in (no second step) and loads the home page, for its CSRF token. */
  private static WebClient signedIn(Person p) throws Exception {
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/");
    assertThat(c.get("/").statusCode()).isEqualTo(200);
    return c;
  }

  /** Signs in with the password and a code from the authenticator app the person has. */
  private static WebClient signedInWithCode(Person p, String key) throws Exception {
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/signin/verify");
    c.get("/signin/verify");
    assertThat(location(c.post("/signin/verify",
        Map.of("factor", factorOf(p), "code", Rfc6238.code(key, clock.instant())))))
        .isEqualTo("/");
    c.get("/");
    return c;
  }

  private static Person ada() {
    DemoApp.Seed s = DemoApp.SEEDS.get(0);
    return new Person(s.user(), s.password());
  }

  private static String text(String page) {
    return page.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ");
  }

  // ---- the first factor ----

  @Test
  void seededUsers_signInWithThePrintedPasswords() throws Exception {
    for (DemoApp.Seed seed : DemoApp.SEEDS) {
      WebClient c = new WebClient(base);
      assertThat(location(signIn(c, new Person(seed.user(), seed.password()))))
          .as(seed.user().email()).isEqualTo("/");
    }
  }

  @Test
  void wrongPassword_andUnknownEmail_getTheSameAnswer() throws Exception {
    Practice pr = Practices.create(demo);
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> wrong = c.post("/signin",
        Map.of("email", pr.staff().email(), "password", "not-the-password-at-all"));
    String wrongPage = c.get(location(wrong)).body();
    HttpResponse<String> unknown = c.post("/signin",
        Map.of("email", "nobody@sunrise.example", "password", "not-the-password-at-all"));
    String unknownPage = c.get(location(unknown)).body();
    assertThat(location(wrong)).startsWith("/signin?email=");
    assertThat(location(unknown)).startsWith("/signin?email=");
    assertThat(wrongPage).contains("The e-mail address or password is not right.");
    assertThat(unknownPage).contains("The e-mail address or password is not right.");
  }

  @Test
  void signIn_manyWrongPasswords_rightOneRefusedWithTheWaitUntilTheWindowEnds() throws Exception {
    Practice pr = Practices.create(demo);
    WebClient c = new WebClient(base);
    c.get("/signin");
    for (int i = 0; i < 10; i++) {
      c.post("/signin", Map.of("email", pr.staff().email(), "password", "wrong-guess-" + i));
      c.get("/signin");
    }
    // online guessing is throttled: even the right password is not checked now, and the page
    // says how long to wait (the same for unknown addresses: it tells nobody who has an account)
    HttpResponse<String> right = c.post("/signin",
        Map.of("email", pr.staff().email(), "password", pr.staff().password()));
    assertThat(location(right)).startsWith("/signin");
    assertThat(text(c.get(location(right)).body()))
        .containsPattern("Too many sign-in attempts\\. Please wait \\d+ (seconds|minutes) and"
            + " try again\\.");
    // after the 10th consecutive failure the next check waits 30 s · 2^5 = 16 minutes
    clock.advance(Duration.ofMinutes(17));
    c.get("/signin");
    assertThat(location(c.post("/signin",
        Map.of("email", pr.staff().email(), "password", pr.staff().password())))).isEqualTo("/");
  }

  @Test
  void signIn_unknownEmail_stillChecksAPasswordLikeAKnownOne() throws Exception {
    String email = "nobody-review@sunrise.example";
    WebClient c = new WebClient(base);
    c.get("/signin");
    for (int i = 0; i < 10; i++) {
      c.post("/signin", Map.of("email", email, "password", "wrong-guess-number-" + i));
      c.get("/signin");
    }
    // each attempt went through a real (Argon2id) check of a stand-in user, counted by the same
    // throttle as a known user's
    assertThat(demo.passwords().authenticate(PasswordSignIn.unknownUser(email),
        Password.of("anything at all"))).isEqualTo(dev.mfa4j.passwords.PasswordOutcome.THROTTLED);
  }

  // ---- sessions, cookies, CSRF ----

  @Test
  void sessionCookie_overHttp_isHttpOnlyAndSameSiteLaxWithoutSecure() throws Exception {
    HttpResponse<String> r = new WebClient(base).get("/signin");
    String cookie = r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("JSESSIONID=")).findFirst().orElseThrow();
    assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContain("Secure");
  }

  @Test
  void post_withoutCsrfToken_isRefusedAndSignsNobodyIn() throws Exception {
    Practice pr = Practices.create(demo);
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> r = c.post("/signin",
        Map.of("email", pr.staff().email(), "password", pr.staff().password()), Optional.of(base));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("This form has expired");
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  /**
   * A cross-site form post reaches the demo without the victim's SameSite=Lax session cookie. It
   * is refused, and its answer sets no cookie, so it cannot replace the victim's session cookie.
   */
  @Test
  void post_withoutSession_isRefusedWithoutMakingASession() throws Exception {
    WebClient victim = signedIn(Practices.create(demo).staff());
    WebClient crossSite = new WebClient(base); // what the victim's browser sends: no cookie
    HttpResponse<String> r = crossSite.post("/account/devices/forget-all", Map.of("x", "1"),
        Optional.of("http://evil.example"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(victim.get("/account/security").statusCode()).isEqualTo(200);
  }

  @Test
  void signIn_renewsSessionId_andTheOldIdGrantsNothing() throws Exception {
    Practice pr = Practices.create(demo);
    WebClient c = new WebClient(base);
    c.get("/signin");
    String before = c.session();
    assertThat(location(c.post("/signin",
        Map.of("email", pr.staff().email(), "password", pr.staff().password())))).isEqualTo("/");
    assertThat(c.session()).isNotEqualTo(before);
    assertThat(c.get("/").statusCode()).isEqualTo(200);

    WebClient attacker = new WebClient(base);
    attacker.cookies.put("JSESSIONID", before); // a planted, pre-sign-in id
    assertThat(location(attacker.get("/"))).isEqualTo("/signin");
  }

  @Test
  void passwordOnly_pendingSecondStep_grantsNothing_andTheSecondStepRenewsTheId()
      throws Exception {
    Person p = Practices.create(demo).staff();
    String key = enrollTotp(p);
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/signin/verify");
    String pending = c.session();
    assertThat(location(c.get("/"))).isEqualTo("/signin/verify");
    assertThat(location(c.get("/account/security"))).isEqualTo("/signin/verify");
    c.get("/signin/verify");
    assertThat(location(c.post("/account/disable", Map.of()))).isEqualTo("/signin/verify");
    assertThat(demo.mfa().account(p.user().ref()).twoFactorEnabled()).isTrue();

    // signed in, and back to the page the password alone could not open
    assertThat(location(c.post("/signin/verify",
        Map.of("factor", factorOf(p), "code", Rfc6238.code(key, clock.instant())))))
        .isEqualTo("/account/security");
    assertThat(c.session()).isNotEqualTo(pending);
    assertThat(c.get("/account/security").statusCode()).isEqualTo(200);
  }

  @Test
  void sendCode_withoutPasswordStep_sendsNothing() throws Exception {
    int before = demo.outbox().orElseThrow().messages().size();
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> r = c.post("/signin/send", Map.of("factor", "AAAAAAAAAAAAAAAAAAAAAA",
        "channel", "SMS"));
    assertThat(location(r)).isEqualTo("/signin");
    assertThat(demo.outbox().orElseThrow().messages()).hasSize(before);
  }

  @Test
  void wrongCodes_untilTheLimit_endInLockoutAndAFreshSignIn() throws Exception {
    Person p = Practices.create(demo).staff();
    enrollTotp(p);
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/signin/verify");
    c.get("/signin/verify");
    HttpResponse<String> r = null;
    for (int i = 0; i < 5; i++) {
      if (i > 0) {
        assertThat(c.get("/signin/verify").body()).contains("That code was not accepted.");
      }
      r = c.post("/signin/verify", Map.of("factor", factorOf(p), "code", "12345x"));
    }
    assertThat(location(r)).isEqualTo("/signin");
    assertThat(c.get("/signin").body()).contains("locked until");
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  @Test
  void idleSession_endsAfterThirtyMinutes() throws Exception {
    WebClient c = signedIn(Practices.create(demo).staff());
    clock.advance(SessionTimeouts.IDLE.plusSeconds(1));
    assertThat(location(c.get("/"))).isEqualTo("/signin?expired");
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  @Test
  void factorLabel_withMarkup_isEscapedOnThePage() throws Exception {
    Person p = Practices.create(demo).staff();
    String key = enrollTotp(p);
    demo.mfa().account(p.user().ref()).rename(
        demo.mfa().account(p.user().ref()).factors().get(0).id(), "<script>alert(1)</script>",
        RequestContext.of("127.0.0.1", "test"));
    String page = signedInWithCode(p, key).get("/account/security").body();
    assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)");
  }

  @Test
  void everyPage_carriesSecurityHeaders() throws Exception {
    HttpResponse<String> r = new WebClient(base).get("/signin");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
            "frame-ancestors 'none'");
    assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    assertThat(r.body()).doesNotContain("<script>").doesNotContain("style=");
  }

  // ---- the account ----

  @Test
  void changePassword_endsTheUsersOtherSessions_keepsThisOne() throws Exception {
    Person p = Practices.create(demo).staff();
    WebClient here = signedIn(p);
    WebClient elsewhere = signedIn(p); // e.g. a stolen session
    here.get("/account/security");
    String next = "lantern by the quiet harbour review";
    assertThat(location(here.post("/account/password",
        Map.of("current", p.password(), "new", next, "confirmation", next))))
        .isEqualTo("/account/security#password");
    assertThat(here.get("/account/security").body()).contains("Your password was changed.");
    assertThat(demo.passwords().verify(p.user().ref(), Password.of(next))).isTrue();
    assertThat(location(elsewhere.get("/account/security"))).startsWith("/signin");
    assertThat(here.get("/account/security").statusCode()).isEqualTo(200);
  }

  @Test
  void changePassword_blocklisted_isRefusedWithItsReason() throws Exception {
    Person p = Practices.create(demo).staff();
    WebClient c = signedIn(p);
    c.get("/account/security");
    c.post("/account/password", Map.of("current", p.password(), "new", "password1",
        "confirmation", "password1"));
    assertThat(text(c.get("/account/security").body())).contains("That password cannot be used");
    assertThat(location(signIn(new WebClient(base), p))).isEqualTo("/");
  }

  // ---- "Confirm it's you": the chart export's step-up rule ----

  @Test
  void chartExport_oldSecondFactor_stepUp_wrongCodeCounted_thenTheFileOpens() throws Exception {
    Practice pr = Practices.create(demo);
    Person p = pr.staff();
    String key = enrollTotp(p);
    WebClient c = signedInWithCode(p, key);
    assertThat(c.get("/chart/export").statusCode()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(6));
    HttpResponse<String> export = c.get("/chart/export/file");
    assertThat(location(export)).isEqualTo("/confirm");
    assertThat(export.headers().firstValue("Content-Disposition")).isEmpty();
    String page = c.get("/confirm").body();
    assertThat(page).contains("<h1>Confirm it's you</h1>", "export the client chart",
        "action=\"/confirm/verify\"");

    String right = Rfc6238.code(key, clock.instant());
    HttpResponse<String> wrong = c.post("/confirm/verify", Map.of("factor", factorOf(p),
        "code", right.equals("000000") ? "111111" : "000000"));
    assertThat(location(wrong)).isEqualTo("/confirm");
    assertThat(c.get("/confirm").body()).contains("class=\"notice error\"", "role=\"alert\"",
        "That code was not accepted. 4 attempts left.");
    assertThat(demo.mfa().admin(pr.admin().user().ref()).securityState(p.user().ref())
        .consecutiveFailures()).isEqualTo(1);

    String before = c.session();
    assertThat(location(c.post("/confirm/verify", Map.of("factor", factorOf(p), "code", right))))
        .isEqualTo("/chart/export/file");
    assertThat(c.session()).as("a new session id after the step-up").isNotEqualTo(before);
    HttpResponse<String> file = c.get("/chart/export/file");
    assertThat(file.headers().firstValue("Content-Disposition").orElse(""))
        .isEqualTo("attachment; filename=\"client-chart-jordan-example.txt\"");
    assertThat(file.body()).contains("Client: Jordan Example");
  }

  @Test
  void chartExport_byAClient_isRefused() throws Exception {
    WebClient c = signedIn(Practices.create(demo).client());
    HttpResponse<String> r = c.get("/chart/export/file");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("Only practice staff may export client charts.");
  }

  // ---- administration ----

  @Test
  void nonAdministrator_cannotOpenAdministration() throws Exception {
    WebClient c = signedIn(Practices.create(demo).staff());
    HttpResponse<String> page = c.get("/admin");
    assertThat(page.statusCode()).isEqualTo(403);
    assertThat(page.body()).contains("Only practice administrators may open this page.");
    assertThat(c.post("/admin/policy", Map.of("requirement", "NONE", "remember", "0"))
        .statusCode()).isEqualTo(403);
  }

  @Test
  void adminPasswordReset_endsTheUsersSessions() throws Exception {
    Practice pr = Practices.create(demo);
    WebClient client = signedIn(pr.client());
    WebClient admin = signedIn(pr.admin());
    admin.get("/admin/users/" + pr.client().id() + "/reset-password");
    HttpResponse<String> r = admin.post("/admin/users/" + pr.client().id() + "/reset-password",
        Map.of());
    assertThat(location(r)).isEqualTo("/admin/users/" + pr.client().id() + "/temporary-password");
    assertThat(admin.get(location(r)).body()).contains("id=\"temporary-password\"");
    assertThat(location(client.get("/"))).startsWith("/signin");
  }

  @Test
  void admin_activityPage_showsTheUsersFailuresAndMethods() throws Exception {
    Practice pr = Practices.create(demo);
    enrollTotp(pr.staff());
    WebClient u = new WebClient(base);
    assertThat(location(signIn(u, pr.staff()))).isEqualTo("/signin/verify");
    u.get("/signin/verify");
    u.post("/signin/verify", Map.of("factor", factorOf(pr.staff()), "code", "12345x"));
    u.get("/signin/verify");
    u.post("/signin/verify", Map.of("factor", factorOf(pr.staff()), "code", "12345x"));

    String page = signedIn(pr.admin()).get("/admin/users/" + pr.staff().id() + "/activity").body();
    assertThat(page).contains("id=\"failures\">2<", "data-state=\"active\"", "Phone app",
        "A sign-in code was not accepted");
    assertThat(page).as("one page holds every event").doesNotContain("id=\"older\"");
  }

  private static final Pattern CHECKED = Pattern.compile(
      "The activity log is complete and unchanged \\((\\d+) (?:entry|entries) checked\\)");

  @Test
  void admin_checksTheAuditTrail_andDownloadsAnExportThatVerifies() throws Exception {
    WebClient c = signedIn(ada());
    c.get("/admin");
    assertThat(location(c.post("/admin/audit/verify", Map.of()))).isEqualTo("/admin#audit");
    String check = c.get("/admin").body();
    assertThat(check).contains("class=\"audit-result intact\"");
    Matcher m = CHECKED.matcher(check);
    assertThat(m.find()).as("intact message in:\n" + check).isTrue();
    assertThat(Long.parseLong(m.group(1))).isPositive();
    assertThat(text(check).toLowerCase(Locale.ROOT)).doesNotContain("digest", "hash", "chain");

    HttpResponse<String> export = c.post("/admin/audit/export", Map.of());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/x-ndjson");
    String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    assertThat(export.headers().firstValue("Content-Disposition").orElse(""))
        .isEqualTo("attachment; filename=\"mfa4j-audit-sunrise-" + day + ".jsonl\"");
    AuditVerification v = AuditTrail.verifyExport(new StringReader(export.body()), List.of(),
        Map.of());
    assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
    assertThat(v.checked()).isPositive().isEqualTo(export.body().lines().count());
    // the check just made is itself in the log, as the last entry the export holds
    assertThat(export.body().lines().reduce((a, b) -> b).orElseThrow())
        .contains("\"AUDIT_VERIFIED\"");
  }

  @Test
  void admin_auditActions_needTheFormsCsrfToken() throws Exception {
    WebClient c = signedIn(ada());
    for (String path : List.of("/admin/audit/verify", "/admin/audit/export",
        "/admin/audit/checkpoint")) {
      HttpResponse<String> r = c.post(path, Map.of(), Optional.of(base));
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).contains("This form has expired");
      assertThat(r.headers().firstValue("Content-Disposition")).as(path).isEmpty();
    }
  }

  @Test
  void nonAdministrator_isRefusedTheAuditCheckAndTheDownload() throws Exception {
    WebClient c = signedIn(Practices.create(demo).staff()); // with a CSRF token
    for (String path : List.of("/admin/audit/verify", "/admin/audit/export",
        "/admin/audit/checkpoint")) {
      HttpResponse<String> r = c.post(path, Map.of());
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).contains("Only practice administrators may open this page.")
          .doesNotContain("AUDIT_", "activity log is complete");
      assertThat(r.headers().firstValue("Content-Disposition")).as(path).isEmpty();
    }
    WebClient anonymous = new WebClient(base);
    anonymous.get("/signin");
    assertThat(location(anonymous.post("/admin/audit/export", Map.of()))).isEqualTo("/signin");
  }

  @Test
  void tamperedAuditEntry_theCheckNamesTheEntryAndTheExportFailsToo() throws Exception {
    Practice pr = Practices.create(demo);
    WebClient c = signedIn(pr.admin());
    c.post("/admin/audit/verify", Map.of());
    assertThat(c.get("/admin").body()).containsPattern(CHECKED);

    AuditTamper.changeIp(demo, pr.id(), 2);

    c.post("/admin/audit/verify", Map.of());
    String check = c.get("/admin").body();
    assertThat(check).contains("class=\"audit-result broken\"", "role=\"alert\"",
        "Entry 2 was changed after it was recorded.",
        "For your IT support: problem \u201cchanged\u201d at entry 2, reference ")
        .doesNotContain("complete and unchanged");
    assertThat(text(check).toLowerCase(Locale.ROOT)).doesNotContain("digest", "hash", "chain");

    HttpResponse<String> export = c.post("/admin/audit/export", Map.of());
    AuditVerification v = AuditTrail.verifyExport(new StringReader(export.body()), List.of(),
        Map.of());
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBreak().orElseThrow().kind()).isEqualTo(AuditVerification.Kind.CHANGED);
    assertThat(v.firstBreak().orElseThrow().seq()).isEqualTo(2);
  }

  @Test
  void signedCheckpoint_isComparedAtTheNextCheck() throws Exception {
    WebClient c = signedIn(ada());
    c.get("/admin");
    assertThat(location(c.post("/admin/audit/checkpoint", Map.of())))
        .isEqualTo("/admin#audit");
    assertThat(c.get("/admin").body()).contains("Checkpoint signed: the activity log up to entry");
    c.post("/admin/audit/verify", Map.of());
    assertThat(c.get("/admin").body()).containsPattern(CHECKED)
        .containsPattern("compared with \\d+ signed checkpoints?\\.");
  }

  /** Under a "second step" rule, the activity log's download waits for "Confirm it's you". */
  @Test
  void auditDownload_underAStepUpRule_confirmsFirst() throws Exception {
    Practice pr = Practices.create(demo);
    String key = enrollTotp(pr.admin());
    WebClient c = signedInWithCode(pr.admin(), key);
    c.get("/admin");
    c.post("/admin/policy", Map.of("requirement", "NONE", "remember", "0",
        "staff_totp", "on", "staff_passkey", "on", "client_totp", "on",
        "reauthentication", "STEP_UP", "step_up_minutes", "5"));
    assertThat(c.get("/admin").body()).contains("Policy saved.");
    clock.advance(Duration.ofMinutes(6));
    c.get("/admin");
    HttpResponse<String> r = c.post("/admin/audit/export", Map.of());
    assertThat(location(r)).isEqualTo("/confirm");
    assertThat(r.headers().firstValue("Content-Disposition")).isEmpty();
    assertThat(c.get("/confirm").body()).contains("download the activity log");
    assertThat(location(c.post("/confirm/verify", Map.of("factor", factorOf(pr.admin()),
        "code", Rfc6238.code(key, clock.instant()))))).isEqualTo("/admin/audit/download");
    c.get("/admin/audit/download");
    HttpResponse<String> file = c.post("/admin/audit/export", Map.of());
    assertThat(file.headers().firstValue("Content-Disposition").orElse("")).contains(".jsonl");
  }

  @Test
  void wellKnownWebauthn_withoutRelatedOrigins_isNotFound() throws Exception {
    assertThat(new WebClient(base).get("/.well-known/webauthn").statusCode()).isEqualTo(404);
  }
}
