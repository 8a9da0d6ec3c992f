package dev.mfa4j.examples;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.Password;
import dev.mfa4j.RequestContext;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.webauthn.SoftwareAuthenticator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a careful host does around mfa4j, checked over plain HTTP: CSRF tokens, the Origin check,
 * cookie flags, a new session id at each change of privilege, a pending second step that grants
 * nothing, timeouts, escaping and security headers.
 */
class DemoHttpTest {
  private static final AtomicInteger USERS = new AtomicInteger();
  private static MutableClock clock;
  private static Demo demo;
  private static String base;

  @BeforeAll
  static void startDemo() throws Exception {
    clock = MutableClock.at(Instant.now());
    demo = DemoApp.start(new DemoConfig(0, "jdbc:h2:mem:http-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty()), clock, new SecureRandom());
    base = "http://localhost:" + demo.port();
  }

  @AfterAll
  static void stopDemo() {
    demo.stop();
  }

  private record Person(DemoUser user, String password) {}

  private static Person newStaff() {
    int n = USERS.incrementAndGet();
    DemoUser u = new DemoUser(DemoApp.PRACTICE, "http-" + n, "http" + n + "@sunrise.example",
        "Http User " + n, DemoUser.Role.STAFF);
    demo.users.add(u);
    String pw = "juniper-staircase-" + n + "-harbor";
    assertThat(demo.passwords.set(u.ref(), Password.of(pw), demo.policy(DemoApp.PRACTICE), false)
        .accepted()).isTrue();
    return new Person(u, pw);
  }

  /** Enrolls an authenticator app through the API, as the security page would. */
  private static void enrollTotp(Person p) {
    enrollTotpKey(p);
  }

  /** Enrolls an authenticator app through the API; returns its key. */
  private static String enrollTotpKey(Person p) {
    RequestContext ctx = RequestContext.of("127.0.0.1", "test");
    EnrollmentStart start = demo.mfa.account(p.user().ref()).beginEnrollment(FactorKind.TOTP,
        "Phone app", Password.of(p.password()), Map.of(), ctx);
    String key = start.details(TotpEnrollment.class).groupedKey();
    EnrollmentOutcome outcome = demo.mfa.account(p.user().ref()).confirmEnrollment(
        start.ceremony(), Answer.code(start.factor(), Rfc6238.code(key, clock.instant())), ctx);
    assertThat(outcome).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    clock.advance(Duration.ofSeconds(30));
    return key;
  }

  private static HttpResponse<String> signIn(WebClient c, Person p) throws Exception {
    c.get("/signin");
    return c.post("/signin", Map.of("email", p.user().email(), "password", p.password()));
  }

  private static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElse("");
  }

  @Test
  void seededUsers_signInWithThePrintedPasswords() throws Exception {
    for (DemoApp.Seed seed : DemoApp.SEEDS) {
      WebClient c = new WebClient(base);
      c.get("/signin");
      HttpResponse<String> r = c.post("/signin",
          Map.of("email", seed.user().email(), "password", seed.password()));
      assertThat(location(r)).as(seed.user().email()).isEqualTo("/");
    }
  }

  @Test
  void post_withoutCsrfToken_isRefusedAndSignsNobodyIn() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> r = c.post("/signin",
        Map.of("email", p.user().email(), "password", p.password()), Optional.of(base));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  @Test
  void post_fromAnotherOrigin_isRefusedEvenWithToken() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> r = c.post("/signin", Map.of("email", p.user().email(), "password",
        p.password(), "_csrf", c.csrf), Optional.of("http://evil.example"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  @Test
  void sessionCookie_overHttp_isHttpOnlyAndSameSiteWithoutSecure() throws Exception {
    HttpResponse<String> r = new WebClient(base).get("/signin");
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("session=").contains("HttpOnly", "SameSite=Lax", "Path=/")
        .doesNotContain("Secure");
  }

  @Test
  void signIn_renewsSessionId_andTheOldIdGrantsNothing() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    c.get("/signin");
    String before = c.session;
    HttpResponse<String> r = c.post("/signin",
        Map.of("email", p.user().email(), "password", p.password()));
    assertThat(location(r)).isEqualTo("/");
    assertThat(c.session).isNotEqualTo(before);
    assertThat(c.get("/").statusCode()).isEqualTo(200);

    WebClient attacker = new WebClient(base);
    attacker.session = before; // a planted, pre-sign-in id
    assertThat(location(attacker.get("/"))).isEqualTo("/signin");
  }

  @Test
  void passwordOnly_pendingSecondStep_grantsNothing() throws Exception {
    Person p = newStaff();
    enrollTotp(p);
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/signin/verify");
    assertThat(location(c.get("/"))).isEqualTo("/signin");
    assertThat(location(c.get("/account/security"))).isEqualTo("/signin");
    c.get("/signin/verify");
    HttpResponse<String> off = c.post("/account/disable", Map.of("password", p.password()));
    assertThat(location(off)).isEqualTo("/signin");
    assertThat(demo.mfa.account(p.user().ref()).twoFactorEnabled()).isTrue();
  }

  @Test
  void sendCode_withoutPasswordStep_isRefusedAndSendsNothing() throws Exception {
    int before = demo.outbox.get().size();
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> r = c.post("/signin/send", Map.of("factor", "AAAAAAAAAAAAAAAAAAAAAA",
        "channel", "SMS"));
    assertThat(location(r)).isEqualTo("/signin");
    assertThat(demo.outbox.get()).hasSize(before);
  }

  @Test
  void wrongPassword_andUnknownEmail_getTheSameAnswer() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    c.get("/signin");
    HttpResponse<String> wrong = c.post("/signin",
        Map.of("email", p.user().email(), "password", "not-the-password-at-all"));
    HttpResponse<String> unknown = c.post("/signin",
        Map.of("email", "nobody@sunrise.example", "password", "not-the-password-at-all"));
    assertThat(wrong.statusCode()).isEqualTo(401).isEqualTo(unknown.statusCode());
    assertThat(wrong.body()).contains("The e-mail address or password is not right.");
    assertThat(unknown.body()).contains("The e-mail address or password is not right.");
  }

  @Test
  void factorLabel_withMarkup_isEscapedOnThePage() throws Exception {
    Person p = newStaff();
    enrollTotp(p);
    var factor = demo.mfa.account(p.user().ref()).factors().get(0);
    demo.mfa.account(p.user().ref()).rename(factor.id(), "<script>alert(1)</script>",
        RequestContext.of("127.0.0.1", "test"));
    // Sign in, answering the second step with a backup code.
    WebClient c = new WebClient(base);
    signIn(c, p);
    c.get("/signin/verify");
    var codes = demo.mfa.account(p.user().ref()).regenerateBackupCodes(
        Password.of(p.password()), RequestContext.of("127.0.0.1", "test"));
    HttpResponse<String> r = c.post("/signin/verify",
        Map.of("backup_code", codes.reveal().get(0)));
    assertThat(location(r)).isEqualTo("/");
    String page = c.get("/account/security").body();
    assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)");
  }

  @Test
  void idleSession_endsAfterThirtyMinutes() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    signIn(c, p);
    assertThat(c.get("/").statusCode()).isEqualTo(200);
    clock.advance(SessionStore.IDLE.plusSeconds(1));
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  @Test
  void everyPage_carriesSecurityHeaders() throws Exception {
    HttpResponse<String> r = new WebClient(base).get("/signin");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'");
    assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @Test
  void nonAdministrator_cannotOpenAdministration() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    signIn(c, p);
    assertThat(c.get("/admin").statusCode()).isEqualTo(403);
    HttpResponse<String> r = c.post("/admin/policy", Map.of("requirement", "NONE", "remember", "0"));
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void changePassword_needsTheCurrentOne_thenOnlyTheNewOneWorks() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    signIn(c, p);
    c.get("/account/security");
    String next = "pelican-lighthouse-" + USERS.get() + "-meadow";
    c.post("/account/password", Map.of("current", "not-my-password-at-all", "new", next,
        "confirm", next));
    assertThat(c.get("/account/security").body()).contains("Your password was not right.");
    assertThat(location(signIn(new WebClient(base), p))).isEqualTo("/");

    c.post("/account/password", Map.of("current", p.password(), "new", next, "confirm", next));
    assertThat(c.get("/account/security").body()).contains("Your password was changed.");
    assertThat(signIn(new WebClient(base), p).statusCode()).isEqualTo(401);
    assertThat(location(signIn(new WebClient(base), new Person(p.user(), next)))).isEqualTo("/");
  }

  @Test
  void changePassword_blocklisted_isRefusedWithItsReason() throws Exception {
    Person p = newStaff();
    WebClient c = new WebClient(base);
    signIn(c, p);
    c.get("/account/security");
    c.post("/account/password", Map.of("current", p.password(), "new", "password1",
        "confirm", "password1"));
    assertThat(c.get("/account/security").body()).contains("That password cannot be used");
    assertThat(location(signIn(new WebClient(base), p))).isEqualTo("/");
  }

  @Test
  void wrongCodes_untilTheLimit_endInLockoutAndAFreshSignIn() throws Exception {
    Person p = newStaff();
    enrollTotp(p);
    String factor = demo.mfa.account(p.user().ref()).factors().get(0).id().value();
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/signin/verify");
    c.get("/signin/verify");
    HttpResponse<String> r = null;
    for (int i = 0; i < 5; i++) {
      r = c.post("/signin/verify", Map.of("factor", factor, "code", "12345x"));
    }
    assertThat(location(r)).isEqualTo("/signin");
    assertThat(c.get("/signin").body()).contains("locked until");
    assertThat(location(c.get("/"))).isEqualTo("/signin");
  }

  @Test
  void admin_activityPage_showsTheUsersFailuresAndMethods() throws Exception {
    Person p = newStaff();
    enrollTotp(p);
    String factor = demo.mfa.account(p.user().ref()).factors().get(0).id().value();
    WebClient u = new WebClient(base);
    assertThat(location(signIn(u, p))).isEqualTo("/signin/verify");
    u.get("/signin/verify");
    u.post("/signin/verify", Map.of("factor", factor, "code", "12345x"));
    u.post("/signin/verify", Map.of("factor", factor, "code", "12345x"));

    DemoApp.Seed ada = DemoApp.SEEDS.get(0);
    WebClient c = signedIn(new Person(ada.user(), ada.password()));
    String page = c.get("/admin/activity?user=" + java.net.URLEncoder.encode(p.user().id(),
        java.nio.charset.StandardCharsets.UTF_8)).body();

    assertThat(page).contains("id=\"failures\">2<", "id=\"locked\">no<",
        "class=\"method\" data-state=\"active\"", "Phone app");
    assertThat(page).as("one page holds every event").doesNotContain("id=\"older\"");
  }

  // ---- the audit trail page ----

  private static final Pattern CHECKED = Pattern.compile(
      "The activity log is complete and unchanged \\((\\d+) (?:entry|entries) checked\\)");

  /** Signs in and loads a page, so the client holds the signed-in session's CSRF token. */
  private static WebClient signedIn(Person p) throws Exception {
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/");
    assertThat(c.get("/").statusCode()).isEqualTo(200);
    return c;
  }

  private static void assertNoJargon(String page) {
    // what a person reads: tags (and the CSRF tokens in them) left out
    String text = page.replaceAll("<[^>]*>", " ").toLowerCase(java.util.Locale.ROOT);
    assertThat(text).doesNotContain("digest", "hash", "chain");
  }

  @Test
  void admin_checksTheAuditTrail_andDownloadsAnExportThatVerifies() throws Exception {
    DemoApp.Seed ada = DemoApp.SEEDS.get(0);
    WebClient c = signedIn(new Person(ada.user(), ada.password()));
    String admin = c.get("/admin").body();
    assertThat(admin).contains("Check the audit trail", "Download the activity log");

    HttpResponse<String> check = c.post("/admin/audit/verify", Map.of());
    assertThat(check.statusCode()).isEqualTo(200);
    assertThat(check.body()).contains("class=\"audit-result intact\"");
    Matcher m = CHECKED.matcher(check.body());
    assertThat(m.find()).as("intact message in:\n" + check.body()).isTrue();
    assertThat(Long.parseLong(m.group(1))).isPositive();
    assertNoJargon(check.body());

    HttpResponse<String> export = c.post("/admin/audit/export", Map.of());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/x-ndjson");
    String day = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)
        .toString();
    assertThat(export.headers().firstValue("Content-Disposition").orElse(""))
        .isEqualTo("attachment; filename=\"mfa4j-audit-sunrise-" + day + ".jsonl\"");
    dev.mfa4j.AuditVerification v = dev.mfa4j.AuditTrail.verifyExport(
        new java.io.StringReader(export.body()), java.util.List.of(), Map.of());
    assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
    assertThat(v.checked()).isPositive().isEqualTo(export.body().lines().count());
    assertThat(v.fromSeq()).isEqualTo(1);
    // the check just made is itself in the log, as the last entry the export holds
    assertThat(export.body().lines().reduce((a, b) -> b).orElseThrow())
        .contains("\"AUDIT_VERIFIED\"");
  }

  @Test
  void admin_auditActions_needTheFormsCsrfToken() throws Exception {
    DemoApp.Seed ada = DemoApp.SEEDS.get(0);
    WebClient c = signedIn(new Person(ada.user(), ada.password()));
    for (String path : new String[] {"/admin/audit/verify", "/admin/audit/export",
        "/admin/audit/checkpoint"}) {
      HttpResponse<String> r = c.post(path, Map.of(), Optional.of(base));
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).contains("This form has expired");
      assertThat(r.headers().firstValue("Content-Disposition")).as(path).isEmpty();
    }
  }

  @Test
  void nonAdministrator_isRefusedTheAuditCheckAndTheDownload() throws Exception {
    Person p = newStaff();
    WebClient c = signedIn(p); // with a valid CSRF token: the refusal is the role check's
    for (String path : new String[] {"/admin/audit/verify", "/admin/audit/export",
        "/admin/audit/checkpoint"}) {
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
    String practice = "tamper-" + USERS.incrementAndGet();
    demo.users.addPractice(practice, "Tamper Test Practice");
    DemoUser u = new DemoUser(practice, practice + "-admin", "admin@" + practice + ".example",
        "Tamper Admin", DemoUser.Role.ADMIN);
    demo.users.add(u);
    String pw = "copper-kettle-" + practice + "-meadow";
    assertThat(demo.passwords.set(u.ref(), Password.of(pw), demo.policy(practice), false)
        .accepted()).isTrue();
    WebClient c = signedIn(new Person(u, pw));
    assertThat(c.post("/admin/audit/verify", Map.of()).body()).containsPattern(CHECKED);

    AuditTamper.changeIp(demo, practice, 2);

    HttpResponse<String> check = c.post("/admin/audit/verify", Map.of());
    assertThat(check.statusCode()).isEqualTo(200);
    assertThat(check.body()).contains("class=\"audit-result broken\"", "role=\"alert\"",
        "<p class=\"error\" id=\"audit-message\">Entry 2 was changed after it was recorded.</p>",
        "For your IT support: problem \u201cchanged\u201d at entry 2, reference ")
        .doesNotContain("complete and unchanged");
    assertNoJargon(check.body());

    HttpResponse<String> export = c.post("/admin/audit/export", Map.of());
    assertThat(export.statusCode()).isEqualTo(200);
    dev.mfa4j.AuditVerification v = dev.mfa4j.AuditTrail.verifyExport(
        new java.io.StringReader(export.body()), java.util.List.of(), Map.of());
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBreak().orElseThrow().kind())
        .isEqualTo(dev.mfa4j.AuditVerification.Kind.CHANGED);
    assertThat(v.firstBreak().orElseThrow().seq()).isEqualTo(2);
  }

  @Test
  void signedCheckpoint_isComparedAtTheNextCheck() throws Exception {
    DemoApp.Seed ada = DemoApp.SEEDS.get(0);
    WebClient c = signedIn(new Person(ada.user(), ada.password()));
    HttpResponse<String> signed = c.post("/admin/audit/checkpoint", Map.of());
    assertThat(location(signed)).isEqualTo("/admin#audit");
    assertThat(c.get("/admin").body()).contains("Checkpoint signed: the activity log up to entry");
    assertThat(c.post("/admin/audit/verify", Map.of()).body()).containsPattern(CHECKED)
        .containsPattern("compared with \\d+ signed checkpoints?\\.");
  }
  // ---- passkeys first, and "Confirm it's you" ----

  @Test
  void wellKnownWebauthn_withoutRelatedOrigins_isNotFound() throws Exception {
    HttpResponse<String> r = new WebClient(base).get("/.well-known/webauthn");
    assertThat(r.statusCode()).isEqualTo(404);
  }

  @Test
  void wellKnownWebauthn_withRelatedOrigins_isServedAsJson() throws Exception {
    Demo related = DemoApp.start(new DemoConfig(0, "jdbc:h2:mem:related-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(),
        java.util.Set.of("https://book.sunrise.example", "https://sunrise.example")),
        clock, new SecureRandom());
    try {
      HttpResponse<String> r = new WebClient("http://localhost:" + related.port())
          .get("/.well-known/webauthn");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(r.body()).isEqualTo(
          "{\"origins\":[\"https://book.sunrise.example\",\"https://sunrise.example\"]}");
    } finally {
      related.stop();
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

  /** Signs in with the password and a code from the authenticator app the person has. */
  private static WebClient signedInWithCode(Person p, String key) throws Exception {
    WebClient c = new WebClient(base);
    assertThat(location(signIn(c, p))).isEqualTo("/signin/verify");
    c.get("/signin/verify");
    String factor = demo.mfa.account(p.user().ref()).factors().get(0).id().value();
    assertThat(location(c.post("/signin/verify",
        Map.of("factor", factor, "code", Rfc6238.code(key, clock.instant()))))).isEqualTo("/");
    c.get("/");
    return c;
  }

  @Test
  void stepUpPage_wrongCode_isRefusedInTheErrorStyleAndCounted() throws Exception {
    Person p = newStaff();
    String key = enrollTotpKey(p);
    WebClient c = signedInWithCode(p, key);
    clock.advance(Duration.ofMinutes(6));
    HttpResponse<String> export = c.post("/chart/export", Map.of());
    assertThat(location(export)).isEqualTo("/confirm");
    assertThat(export.headers().firstValue("Content-Disposition")).isEmpty();
    String page = c.get("/confirm").body();
    assertThat(page).contains("<h1>Confirm it&#39;s you</h1>", "export the client chart",
        "action=\"/confirm/verify\"");
    String factor = demo.mfa.account(p.user().ref()).factors().get(0).id().value();

    HttpResponse<String> wrong = c.post("/confirm/verify", Map.of("factor", factor,
        "code", wrongCode(key)));
    assertThat(location(wrong)).isEqualTo("/confirm");
    assertThat(c.get("/confirm").body()).contains("<p class=\"error alert\" id=\"error\""
        + " role=\"alert\">That code was not accepted. 4 attempts left.</p>");
    DemoApp.Seed ada = DemoApp.SEEDS.get(0);
    assertThat(demo.mfa.admin(ada.user().ref()).securityState(p.user().ref())
        .consecutiveFailures()).isEqualTo(1);

    HttpResponse<String> right = c.post("/confirm/verify", Map.of("factor", factor,
        "code", Rfc6238.code(key, clock.instant())));
    assertThat(location(right)).isEqualTo("/confirm/done");
    assertThat(c.get("/confirm/done").body()).contains("You can now export the client chart");
    HttpResponse<String> file = c.post("/chart/export", Map.of());
    assertThat(file.headers().firstValue("Content-Disposition").orElse(""))
        .isEqualTo("attachment; filename=\"client-chart-jordan-example.txt\"");
    assertThat(file.body()).contains("Client: Jordan Example");
  }

  @Test
  void chartExport_byAClient_isRefused() throws Exception {
    DemoApp.Seed cleo = DemoApp.SEEDS.get(2);
    WebClient c = signedIn(new Person(cleo.user(), cleo.password()));
    HttpResponse<String> r = c.post("/chart/export", Map.of());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Disposition")).isEmpty();
  }

  private static String wrongCode(String key) {
    String right = Rfc6238.code(key, clock.instant());
    return right.equals("000000") ? "111111" : "000000";
  }

  /** The JSON of a data block on a page, unescaped. */
  private static String jsonBlock(String page, String id) {
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"" + id
        + "\">(.*?)</script>", Pattern.DOTALL).matcher(page);
    assertThat(m.find()).as(id + " in:\n" + page).isTrue();
    return m.group(1).replace("\\u003c", "<").replace("\\u003e", ">")
        .replace("\\u0026", "&");
  }

  /**
   * A key that cannot check who is using it (touch only), answering as Chromium will not (see
   * DemoBrowserTest): the passkey is accepted as one factor and the password page finishes.
   */
  @Test
  void passkeySignIn_keyWithoutUserVerification_asksForThePassword() throws Exception {
    Person p = newStaff();
    SoftwareAuthenticator key = SoftwareAuthenticator.touchOnlyKey();
    WebClient c = signedIn(p);
    c.get("/account/enroll");
    assertThat(location(c.post("/account/enroll/begin", Map.of("kind", "passkey",
        "label", "Touch-only key", "hint", "security-key")))).isEqualTo("/account/enroll/confirm");
    String options = jsonBlock(c.get("/account/enroll/confirm").body(), "passkey-create");
    assertThat(location(c.post("/account/enroll/confirm",
        Map.of("response", key.register(options, base))))).isEqualTo("/account/security");

    WebClient next = new WebClient(base);
    String request = jsonBlock(next.get("/signin").body(), "passwordless-request");
    HttpResponse<String> answered = next.post("/signin/passkey",
        Map.of("response", key.assertion(request, base)));
    assertThat(location(answered)).isEqualTo("/signin/password");
    assertThat(location(next.get("/"))).isEqualTo("/signin"); // the passkey alone grants nothing
    assertThat(next.get("/signin/password").body())
        .contains("<h1>Enter your password to finish signing in</h1>", p.user().email());
    assertThat(location(next.post("/signin/password", Map.of("password", p.password()))))
        .isEqualTo("/");
    assertThat(next.get("/").body()).contains("You are signed in as " + p.user().email());
  }

  /**
   * The home page's background passkey (conditional create) after a sign-in with a password and
   * a code, answered as a passkey manager does (no touch, no check of the person): Chromium takes
   * the request but never answers it (see DemoBrowserTest).
   */
  @Test
  void passkeyUpgrade_conditionalCreate_addsASyncedPasskeyOncePerSession() throws Exception {
    Person p = newStaff();
    String totp = enrollTotpKey(p);
    WebClient c = signedInWithCode(p, totp);
    assertThat(c.get("/").body()).contains("id=\"passkey-upgrade\"");
    HttpResponse<String> begun = c.postJson("/account/passkey/upgrade", "{}");
    assertThat(begun.body()).startsWith("{\"options\":");
    String options = begun.body().substring("{\"options\":".length(), begun.body().length() - 1);
    SoftwareAuthenticator manager = SoftwareAuthenticator.syncedPasskey();
    assertThat(c.postJson("/account/passkey/upgrade/confirm",
        manager.registerConditionally(options, base)).body()).isEqualTo("{\"ok\":true}");
    assertThat(c.postJson("/account/passkey/upgrade", "{}").body()).isEqualTo("{}");
    String page = c.get("/account/security").body();
    assertThat(page).contains("Synced passkey");
    // what a person reads: no authenticator model ids or standards words
    String text = page.replaceAll("<[^>]*>", " ");
    assertThat(text).doesNotContainIgnoringCase("aaguid").doesNotContain("AAL", " UV", "RP ",
        "NIST", "singleDevice", "multiDevice", "backedUp");
    assertThat(c.get("/").body()).doesNotContain("passkey-upgrade", "passkey-offer");
  }
}
