package dev.mfa4j.examples;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * The demo end to end in headless Chromium: every page is clicked through as a person would. Each
 * test makes its own practice, so practice policies never leak between tests; the demo's clock is
 * moved instead of sleeping (a TOTP step, a resend cooldown).
 */
class DemoBrowserTest {
  private static final AtomicInteger PRACTICES = new AtomicInteger();
  private static MutableClock clock;
  private static Demo demo;
  private static String base;
  private static Browser browser;

  @BeforeAll
  static void startDemo() throws Exception {
    clock = MutableClock.at(Instant.now());
    DemoConfig config = new DemoConfig(0,
        "jdbc:h2:mem:e2e-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    demo = DemoApp.start(config, clock, new SecureRandom());
    base = "http://localhost:" + demo.port();
    browser = Browser.start(base);
  }

  @AfterAll
  static void stopDemo() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (demo != null) {
        demo.stop();
      }
    }
  }

  /** Each test starts as a new visitor: no session, no remembered device. */
  @BeforeEach
  void newVisitor() {
    browser.open("/signin");
    browser.forgetCookies();
  }

  /** A fresh practice with an administrator, a staff member and a client. */
  private record Practice(String id, Person admin, Person staff, Person client) {}

  private record Person(DemoUser user, String password) {
    String email() {
      return user.email();
    }
  }

  private static Practice newPractice() {
    String id = "p" + PRACTICES.incrementAndGet();
    demo.users.addPractice(id, "Practice " + id);
    return new Practice(id, person(id, "admin", DemoUser.Role.ADMIN),
        person(id, "staff", DemoUser.Role.STAFF), person(id, "client", DemoUser.Role.CLIENT));
  }

  private static Person person(String practice, String name, DemoUser.Role role) {
    DemoUser u = new DemoUser(practice, practice + "-" + name, name + "@" + practice + ".example",
        name.substring(0, 1).toUpperCase() + name.substring(1) + " of " + practice, role);
    demo.users.add(u);
    String password = "tangerine-window-" + practice.substring(1) + "-" + role.ordinal() + "-harbor";
    assertThat(demo.passwords.set(u.ref(), dev.mfa4j.Password.of(password),
        demo.policy(practice), false).accepted()).isTrue();
    return new Person(u, password);
  }

  // ---- steps ----

  private void signInWithPassword(Person p) {
    browser.open("/signin");
    browser.type("#email", p.email());
    browser.type("#password", p.password());
    browser.click("#signin");
  }

  private void signOut() {
    browser.click("#signout");
    browser.waitForPath("/signin");
  }

  /** Enrolls an authenticator app from the security page; returns the key shown. */
  private String enrollAuthenticator(Person p) {
    browser.open("/account/enroll");
    browser.type("form[data-kind=totp] input[name=password]", p.password());
    browser.click("form[data-kind=totp] button");
    browser.waitForPath("/account/enroll/confirm");
    assertThat(browser.find("#qr").getAttribute("src")).startsWith("data:image/png;base64,");
    String key = browser.text("#totp-key");
    browser.type("#code", Rfc6238.code(key, clock.instant()));
    browser.click("#confirm-form button");
    return key;
  }

  private List<String> backupCodesShown() {
    return browser.all("#backup-codes .backup-code").stream().map(WebElement::getText).toList();
  }

  /** The newest message in the developer outbox, as the page shows it. */
  private String[] newestOutboxMessage() {
    browser.open("/dev/outbox");
    browser.find("#outbox");
    WebElement row = browser.all("#outbox tr.message").stream()
        .filter(r -> !r.findElement(org.openqa.selenium.By.cssSelector(".channel")).getText()
            .equals("EMAIL"))
        .findFirst().orElseThrow(() -> new AssertionError("no text message or call sent"));
    return new String[] {row.findElement(org.openqa.selenium.By.cssSelector(".channel")).getText(),
        row.findElement(org.openqa.selenium.By.cssSelector(".text")).getText()};
  }

  /** The code a voice call reads out digit by digit ("4, 9, 2, 0, 3, 9"). */
  private static String spokenCode(String text) {
    Matcher m = Pattern.compile("[0-9](?:[ ,.-]+[0-9]){5}").matcher(text);
    assertThat(m.find()).as("a code read digit by digit in: " + text).isTrue();
    return m.group().replaceAll("[^0-9]", "");
  }

  private static String smsCode(String text) {
    Matcher m = Pattern.compile("(?<![0-9])[0-9]{6}(?![0-9])").matcher(text);
    assertThat(m.find()).as("a 6-digit code in: " + text).isTrue();
    return m.group();
  }

  // ---- scenarios ----

  @Test
  void authenticatorApp_enrolledFromShownKey_signsInWithComputedCode() {
    Practice pr = newPractice();
    browser.open("/signin");
    browser.screenshot("sign-in");
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    browser.open("/account/enroll");
    browser.screenshot("enroll-methods");
    browser.type("form[data-kind=totp] input[name=password]", pr.staff().password());
    browser.click("form[data-kind=totp] button");
    browser.waitForPath("/account/enroll/confirm");
    browser.screenshot("enroll-authenticator-qr");
    String key = browser.text("#totp-key");
    browser.type("#code", Rfc6238.code(key, clock.instant()));
    browser.click("#confirm-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#twofactor-status")).contains("On");
    assertThat(backupCodesShown()).hasSize(10);
    browser.screenshot("security-after-enrollment");
    signOut();

    clock.advance(Duration.ofSeconds(30)); // the next time step: the enrollment code is spent
    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.screenshot("sign-in-second-step");
    String right = Rfc6238.code(key, clock.instant());
    browser.type("form[data-kind=totp] input[name=code]", right.equals("000000") ? "111111" : "000000");
    browser.click("form[data-kind=totp] button");
    browser.waitForPath("/signin/verify");
    assertThat(browser.text("#flash")).contains("not accepted");
    browser.type("form[data-kind=totp] input[name=code]", right);
    browser.click("form[data-kind=totp] button");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }

  @Test
  void phone_smsAndVoiceCodesFromOutbox_enrollAndSignIn() {
    Practice pr = newPractice();
    signInWithPassword(pr.client());
    browser.waitForPath("/");
    browser.open("/account/enroll");
    browser.type("form[data-kind=phone] input[name=phone]", "+1 650 253 0000");
    browser.type("form[data-kind=phone] input[name=password]", pr.client().password());
    browser.click("form[data-kind=phone] button");
    browser.waitForPath("/account/enroll/confirm");
    assertThat(browser.text("#code-sent")).contains("text message").doesNotContain("253 0000");
    String[] enrolMsg = newestOutboxMessage();
    assertThat(enrolMsg[0]).isEqualTo("SMS");
    browser.screenshot("developer-outbox");
    browser.open("/account/enroll/confirm");
    browser.type("#code", smsCode(enrolMsg[1]));
    browser.click("#confirm-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.all("#factors tr.factor[data-kind=phone]")).hasSize(1);
    signOut();

    // Sign in with a text message.
    clock.advance(Duration.ofMinutes(1));
    signInWithPassword(pr.client());
    browser.waitForPath("/signin/verify");
    browser.click("form.send[data-channel=SMS] button");
    browser.waitForPath("/signin/verify");
    String[] sms = newestOutboxMessage();
    assertThat(sms[0]).isEqualTo("SMS");
    browser.open("/signin/verify");
    browser.type("form[data-kind=phone] input[name=code]", smsCode(sms[1]));
    browser.click("form[data-kind=phone] button");
    browser.waitForPath("/");
    signOut();

    // Sign in with a voice call: the digits are read out one by one.
    clock.advance(Duration.ofMinutes(1));
    signInWithPassword(pr.client());
    browser.waitForPath("/signin/verify");
    browser.click("form.send[data-channel=VOICE] button");
    browser.waitForPath("/signin/verify");
    String[] call = newestOutboxMessage();
    assertThat(call[0]).isEqualTo("VOICE");
    browser.open("/signin/verify");
    browser.type("form[data-kind=phone] input[name=code]", spokenCode(call[1]));
    browser.click("form[data-kind=phone] button");
    browser.waitForPath("/");
  }

  @Test
  void passkey_virtualAuthenticator_enrollsAndSignsIn() {
    Practice pr = newPractice();
    VirtualAuthenticator authenticator = browser.driver().addVirtualAuthenticator(platform());
    try {
      signInWithPassword(pr.staff());
      browser.waitForPath("/");
      enrollPasskey(pr.staff(), "Virtual key");
      assertThat(authenticator.getCredentials()).hasSize(1);
      assertThat(browser.text("#factors tr.factor[data-kind=passkey] .label"))
          .isEqualTo("Virtual key");
      signOut();

      signInWithPassword(pr.staff());
      browser.waitForPath("/signin/verify");
      browser.click("section[data-kind=passkey] form.send button");
      browser.waitForPath("/signin/verify");
      browser.find("form.passkey-get .passkey-go");
      browser.screenshot("sign-in-passkey");
      browser.click("form.passkey-get .passkey-go");
      browser.waitForPath("/");
      assertThat(browser.text("#signed-in")).contains(pr.staff().email());
    } finally {
      // Chromium allows one internal authenticator: a failure here must not fail the next test
      browser.driver().removeVirtualAuthenticator(authenticator);
    }
  }

  /**
   * Two passkeys on two authenticators: the sign-in page shows one passkey section, and the
   * request it starts (bound to the first passkey) lists both, so the authenticator at hand, which
   * holds only the second, signs in and the use is recorded on the second.
   */
  @Test
  void passkey_twoPasskeys_oneSectionAndTheOneAtHandSignsIn() {
    Practice pr = newPractice();
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    VirtualAuthenticator laptop = browser.driver().addVirtualAuthenticator(platform());
    try {
      enrollPasskey(pr.staff(), "Laptop key");
    } finally {
      browser.driver().removeVirtualAuthenticator(laptop);
    }
    // a later creation time makes "Laptop key" the first passkey listed, the one the sign-in
    // section is bound to, so that the authenticator at hand holds the other one
    clock.advance(java.time.Duration.ofMinutes(1));
    VirtualAuthenticator phone = browser.driver().addVirtualAuthenticator(platform());
    try {
      enrollPasskey(pr.staff(), "Phone key");
      assertThat(phone.getCredentials()).hasSize(1);
      signOut();
      signInWithPhoneKey(pr);
    } finally {
      browser.driver().removeVirtualAuthenticator(phone);
    }
  }

  private void signInWithPhoneKey(Practice pr) {
    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    assertThat(browser.all("section[data-kind=passkey]")).hasSize(1);
    assertThat(browser.text("section[data-kind=passkey] h2"))
        .contains("Laptop key").contains("Phone key");
    browser.click("section[data-kind=passkey] form.send button");
    browser.waitForPath("/signin/verify");
    browser.find("form.passkey-get .passkey-go");
    browser.click("form.passkey-get .passkey-go");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());

    browser.open("/account/security");
    assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(1) .label"))
        .isEqualTo("Laptop key");
    assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(1) .last-used"))
        .isEqualTo("never");
    assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(2) .last-used"))
        .isNotEqualTo("never");
  }

  private static VirtualAuthenticatorOptions platform() {
    return new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(true)
        .setHasUserVerification(true)
        .setIsUserVerified(true)
        .setIsUserConsenting(true);
  }

  private void enrollPasskey(Person user, String label) {
    browser.open("/account/enroll");
    browser.type("form[data-kind=passkey] input[name=label]", label);
    browser.type("form[data-kind=passkey] input[name=password]", user.password());
    browser.click("form[data-kind=passkey] button");
    browser.waitForPath("/account/enroll/confirm");
    browser.screenshot("enroll-passkey");
    browser.click("#passkey-create-go");
    browser.waitForPath("/account/security");
  }

  @Test
  void backupCode_signsInOnce_thenRefused() {
    Practice pr = newPractice();
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollAuthenticator(pr.staff());
    browser.waitForPath("/account/security");
    List<String> codes = backupCodesShown();
    assertThat(codes).hasSize(10);
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.type("form[data-kind=backup_code] input[name=backup_code]", codes.get(3));
    browser.click("form[data-kind=backup_code] button");
    browser.waitForPath("/");
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.type("form[data-kind=backup_code] input[name=backup_code]", codes.get(3));
    browser.click("form[data-kind=backup_code] button");
    browser.waitForPath("/signin/verify");
    assertThat(browser.text("#flash")).contains("not accepted");
  }

  @Test
  void rememberDevice_nextSignInSkipsSecondStep() {
    Practice pr = newPractice();
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    String key = enrollAuthenticator(pr.staff());
    browser.waitForPath("/account/security");
    signOut();

    clock.advance(Duration.ofSeconds(30));
    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.type("form[data-kind=totp] input[name=code]", Rfc6238.code(key, clock.instant()));
    browser.click("form[data-kind=totp] .remember");
    browser.click("form[data-kind=totp] button");
    browser.waitForPath("/");
    browser.open("/account/security");
    assertThat(browser.all("#devices tr.device")).hasSize(1);
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }

  @Test
  void allStaffPolicy_unenrolledStaffMember_isSentToEnrollment() {
    Practice pr = newPractice();
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    new Select(browser.find("#requirement")).selectByValue("ALL_STAFF");
    browser.click("#save-policy");
    browser.waitForPath("/admin");
    assertThat(browser.text("#flash")).contains("Policy saved");
    assertThat(browser.text("#users tr.user[data-user='" + pr.staff().user().id() + "'] .status"))
        .isEqualTo("required, not set up");
    browser.screenshot("administration");
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/account/enroll");
    assertThat(browser.text("#flash")).contains("requires two-step verification");
    browser.screenshot("enrollment-required");
    browser.type("form[data-kind=totp] input[name=password]", pr.staff().password());
    browser.click("form[data-kind=totp] button");
    browser.waitForPath("/account/enroll/confirm");
    browser.type("#code", Rfc6238.code(browser.text("#totp-key"), clock.instant()));
    browser.click("#confirm-form button");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
    assertThat(backupCodesShown()).hasSize(10);
  }

  @Test
  void adminPasswordReset_userMustChooseNewPassword() {
    Practice pr = newPractice();
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    browser.click("#users tr.user[data-user='" + pr.client().user().id() + "'] form.reset-password button");
    String temporary = browser.text("#temporary-password");
    assertThat(temporary).matches("[A-Za-z0-9]+(-[A-Za-z0-9]+)+");
    signOut();

    signInWithPassword(new Person(pr.client().user(), temporary));
    browser.waitForPath("/account/new-password");
    assertThat(browser.text("#must-change")).contains("temporary password");
    browser.screenshot("must-change-password");
    String chosen = "lavender-compass-ferry-29";
    browser.type("#new-password-form input[name=new]", chosen);
    browser.type("#new-password-form input[name=confirm]", chosen);
    browser.click("#new-password-form button");
    browser.waitForPath("/");
    signOut();

    signInWithPassword(pr.client()); // the old password no longer works
    assertThat(browser.text("#error")).contains("not right");
    signInWithPassword(new Person(pr.client().user(), chosen));
    browser.waitForPath("/");
    signOut();

    // The administrator sees when, from where and with which browser the client signed in.
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    browser.click("#users tr.user[data-user='" + pr.client().user().id() + "'] a.activity");
    browser.waitForPath("/admin/activity");
    assertThat(browser.text("#last-ip")).isEqualTo("127.0.0.1");
    assertThat(browser.text("#last-browser")).contains("Chrome");
    browser.screenshot("admin-activity");
  }

  @Test
  void securityPage_listRenameRemoveRegenerateAndTurnOff() {
    Practice pr = newPractice();
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollAuthenticator(pr.staff());
    browser.waitForPath("/account/security");
    List<String> first = backupCodesShown();
    enrollAuthenticator(pr.staff());
    browser.waitForPath("/account/security");
    assertThat(browser.all("#factors tr.factor")).hasSize(2);

    browser.type("#factors tr.factor:nth-child(1) form.rename input[name=label]", "Work phone");
    browser.click("#factors tr.factor:nth-child(1) form.rename button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#factors tr.factor:nth-child(1) .label")).isEqualTo("Work phone");

    browser.type("#factors tr.factor:nth-child(2) form.remove input[name=password]", "wrong password!");
    browser.click("#factors tr.factor:nth-child(2) form.remove button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#flash")).contains("password was not right");
    assertThat(browser.all("#factors tr.factor")).hasSize(2);
    browser.type("#factors tr.factor:nth-child(2) form.remove input[name=password]",
        pr.staff().password());
    browser.click("#factors tr.factor:nth-child(2) form.remove button");
    browser.waitForPath("/account/security");
    assertThat(browser.all("#factors tr.factor")).hasSize(1);

    browser.type("#regenerate-form input[name=password]", pr.staff().password());
    browser.click("#regenerate-form button");
    browser.waitForPath("/account/security");
    List<String> second = backupCodesShown();
    assertThat(second).hasSize(10).doesNotContainAnyElementsOf(first);

    browser.type("#disable-form input[name=password]", pr.staff().password());
    browser.click("#disable-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#twofactor-status")).contains("Off");
    assertThat(browser.exists("#factors")).isFalse();
    signOut();
    signInWithPassword(pr.staff());
    browser.waitForPath("/"); // no second step any more
  }

  @Test
  void admin_turnsOffUsersTwoFactor_userSignsInWithPasswordAlone() {
    Practice pr = newPractice();
    signInWithPassword(pr.client());
    browser.waitForPath("/");
    enrollAuthenticator(pr.client());
    browser.waitForPath("/account/security");
    signOut();

    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    String row = "#users tr.user[data-user='" + pr.client().user().id() + "']";
    assertThat(browser.text(row + " .status")).isEqualTo("on");
    browser.type(row + " form.disable-2fa input[name=reason]", "Lost phone, called the front desk");
    browser.click(row + " form.disable-2fa button");
    browser.waitForPath("/admin");
    assertThat(browser.text(row + " .status")).isEqualTo("off");
    signOut();
    assertThat(demo.outbox.get()).anySatisfy(m -> {
      assertThat(m.channel()).isEqualTo("EMAIL");
      assertThat(m.destination()).isEqualTo(pr.client().email());
      assertThat(m.text()).contains("two factor disabled");
    });

    signInWithPassword(pr.client());
    browser.waitForPath("/");
  }

  @Test
  void admin_checksTheAuditTrail_thenATamperedEntryIsNamed() throws Exception {
    Practice pr = newPractice();
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    browser.click("#verify-audit");
    browser.waitForPath("/admin/audit/verify");
    assertThat(browser.text("#audit-message"))
        .matches("The activity log is complete and unchanged \\(\\d+ (?:entry|entries) checked\\)\\.");
    assertThat(browser.exists("#audit-result.intact")).isTrue();
    browser.scrollTo("#audit");
    browser.screenshot("admin-audit-intact");

    AuditTamper.changeIp(demo, pr.id(), 2);
    browser.click("#verify-audit");
    browser.waitForPath("/admin/audit/verify");
    assertThat(browser.text("#audit-message")).isEqualTo("Entry 2 was changed after it was recorded.");
    assertThat(browser.exists("#audit-result.broken")).isTrue();
    assertThat(browser.find("#audit-message").getCssValue("color")).isEqualTo("rgba(162, 59, 42, 1)");
    assertThat(browser.text("#audit-detail")).contains("entry 2");
    assertThat(browser.text("#audit").toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("digest", "hash", "chain");
    browser.scrollTo("#audit");
    browser.screenshot("admin-audit-broken");
  }
}
