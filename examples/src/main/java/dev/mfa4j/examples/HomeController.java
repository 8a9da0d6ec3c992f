package dev.mfa4j.examples;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Assurance;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.MfaEngine;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The home page: the practice's own work (here one sensitive action, exporting a client chart,
 * behind a Spring Security rule that wants a second factor from the last 5 minutes), and the
 * offer of a passkey to a user who has none.
 */
@Controller
final class HomeController {
  /** How recent a second factor must be to export a client chart. */
  static final Duration CHART_MAX_AGE = Duration.ofMinutes(5);

  private final MfaEngine mfa;
  private final SignInFlow flow;
  private final Clock clock;

  HomeController(MfaEngine mfa, SignInFlow flow, Clock clock) {
    this.mfa = mfa;
    this.flow = flow;
    this.clock = clock;
  }

  @GetMapping("/")
  String home(HttpServletRequest request, Model model) {
    DemoUser me = flow.signedInUser().orElseThrow();
    model.addAttribute("chartMinutes", CHART_MAX_AGE.toMinutes());
    boolean offer = passkeyOffered(mfa, flow, me);
    model.addAttribute("passkeyOffer", offer);
    // Where the browser can, it saves a passkey in the background for the password the user
    // just typed (conditional create): no dialog, nothing to click. Once per session.
    model.addAttribute("passkeyUpgrade", offer && upgradeFits(mfa, flow, request, me)
        && !SessionState.of(request).upgradeOffered());
    model.addAttribute("twoFactorOn", mfa.account(me.ref()).twoFactorEnabled());
    model.addAttribute("csrfMeta", true);
    return "home";
  }

  /** Whether to offer a passkey: the user has none, and the practice allows passkeys. */
  static boolean passkeyOffered(MfaEngine mfa, SignInFlow flow, DemoUser u) {
    return flow.policy(u.practice()).methodsFor(u.ref().audience()).contains(FactorKind.PASSKEY)
        && mfa.kinds().contains(FactorKind.PASSKEY)
        && mfa.account(u.ref()).factors().stream()
            .noneMatch(f -> f.kind().equals(FactorKind.PASSKEY));
  }

  /**
   * Whether a passkey may be made in the background now: offered, two-step verification on (so
   * no backup codes would be issued unseen), and this session signed in with a password and a
   * code.
   */
  static boolean upgradeFits(MfaEngine mfa, SignInFlow flow, HttpServletRequest request,
      DemoUser u) {
    Assurance a = flow.assurance(request).orElse(null);
    AccountSecurity account = mfa.account(u.ref());
    return a != null && passkeyOffered(mfa, flow, u)
        && account.factors().stream().anyMatch(FactorSummary::active)
        && a.passwordAt().isPresent()
        && a.proofs().stream().anyMatch(p -> p.type() == Assurance.Type.FACTOR);
  }

  /**
   * The export page. Spring Security's rule for {@code /chart/**} (see {@link
   * SecurityConfiguration}) let the request through: the user is staff and gave a second factor
   * in the last 5 minutes.
   */
  @GetMapping("/chart/export")
  String exportPage(Model model) {
    model.addAttribute("me", flow.signedInUser().orElseThrow());
    return "chart-export";
  }

  @GetMapping("/chart/export/file")
  ResponseEntity<byte[]> exportFile() {
    DemoUser me = flow.signedInUser().orElseThrow();
    String chart = "Client chart (demo data, not a real person)\n"
        + "Client: Jordan Example\n"
        + "Exported by: " + me.name() + " at " + clock.instant() + "\n\n"
        + "2024-03-04  Intake session. Goals agreed.\n"
        + "2024-03-11  Follow-up. Sleep improving.\n";
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
            .filename("client-chart-jordan-example.txt").build().toString())
        .contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
        .body(chart.getBytes(StandardCharsets.UTF_8));
  }
}
