package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.examples.Practices.Person;
import dev.mfa4j.examples.Practices.Practice;
import dev.mfa4j.tck.MutableClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * The demo end to end in headless Chromium: every journey clicked through as a person would, on
 * the Spring Boot application with the {@code dev} profile (the developer outbox). Each test makes
 * its own practice, so practice policies never leak between tests; the demo's clock is moved
 * instead of sleeping (a TOTP step, a step-up's maximum age). Screenshots land in {@code
 * target/screenshots}.
 */
class DemoBrowserTest {
  /** The red of an error notice (demo.css --bad-ink). */
  static final String ERROR_RED = "rgba(162, 59, 42, 1)";

  private static MutableClock clock;
  private static Demo demo;
  private static Browser browser;

  /** A failed test leaves a screenshot of the page it was on, and the page's text. */
  @org.junit.jupiter.api.extension.RegisterExtension
  final org.junit.jupiter.api.extension.TestWatcher failures =
      new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context,
            Throwable cause) {
          String name = "FAILED-" + context.getRequiredTestMethod().getName();
          try {
            browser.screenshot(name);
            System.out.println(name + " on " + browser.driver().getCurrentUrl() + ":\n"
                + browser.driver().findElement(By.tagName("body")).getText());
          } catch (RuntimeException e) {
            System.out.println(name + ": no screenshot: " + e);
          }
        }
      };

  /** The test's virtual authenticator, if it added one. */
  private VirtualAuthenticator authenticator;

  @BeforeAll
  static void startDemo() {
    clock = MutableClock.at(Instant.now());
    demo = DemoApp.start(DemoConfig.of(0, "jdbc:h2:mem:e2e-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1"), clock, new SecureRandom(), "--spring.profiles.active=dev")
        .awaitSeeded();
    browser = Browser.start(demo.origin());
  }

  @AfterAll
  static void stopDemo() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
  }

  /** Each test starts as a new visitor: no session, no remembered device. */
  @BeforeEach
  void newVisitor() {
    browser.open("/signin");
    browser.forgetCookies();
  }

  @AfterEach
  void removeAuthenticator() {
    if (authenticator != null) {
      browser.driver().removeVirtualAuthenticator(authenticator);
      authenticator = null;
    }
  }

  // ---- passkey helpers ----

  /** Chromium's authenticator for the test (one at a time), removed after it. */
  private VirtualAuthenticator addAuthenticator(VirtualAuthenticatorOptions options) {
    authenticator = browser.driver().addVirtualAuthenticator(options);
    return authenticator;
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

  /**
   * Loads a sign-in page so that its passkey autofill waits, as it does for a person until they
   * pick a passkey. Chromium's virtual authenticator answers an autofill (conditional mediation)
   * request at once with a passkey it holds for the site, as if the person had picked it; so a
   * test that means to type a password or press the passkey button turns the authenticator's
   * simulated touch off while the page loads: the request then waits, and stays waiting once the
   * touch is back on.
   */
  private void loadSignIn(Runnable load) {
    if (authenticator == null) {
      load.run();
      return;
    }
    presence(false);
    try {
      load.run();
      if (browser.exists("#passkey-signin")) {
        browser.waitForAttribute("#passkey-signin", "data-autofill");
      }
    } finally {
      presence(true);
    }
  }

  private void presence(boolean on) {
    browser.driver().executeCdpCommand("WebAuthn.setAutomaticPresenceSimulation",
        Map.of("authenticatorId", authenticator.getId(), "enabled", on));
  }

  // ---- steps ----

  private void signInWithPassword(Person p) {
    signInWithPassword(p, "");
  }

  private void signInWithPassword(Person p, String query) {
    loadSignIn(() -> browser.open("/signin" + query));
    browser.type("#email", p.email());
    browser.type("#password", p.password());
    browser.click("#signin");
  }

  private void signOut() {
    loadSignIn(() -> {
      browser.click("#signout");
      browser.waitForPath("/signin");
    });
  }

  /** Adds an authenticator app from the security page; returns the key shown. */
  /** Signs in, adds an authenticator app, saves the backup codes, signs out: the app's key. */
  private String withAuthenticatorApp(Person p) {
    signInWithPassword(p);
    browser.waitForPath("/");
    String key = enrollAuthenticator();
    saveBackupCodes();
    signOut();
    return key;
  }

  /** The next code step (the last one is spent), then the password: at the second step. */
  private void toSecondStep(Person p) {
    clock.advance(Duration.ofSeconds(30));
    signInWithPassword(p);
    browser.waitForPath("/signin/verify");
  }

  private String enrollAuthenticator() {
    browser.open("/account/enroll");
    browser.click("#add-totp");
    browser.waitForPath("/account/enroll/confirm");
    assertThat(browser.find("#qr").getAttribute("src")).startsWith("data:image/png;base64,");
    String key = browser.text("#totp-key");
    browser.type("#code", Rfc6238.code(key, clock.instant()));
    browser.click("#confirm-form button");
    return key;
  }

  /** On the backup codes page: the codes, then "I have saved them" and Continue. */
  private List<String> saveBackupCodes() {
    browser.waitForPath("/account/backup-codes");
    List<String> codes = backupCodesShown();
    browser.click("#codes-saved");
    browser.click("#codes-continue");
    browser.waitForNextPage();
    return codes;
  }

  private List<String> backupCodesShown() {
    return browser.all("#backup-codes .backup-code").stream().map(WebElement::getText).toList();
  }

  /** Signs in with the password and a code from the app, a new time step later. */
  private void signInWithCode(Person p, String key) {
    toSecondStep(p);
    browser.type("form.verify[data-kind=totp] input[name=code]",
        Rfc6238.code(key, clock.instant()));
    browser.click("form.verify[data-kind=totp] button");
    browser.waitForPath("/");
  }

  /** The newest text message or call in the developer outbox: its channel and text. */
  private String[] newestOutboxMessage() {
    browser.open("/dev/outbox");
    browser.find("#outbox");
    WebElement row = browser.all("#outbox tr.message").stream()
        .filter(r -> !r.findElement(By.cssSelector(".channel")).getText().equals("EMAIL"))
        .findFirst().orElseThrow(() -> new AssertionError("no text message or call sent"));
    return new String[] {row.findElement(By.cssSelector(".channel")).getText(),
        row.findElement(By.cssSelector(".text")).getText()};
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

  private static String wrong(String right) {
    return right.equals("000000") ? "111111" : "000000";
  }

  private void assertError(String containing) {
    assertThat(browser.text("#error")).contains(containing);
    assertThat(browser.find("#error").getCssValue("color")).isEqualTo(ERROR_RED);
    assertThat(browser.find("#error").getAttribute("role")).isEqualTo("alert");
    assertThat(browser.exists("#flash")).as("no green box beside an error").isFalse();
  }

  /** What a person reads on the page must hold none of the standards' or libraries' jargon. */
  private void assertNoJargon() {
    String text = browser.bodyText();
    for (String word : List.of("RESTRICTED", "NIST", "AAGUID", "aaguid", "SHA1", "algorithm",
        "AAL1", "AAL2", "userVerified", "user verification", "digest", "_", "TOTP", "totp",
        "FACTOR_", "SIGN_IN", "Mozilla/5.0")) {
      assertThat(text).as("page %s", browser.path()).doesNotContain(word);
    }
  }

  // ---- journeys ----

  @Test
  void authenticatorApp_enrolledFromShownKey_signsInWithComputedCode() {
    Practice pr = Practices.create(demo);
    loadSignIn(() -> browser.open("/signin"));
    browser.screenshot("sign-in");
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    browser.screenshot("home");
    browser.open("/account/enroll");
    browser.screenshot("enroll-methods");
    browser.click("#add-totp");
    browser.waitForPath("/account/enroll/confirm");
    browser.screenshot("enroll-authenticator-qr");
    String key = browser.text("#totp-key");
    // a wrong code is an error, not a green "Added" box
    browser.type("#code", wrong(Rfc6238.code(key, clock.instant())));
    browser.click("#confirm-form button");
    browser.waitForPath("/account/enroll/confirm");
    assertError("not accepted");
    browser.screenshot("enroll-wrong-code");
    browser.type("#code", Rfc6238.code(key, clock.instant()));
    browser.click("#confirm-form button");
    browser.waitForPath("/account/backup-codes");
    assertThat(backupCodesShown()).hasSize(10);
    assertThat(browser.text("#flash")).contains("Added");
    browser.screenshot("backup-codes");
    saveBackupCodes();
    browser.waitForPath("/account/security");
    assertThat(browser.text("#twofactor-status")).contains("On");
    assertThat(browser.text("#factors tr.factor[data-kind=totp] .details"))
        .isEqualTo("6-digit codes from the app");
    assertNoJargon();
    browser.screenshot("security-after-enrollment");
    signOut();

    clock.advance(Duration.ofSeconds(30)); // the next time step: the enrollment code is spent
    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.screenshot("sign-in-second-step");
    String right = Rfc6238.code(key, clock.instant());
    browser.type("form.verify[data-kind=totp] input[name=code]", wrong(right));
    browser.click("form.verify[data-kind=totp] button");
    browser.waitForPath("/signin/verify");
    assertError("not accepted");
    browser.screenshot("sign-in-second-step-wrong-code");
    browser.type("form.verify[data-kind=totp] input[name=code]", right);
    browser.click("form.verify[data-kind=totp] button");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }

  @Test
  void secondStep_cancel_signsOutAndTheStepGrantsNothing() {
    Practice pr = Practices.create(demo);
    String key = withAuthenticatorApp(pr.staff());
    toSecondStep(pr.staff());
    // the password alone opens nothing: back to the second step
    browser.open("/account/security");
    browser.waitForPath("/signin/verify");
    browser.click("#cancel-signin");
    browser.waitForPath("/signin");
    assertThat(browser.text("#flash")).contains("Sign-in cancelled");
    browser.open("/");
    browser.waitForPath("/signin");
    assertThat(key).isNotEmpty();
  }

  @Test
  void phone_textAndVoiceCodesFromOutbox_enrollSignInAndThrottle() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.client());
    browser.waitForPath("/");
    browser.open("/account/enroll");
    browser.type("section[data-kind=phone] input[name=phone]", "+1 650 253 0000");
    browser.click("#add-phone");
    browser.waitForPath("/account/enroll/confirm");
    assertThat(browser.text("#code-sent")).contains("text message").doesNotContain("253 0000");
    String[] enrolMsg = newestOutboxMessage();
    assertThat(enrolMsg[0]).isEqualTo("SMS");
    browser.screenshot("developer-outbox");
    browser.open("/account/enroll/confirm");
    browser.type("#code", smsCode(enrolMsg[1]));
    browser.click("#confirm-form button");
    browser.waitForPath("/account/backup-codes");
    assertThat(browser.text("#flash")).contains("phone number").doesNotContain("RESTRICTED");
    saveBackupCodes();
    browser.waitForPath("/account/security");
    assertThat(browser.all("#factors tr.factor[data-kind=phone]")).hasSize(1);
    assertThat(browser.text("#factors tr.factor[data-kind=phone] .details"))
        .endsWith("by text message");
    // only text codes: mfa4j's advice, in plain words
    assertThat(browser.text(".nudge")).contains("authenticator app or a passkey");
    assertNoJargon();
    signOut();

    // Sign in with a text message.
    clock.advance(Duration.ofMinutes(1));
    signInWithPassword(pr.client());
    browser.waitForPath("/signin/verify");
    browser.click("form.send[data-channel=SMS] button");
    browser.waitForPath("/signin/verify");
    assertThat(browser.text("#code-sent")).contains("text message");
    // asking again at once is throttled, and the page says how long to wait
    browser.click("form.send[data-channel=SMS] button");
    browser.waitForPath("/signin/verify");
    assertError("Too many codes were sent");
    assertThat(browser.text("#error")).containsPattern("in \\d+ (seconds|minutes)");
    browser.screenshot("sign-in-code-throttled");
    String[] sms = newestOutboxMessage();
    assertThat(sms[0]).isEqualTo("SMS");
    browser.open("/signin/verify");
    browser.type("form.verify[data-kind=phone] input[name=code]", smsCode(sms[1]));
    browser.click("form.verify[data-kind=phone] button");
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
    browser.type("form.verify[data-kind=phone] input[name=code]", spokenCode(call[1]));
    browser.click("form.verify[data-kind=phone] button");
    browser.waitForPath("/");
  }

  private void enrollPasskey(String label) {
    browser.open("/account/enroll");
    browser.type("section[data-kind=passkey] input[name=label_passkey]", label);
    browser.click("#add-passkey");
    browser.waitForPath("/account/enroll/confirm");
    browser.screenshot("enroll-passkey");
    browser.click("#passkey-create-go");
  }

  /** After the first method: the backup codes, saved. */
  private void afterFirstMethod() {
    browser.waitForPath("/account/backup-codes");
    saveBackupCodes();
    browser.waitForPath("/account/security");
  }

  @Test
  void passkey_virtualAuthenticator_enrollsAndSignsIn_listedAsThisDeviceOnly() {
    Practice pr = Practices.create(demo);
    VirtualAuthenticator keys = addAuthenticator(platform());
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollPasskey("Laptop");
    afterFirstMethod();
    assertThat(keys.getCredentials()).hasSize(1);
    assertThat(browser.text("#factors tr.factor[data-kind=passkey] .label")).isEqualTo("Laptop");
    assertThat(browser.text("#factors tr.factor[data-kind=passkey] .details"))
        .isEqualTo("This device only");
    // a device-bound passkey alone: mfa4j advises a backup, in plain words
    assertThat(browser.text(".nudge")).contains("kept on one device");
    assertNoJargon();
    browser.screenshot("security-passkey-this-device-only");
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
  }

  /**
   * Two passkeys on two authenticators, one kept on this device and one synced (backed up by a
   * password manager): the security page tells them apart in plain words; the second step shows
   * one passkey section, and the request it starts lists both, so the authenticator at hand,
   * which holds only the second, signs in, and the use is recorded on the second.
   */
  @Test
  void passkey_twoPasskeys_oneSectionAndTheOneAtHandSignsIn() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    addAuthenticator(platform());
    enrollPasskey("Laptop key");
    afterFirstMethod();
    removeAuthenticator();
    clock.advance(Duration.ofMinutes(1));
    String phone = browser.addSyncedAuthenticator();
    try {
      enrollPasskey("Phone key");
      browser.waitForPath("/account/security");
      assertThat(browser.credentialCount(phone)).isEqualTo(1);
      assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(1) .details"))
          .isEqualTo("This device only");
      assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(2) .details"))
          .isEqualTo("Synced passkey");
      assertThat(browser.exists(".nudge")).as("a synced passkey needs no advice").isFalse();
      browser.scrollTo("#factors");
      browser.screenshot("security-synced-and-device-passkeys");
      // with the autofill of the sign-in page waiting, not answered by the synced passkey
      browser.presence(phone, false);
      browser.click("#signout");
      browser.waitForPath("/signin");
      browser.waitForAttribute("#passkey-signin", "data-autofill");
      browser.presence(phone, true);
      signInSecondStepWithPasskey(pr);
    } finally {
      browser.removeAuthenticator(phone);
    }
  }

  private void signInSecondStepWithPasskey(Practice pr) {
    browser.type("#email", pr.staff().email());
    browser.type("#password", pr.staff().password());
    browser.click("#signin");
    browser.waitForPath("/signin/verify");
    assertThat(browser.all("section[data-kind=passkey]")).hasSize(1);
    assertThat(browser.text("section[data-kind=passkey] h2"))
        .contains("Laptop key").contains("Phone key");
    browser.click("section[data-kind=passkey] form.send button");
    browser.waitForPath("/signin/verify");
    browser.click("form.passkey-get .passkey-go");
    browser.waitForPath("/");
    browser.open("/account/security");
    assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(1) .label"))
        .isEqualTo("Laptop key");
    // the synced passkey answered; it cannot be the autofill's: that request was stopped
    assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(1) .last-used"))
        .isEqualTo("never");
    assertThat(browser.text("#factors tr.factor[data-kind=passkey]:nth-child(2) .last-used"))
        .isNotEqualTo("never");
  }

  @Test
  void backupCodes_copyDownloadPrintAndSaved_thenOneSignsInOnce() throws Exception {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollAuthenticator();
    browser.waitForPath("/account/backup-codes");
    List<String> codes = backupCodesShown();
    assertThat(codes).hasSize(10);

    browser.allowClipboard(demo.origin());
    browser.click("#copy-codes");
    browser.wait(Duration.ofSeconds(10)).until(d -> !browser.text("#codes-status").isEmpty());
    assertThat(browser.text("#codes-status")).isEqualTo("Copied.");
    Object copied = browser.script("return navigator.clipboard.readText();");
    assertThat(copied.toString().lines().toList()).isEqualTo(codes);

    Path downloads = browser.downloadsTo();
    browser.click("#download-codes");
    String file = browser.waitForDownload(downloads, "sunrise-therapy-backup-codes.txt");
    assertThat(file).contains(pr.staff().email()).contains(codes.get(0)).contains(codes.get(9));

    // printing opens the browser's dialog: the test only sees that the page asked for it
    browser.script("window.print = () => { document.body.dataset.printed = 'yes'; };");
    browser.click("#print-codes");
    assertThat(browser.waitForAttribute("body", "data-printed")).isEqualTo("yes");

    // Continue waits for "I have saved my backup codes"
    assertThat(browser.find("#codes-continue").isEnabled()).isFalse();
    browser.click("#codes-saved");
    assertThat(browser.find("#codes-continue").isEnabled()).isTrue();
    browser.click("#codes-continue");
    browser.waitForPath("/account/security");
    browser.open("/account/backup-codes");
    browser.waitForPath("/account/security"); // shown only until saved
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.type("form.verify[data-kind=backup_code] input[name=backup_code]", codes.get(3));
    browser.click("form.verify[data-kind=backup_code] button");
    browser.waitForPath("/");
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/verify");
    browser.type("form.verify[data-kind=backup_code] input[name=backup_code]", codes.get(3));
    browser.click("form.verify[data-kind=backup_code] button");
    browser.waitForPath("/signin/verify");
    assertError("not accepted");
  }

  @Test
  void rememberDevice_nextSignInSkipsSecondStep_andTheBrowserIsNamed() {
    Practice pr = Practices.create(demo);
    String key = withAuthenticatorApp(pr.staff());

    toSecondStep(pr.staff());
    browser.type("form.verify[data-kind=totp] input[name=code]",
        Rfc6238.code(key, clock.instant()));
    browser.click("form.verify[data-kind=totp] .remember");
    browser.click("form.verify[data-kind=totp] button");
    browser.waitForPath("/");
    browser.open("/account/security");
    assertThat(browser.all("#device-list tr.device")).hasSize(1);
    assertThat(browser.text("#device-list tr.device .browser"))
        .isEqualTo("Chrome (headless) on Linux");
    browser.scrollTo("#devices");
    browser.screenshot("security-remembered-browser");
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }

  private void savePolicyAsAdmin(Practice pr, Runnable change) {
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    change.run();
    browser.click("#save-policy");
    browser.waitForPath("/admin");
    assertThat(browser.text("#flash")).contains("Policy saved");
  }

  @Test
  void allStaffPolicy_unenrolledStaffMember_isSentToEnrollment() {
    Practice pr = Practices.create(demo);
    savePolicyAsAdmin(pr, () -> {
      new Select(browser.find("#requirement")).selectByValue("ALL_STAFF");
      browser.click("#staff_passkey"); // untick: staff without passkeys draws a warning
    });
    assertThat(browser.text("#users tr.user[data-user='" + pr.staff().id() + "'] .status"))
        .isEqualTo("required, not set up");
    assertThat(browser.text("#policy-warnings")).contains("Staff cannot use passkeys");
    assertNoJargon();
    browser.screenshot("administration");
    signOut();

    signInWithPassword(pr.staff());
    browser.waitForPath("/signin/enroll");
    assertThat(browser.text("#flash")).contains("requires two-step verification");
    assertThat(browser.exists("#add-passkey")).isFalse();
    browser.screenshot("enrollment-required");
    browser.type("#enroll-password", "not my password at all");
    browser.click("#add-totp");
    browser.waitForPath("/signin/enroll");
    assertError("password was not right");
    browser.type("#enroll-password", pr.staff().password());
    browser.click("#add-totp");
    browser.waitForPath("/signin/enroll/confirm");
    browser.type("#code", Rfc6238.code(browser.text("#totp-key"), clock.instant()));
    browser.click("#confirm-form button");
    browser.waitForPath("/account/backup-codes");
    assertThat(backupCodesShown()).hasSize(10);
    saveBackupCodes();
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }

  @Test
  void adminPasswordReset_isConfirmedFirst_thenTheUserMustChooseANewPassword() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    String row = "#users tr.user[data-user='" + pr.client().id() + "']";
    browser.click(row + " a.reset-password");
    browser.waitForPath("/admin/users/" + pr.client().id() + "/reset-password");
    assertThat(browser.text("h1"))
        .isEqualTo("Reset " + pr.client().user().name() + "’s password?");
    browser.screenshot("admin-reset-confirm");
    browser.click("#cancel-reset"); // changed their mind: nothing happens
    browser.waitForPath("/admin");
    signOut();
    signInWithPassword(pr.client()); // the password still works
    browser.waitForPath("/");
    signOut();

    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    browser.click(row + " a.reset-password");
    browser.click("#confirm-reset");
    String temporary = browser.text("#temporary-password");
    assertThat(temporary).matches("[A-Za-z0-9]+(-[A-Za-z0-9]+)+");
    browser.screenshot("admin-temporary-password");
    browser.open("/admin/users/" + pr.client().id() + "/temporary-password");
    browser.waitForPath("/admin"); // shown once
    signOut();

    // the client signs in from Chrome on Windows with the temporary password
    browser.userAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
        + " Gecko) Chrome/131.0.0.0 Safari/537.36");
    try {
      signInWithPassword(pr.client().withPassword(temporary));
      browser.waitForPath("/signin/new-password");
      assertThat(browser.text("#must-change")).contains("temporary password");
      int min = demo.mfa().account(pr.client().user().ref()).twoFactorEnabled() ? 8 : 15;
      assertThat(browser.text("#min-length")).isEqualTo(Integer.toString(min));
      assertThat(browser.attribute("#new-password-form input[name=new]", "minlength"))
          .isEqualTo(Integer.toString(min));
      browser.screenshot("must-change-password");
      String chosen = "lavender-compass-ferry-29";
      browser.type("#new-password-form input[name=new]", chosen);
      browser.type("#new-password-form input[name=confirm]", chosen);
      browser.click("#new-password-form button");
      browser.waitForPath("/");
      signOut();
      signInWithPassword(pr.client()); // the old password no longer works
      browser.waitForPath("/signin");
      assertError("not right");
      signInWithPassword(pr.client().withPassword(chosen));
      browser.waitForPath("/");
      signOut();
    } finally {
      browser.userAgent("");
    }

    // The administrator sees when, from where and with which browser the client signed in.
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    browser.click(row + " a.activity");
    browser.waitForPath("/admin/users/" + pr.client().id() + "/activity");
    assertThat(browser.text("#last-ip")).isEqualTo("127.0.0.1");
    assertThat(browser.text("#last-browser")).isEqualTo("Chrome on Windows");
    assertThat(browser.all("#events tr.event td.what").stream().map(WebElement::getText))
        .contains("Signed in with password", "Password reset by an administrator (by "
            + pr.admin().user().name() + ")", "Chose a new password after a reset");
    assertThat(browser.all("#events tr.event td.browser").stream().map(WebElement::getText))
        .contains("Chrome on Windows");
    assertNoJargon();
    browser.screenshot("admin-activity");
  }

  @Test
  void securityPage_changesAskForThePasswordOnceAndOnlyWhenNeeded() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollAuthenticator();
    List<String> first = saveBackupCodes();
    enrollAuthenticator();
    browser.waitForPath("/account/security");
    assertThat(browser.all("#factors tr.factor")).hasSize(2);
    // no password boxes on the page but the password change's own
    assertThat(browser.all("#two-step input[type=password]")).isEmpty();

    browser.type("#factors tr.factor:nth-child(1) form.rename input[name=label]", "Work phone");
    browser.click("#factors tr.factor:nth-child(1) form.rename button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#factors tr.factor:nth-child(1) .label")).isEqualTo("Work phone");

    // The password typed at sign-in is older than the practice's 5 minutes now: each change
    // asks for it once, on the "Confirm it's you" page, and then goes through.
    clock.advance(Duration.ofMinutes(6));
    browser.click("#factors tr.factor:nth-child(2) form.remove button");
    browser.waitForPath("/confirm/password");
    assertThat(browser.text("#confirm-why")).contains("remove a sign-in method");
    browser.type("#confirm-password-form input[name=password]", "wrong password!");
    browser.click("#confirm-password-form button");
    browser.waitForPath("/confirm/password");
    assertError("password was not right");
    browser.screenshot("confirm-password-wrong");
    browser.type("#confirm-password-form input[name=password]", pr.staff().password());
    browser.click("#confirm-password-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#flash")).contains("Removed");
    assertThat(browser.all("#factors tr.factor")).hasSize(1);

    browser.click("#regenerate-form button");
    browser.waitForPath("/confirm/password");
    browser.type("#confirm-password-form input[name=password]", pr.staff().password());
    browser.click("#confirm-password-form button");
    browser.waitForPath("/account/backup-codes");
    assertThat(backupCodesShown()).hasSize(10).doesNotContainAnyElementsOf(first);
    saveBackupCodes();

    browser.click("#disable-form button");
    browser.waitForPath("/confirm/password");
    browser.click("#confirm-cancel"); // changed their mind
    browser.waitForPath("/account/security");
    assertThat(browser.text("#twofactor-status")).contains("On");
    browser.click("#disable-form button");
    browser.waitForPath("/confirm/password");
    browser.type("#confirm-password-form input[name=password]", pr.staff().password());
    browser.click("#confirm-password-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#twofactor-status")).contains("Off");
    assertThat(browser.exists("#factors")).isFalse();
    signOut();
    signInWithPassword(pr.staff());
    browser.waitForPath("/"); // no second step any more
  }

  @Test
  void changePassword_minimumFollowsThePolicy_andOtherSessionsEnd() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    browser.open("/account/security");
    // no second step: the password is the only factor, so at least 15 characters
    assertThat(browser.attribute("#password-form input[name=new]", "minlength")).isEqualTo("15");
    enrollAuthenticator();
    saveBackupCodes();
    assertThat(browser.attribute("#password-form input[name=new]", "minlength")).isEqualTo("8");
    browser.type("#password-form input[name=current]", "not the password");
    browser.type("#password-form input[name=new]", "lantern quiet harbour");
    browser.type("#password-form input[name=confirmation]", "lantern quiet harbour");
    browser.click("#password-form button");
    browser.waitForPath("/account/security");
    assertError("current password was not right");
    browser.type("#password-form input[name=current]", pr.staff().password());
    browser.type("#password-form input[name=new]", "lantern quiet harbour");
    browser.type("#password-form input[name=confirmation]", "lantern quiet harbour");
    browser.click("#password-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#flash")).contains("Your password was changed");
  }

  @Test
  void admin_turnsOffUsersTwoFactor_userSignsInWithPasswordAlone() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.client());
    browser.waitForPath("/");
    enrollAuthenticator();
    saveBackupCodes();
    signOut();

    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    String row = "#users tr.user[data-user='" + pr.client().id() + "']";
    assertThat(browser.text(row + " .status")).isEqualTo("on");
    assertThat(browser.text(row + " .methods")).isEqualTo("Authenticator app");
    browser.type(row + " form.disable-2fa input[name=reason]", "Lost phone, called the front desk");
    browser.click(row + " form.disable-2fa button");
    browser.waitForPath("/admin");
    assertThat(browser.text("#flash")).contains("Two-step verification is off for");
    assertThat(browser.text(row + " .status")).isEqualTo("off");
    signOut();
    assertThat(demo.outbox().orElseThrow().messages()).anySatisfy(m -> {
      assertThat(m.channel()).isEqualTo("EMAIL");
      assertThat(m.destination()).isEqualTo(pr.client().email());
      assertThat(m.text()).contains("Two-step verification was turned off");
    });

    signInWithPassword(pr.client());
    browser.waitForPath("/");
  }

  @Test
  void admin_checksTheAuditTrail_thenATamperedEntryIsNamed() throws Exception {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.admin());
    browser.waitForPath("/");
    browser.open("/admin");
    browser.click("#verify-audit");
    browser.waitForPath("/admin");
    assertThat(browser.text("#audit-message")).matches(
        "The activity log is complete and unchanged \\(\\d+ (?:entry|entries) checked\\)\\.");
    assertThat(browser.exists("#audit-result.intact")).isTrue();
    browser.scrollTo("#audit");
    browser.screenshot("admin-audit-intact");

    AuditTamper.changeIp(demo, pr.id(), 2);
    browser.click("#verify-audit");
    browser.waitForPath("/admin");
    assertThat(browser.text("#audit-message"))
        .isEqualTo("Entry 2 was changed after it was recorded.");
    assertThat(browser.exists("#audit-result.broken")).isTrue();
    assertThat(browser.find("#audit-message").getCssValue("color")).isEqualTo(ERROR_RED);
    assertThat(browser.text("#audit-detail")).contains("entry 2");
    assertThat(browser.text("#audit").toLowerCase(Locale.ROOT))
        .doesNotContain("digest", "hash", "chain");
    browser.scrollTo("#audit");
    browser.screenshot("admin-audit-broken");
  }

  @Test
  void times_areShownInTheViewersTimeZone() {
    Practice pr = Practices.create(demo);
    browser.timeZone("Asia/Tokyo");
    try {
      signInWithPassword(pr.admin());
      browser.waitForPath("/");
      browser.open("/admin");
      WebElement t = browser.find("#users tr.user[data-user='" + pr.admin().id() + "'] time");
      Instant at = Instant.parse(t.getAttribute("datetime"));
      java.time.ZonedDateTime tokyo = at.atZone(java.time.ZoneId.of("Asia/Tokyo"));
      assertThat(browser.attribute("html", "data-time-zone")).isEqualTo("Asia/Tokyo");
      assertThat(t.getText()).doesNotContain("UTC")
          .contains(String.format(Locale.ROOT, "%d:%02d",
              tokyo.getHour() % 12 == 0 ? 12 : tokyo.getHour() % 12, tokyo.getMinute()));
    } finally {
      browser.timeZone("UTC");
    }
  }

  // ---- passkeys first, and "Confirm it's you" ----

  private void openSignIn(Practice pr) {
    loadSignIn(() -> browser.open("/signin?practice=" + pr.id()));
  }

  /**
   * Passkey autofill and the "Sign in with a passkey" button sign in with no e-mail or password
   * while the practice lets a passkey alone sign staff in; once the administrator unticks that,
   * the same passkey is followed by the password page.
   */
  @Test
  void passkeySignIn_autofillAndButton_skipThePasswordOnlyWhileThePracticeAllowsIt() {
    Practice pr = Practices.create(demo);
    addAuthenticator(platform());
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollPasskey("Laptop");
    afterFirstMethod();
    signOut();

    // Autofill (conditional mediation): Chromium's virtual authenticator completes the request
    // the page starts as it loads, as if the person had picked the passkey the browser offers
    // in the e-mail field, so opening the page signs in.
    browser.forgetCookies();
    browser.open("/signin?practice=" + pr.id());
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
    signOut();

    // The button (the browser's dialog), while the autofill request waits.
    openSignIn(pr);
    assertThat(browser.attribute("#email", "autocomplete")).isEqualTo("username webauthn");
    assertThat(browser.attribute("#passkey-signin", "data-autofill")).isEqualTo("pending");
    browser.screenshot("sign-in-with-passkey");
    browser.click("#passkey-signin-go");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
    signOut();

    savePolicyAsAdmin(pr, () -> {
      assertThat(browser.find("#passkey-staff").isSelected()).isTrue();
      browser.click("#passkey-staff");
    });
    signOut();

    openSignIn(pr);
    browser.click("#passkey-signin-go");
    browser.waitForPath("/signin/password");
    assertThat(browser.text("h1")).isEqualTo("Enter your password to finish signing in");
    assertThat(browser.attribute("#email", "value")).isEqualTo(pr.staff().email());
    browser.screenshot("sign-in-passkey-then-password");
    // a wrong password counts like a wrong code
    browser.type("#password", "not the password at all");
    browser.click("#finish-signin");
    browser.waitForPath("/signin/password");
    assertError("That password is not right");
    browser.type("#password", pr.staff().password());
    browser.click("#finish-signin");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }

  /**
   * A key that cannot check who is using it (no fingerprint, face or PIN). Chromium does not use
   * such an authenticator for a passkey-first sign-in (the button's request ends in
   * NotAllowedError), so the sign-in page says no passkey was used and stays put; the person signs
   * in with the password and uses the same key as the second step.
   */
  @Test
  void passkeySignIn_keyWithoutUserVerification_chromiumRefuses_passwordAndKeyStillWork() {
    Practice pr = Practices.create(demo);
    VirtualAuthenticator keys =
        addAuthenticator(platform().setHasUserVerification(false).setIsUserVerified(false));
    signInWithPassword(pr.client());
    browser.waitForPath("/");
    enrollPasskey("Key without a PIN");
    afterFirstMethod();
    assertThat(keys.getCredentials()).hasSize(1);
    signOut();

    openSignIn(pr);
    assertThat(browser.find("#passkey-signin .passkey-error").isDisplayed()).isFalse();
    browser.click("#passkey-signin-go");
    String refused = browser.wait(Duration.ofSeconds(30)).until(d -> {
      String now = browser.text("#passkey-signin .passkey-error");
      return now.isEmpty() ? null : now;
    });
    assertThat(refused).isEqualTo("No passkey was used. Try again, or pick another way.");
    assertThat(browser.find("#passkey-signin .passkey-error").isDisplayed()).isTrue();
    assertThat(browser.find("#passkey-signin .passkey-error").getAttribute("role"))
        .isEqualTo("alert");
    assertThat(browser.find("#passkey-signin .passkey-error").getCssValue("color"))
        .isEqualTo(ERROR_RED);
    assertThat(browser.path()).isEqualTo("/signin");
    assertThat(browser.text("h1")).isEqualTo("Sign in");
    browser.screenshot("sign-in-passkey-without-pin");

    signInWithPassword(pr.client());
    browser.waitForPath("/signin/verify");
    browser.click("section[data-kind=passkey] form.send button");
    browser.waitForPath("/signin/verify");
    browser.click("form.passkey-get .passkey-go");
    browser.waitForPath("/");
    assertThat(browser.text("#signed-in")).contains(pr.client().email());
  }

  /**
   * "Export client chart" is behind Spring Security's rule of a second factor from the last 5
   * minutes: right after a sign-in with a code it opens at once; 6 minutes later it first asks
   * to confirm it's you, which refuses a wrong code in the error style, then opens.
   */
  @Test
  void exportChart_freshSecondFactorOpens_anOldOneConfirmsFirst() {
    Practice pr = Practices.create(demo);
    String key = withAuthenticatorApp(pr.staff());
    signInWithCode(pr.staff(), key);

    Path downloads = browser.downloadsTo();
    browser.click("#export-chart");
    browser.waitForPath("/chart/export");
    browser.click("#download-chart");
    assertThat(browser.waitForDownload(downloads, "client-chart-jordan-example.txt"))
        .contains("Client: Jordan Example");

    clock.advance(Duration.ofMinutes(6));
    downloads = browser.downloadsTo();
    browser.open("/");
    browser.click("#export-chart");
    browser.waitForPath("/confirm");
    assertThat(browser.text("h1")).isEqualTo("Confirm it's you");
    assertThat(browser.text("#confirm-why")).contains("export the client chart");
    String right = Rfc6238.code(key, clock.instant());
    browser.type("form.verify[data-kind=totp] input[name=code]", wrong(right));
    browser.click("form.verify[data-kind=totp] button");
    browser.waitForPath("/confirm");
    assertError("not accepted");
    browser.screenshot("confirm-its-you-wrong-code");
    browser.type("form.verify[data-kind=totp] input[name=code]", right);
    browser.click("form.verify[data-kind=totp] button");
    browser.waitForPath("/chart/export");
    browser.click("#download-chart");
    assertThat(browser.waitForDownload(downloads, "client-chart-jordan-example.txt"))
        .contains("Client: Jordan Example");
  }

  @Test
  void exportChart_withoutASecondStep_saysToSetOneUp() {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    browser.click("#export-chart");
    browser.waitForPath("/");
    assertError("Set one up under Profile & security");
  }

  /**
   * Under a "second step" rule, removing a passkey goes through "Confirm it's you" (answered with
   * that passkey); the next page tells the browser which passkeys still work. Signing in with the
   * removed passkey then says it is no longer registered, and tells the browser to forget it.
   */
  @Test
  void removePasskey_stepUpPolicy_confirmsFirst_thenTheRemovedPasskeyIsUnknown() {
    Practice pr = Practices.create(demo);
    savePolicyAsAdmin(pr, () -> new Select(browser.find("#reauthentication"))
        .selectByValue("STEP_UP"));
    signOut();
    VirtualAuthenticator keys = addAuthenticator(platform());
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    enrollPasskey("Laptop");
    afterFirstMethod();
    List<org.openqa.selenium.virtualauthenticator.Credential> held = keys.getCredentials();
    assertThat(held).hasSize(1);
    signOut();
    openSignIn(pr);
    browser.click("#passkey-signin-go");
    browser.waitForPath("/");

    // the user's name: passkey managers show it, so the browser is told the new one
    browser.open("/account/security");
    browser.type("#name-form input[name=name]", "Samantha Staff");
    browser.click("#name-form button");
    browser.waitForPath("/account/security");
    assertThat(browser.waitForAttribute("body", "data-signals-sent"))
        .contains("signalCurrentUserDetails:sent");

    clock.advance(Duration.ofMinutes(6));
    browser.click("#factors tr.factor[data-kind=passkey] form.remove button");
    browser.waitForPath("/confirm");
    assertThat(browser.text("#confirm-why")).contains("remove a sign-in method");
    browser.click("section[data-kind=passkey] form.send button");
    browser.waitForPath("/confirm");
    browser.screenshot("confirm-its-you-passkey");
    browser.click("form.passkey-get .passkey-go");
    browser.waitForPath("/account/security");
    assertThat(browser.text("#flash")).contains("Removed");
    assertThat(browser.exists("#factors tr.factor[data-kind=passkey]")).isFalse();
    assertThat(browser.waitForAttribute("body", "data-signals-sent"))
        .isEqualTo("signalAllAcceptedCredentials:sent");
    // Chromium's virtual authenticator acts on the signal: it deletes the passkey the site no
    // longer accepts. A person's passkey manager may keep it: put it back, to sign in with a
    // passkey this site no longer knows.
    assertThat(keys.getCredentials()).isEmpty();
    keys.addCredential(held.get(0));
    signOut();

    openSignIn(pr);
    browser.click("#passkey-signin-go");
    browser.waitForPath("/signin");
    assertError("no longer registered here");
    assertThat(browser.waitForAttribute("body", "data-signals-sent"))
        .isEqualTo("signalUnknownCredential:sent");
    assertThat(keys.getCredentials()).isEmpty(); // the browser forgot it
    browser.screenshot("sign-in-unknown-passkey");
  }

  /**
   * After a sign-in with a password and a code, the home page offers a passkey to a user without
   * one. Headless Chromium says it can create one in the background (conditional create) and
   * takes the request, but never answers it: it waits for its password manager, which holds no
   * password here. So the person uses the visible "Create a passkey" offer.
   */
  @Test
  void passkeyOffer_afterPasswordAndCode_createsAPasskey() {
    Practice pr = Practices.create(demo);
    String key = withAuthenticatorApp(pr.staff());
    VirtualAuthenticator keys = addAuthenticator(platform());
    signInWithCode(pr.staff(), key);
    String state = browser.wait(Duration.ofSeconds(30)).until(d -> {
      String now = browser.attribute("#passkey-upgrade", "data-state");
      return now == null || now.equals("asking") ? null : now;
    });
    assertThat(state).isIn("waiting for the browser", "created", "unsupported");
    browser.screenshot("home-passkey-offer");
    if (state.equals("created")) {
      browser.open("/account/security");
    } else {
      browser.click("#create-passkey");
      browser.waitForPath("/account/enroll/confirm");
      browser.click("#passkey-create-go");
    }
    browser.waitForPath("/account/security");
    assertThat(keys.getCredentials()).hasSize(1);
    browser.open("/");
    assertThat(browser.exists("#passkey-offer")).isFalse();
  }

  /**
   * A page on another site posts a form to the demo (no CSRF token; Chromium sends no SameSite=Lax
   * cookie with it). The post is refused, and the victim's signed-in session is untouched: the
   * refusal makes no new session whose cookie would replace it.
   */
  @Test
  void crossSitePost_isRefused_andLeavesTheSignedInSessionWorking() throws Exception {
    Practice pr = Practices.create(demo);
    signInWithPassword(pr.staff());
    browser.waitForPath("/");
    String before = browser.driver().manage().getCookieNamed("JSESSIONID").getValue();
    try (AttackerSite evil = AttackerSite.start(demo.origin() + "/account/devices/forget-all")) {
      browser.driver().get(evil.url());
      browser.wait(Duration.ofSeconds(30)).until(d -> d.getCurrentUrl()
          .startsWith(demo.origin()));
      assertThat(browser.text("#error")).contains("This form has expired");
    }
    assertThat(browser.driver().manage().getCookieNamed("JSESSIONID").getValue())
        .isEqualTo(before);
    browser.open("/");
    assertThat(browser.path()).isEqualTo("/");
    assertThat(browser.text("#signed-in")).contains(pr.staff().email());
  }
}
