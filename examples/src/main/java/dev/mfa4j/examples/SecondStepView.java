package dev.mfa4j.examples;

import dev.mfa4j.FactorSummary;
import dev.mfa4j.LoginStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the second step's page shows: one section per method (all passkeys in one: mfa4j's
 * passkey request lists every passkey the user has, so the browser offers whichever is at hand),
 * and backup codes. The same page confirms it's the user before a sensitive change.
 *
 * @param base where its forms post: {@code /signin} or {@code /confirm}
 * @param methods the sections
 * @param backupCodesRemaining unused backup codes (0: no backup-code section)
 * @param rememberOffered whether "Remember this device" is offered
 * @param expiresAt when this step expires
 */
record SecondStepView(String base, List<Method> methods, int backupCodesRemaining,
    boolean rememberOffered, Instant expiresAt) {

  /**
   * One section.
   *
   * @param id the factor to answer with
   * @param kind totp, phone or passkey
   * @param title "Authenticator app: Phone app"
   * @param destination a masked phone number, if any
   * @param sent for a phone, what was sent ("We sent a text message to …"), once prompted
   * @param passkeyRequest for a passkey, the browser's request JSON, once prompted
   */
  record Method(String id, String kind, String title, String destination, String sent,
      String passkeyRequest) {}

  static SecondStepView of(String base, LoginStep.SecondFactorRequired step,
      Optional<SessionState.Prompted> prompted, boolean rememberOffered) {
    List<String> passkeys = step.methods().stream()
        .filter(m -> m.kind().id().equals("passkey")).map(FactorSummary::label).toList();
    List<Method> out = new ArrayList<>();
    boolean passkeyShown = false;
    for (FactorSummary m : step.methods()) {
      String id = m.id().value();
      String kind = m.kind().id();
      if (kind.equals("passkey")) {
        if (passkeyShown) {
          continue;
        }
        passkeyShown = true;
      }
      Optional<SessionState.Prompted> mine = prompted.filter(p -> p.factor().equals(id));
      String label = kind.equals("passkey") ? String.join(", ", passkeys) : m.label();
      String sent = kind.equals("phone") ? mine.map(p -> sent(p.prompt().display())).orElse(null)
          : null;
      String request = kind.equals("passkey")
          ? mine.flatMap(p -> p.prompt().clientJson()).orElse(null) : null;
      String name = Words.kindName(m.kind());
      out.add(new Method(id, kind, label.isBlank() || label.equalsIgnoreCase(name) ? name
          : name + ": " + label,
          m.display().get("destination"), sent, request));
    }
    return new SecondStepView(base, out, step.backupCodesRemaining(), rememberOffered,
        step.expiresAt());
  }

  /** "We sent a text message to +1 ••• •••• 0000." from the prompt's display facts. */
  private static String sent(Map<String, String> display) {
    String to = display.getOrDefault("destination", "your phone");
    return "VOICE".equals(display.get("channel"))
        ? "We are calling " + to + " to read out a code."
        : "We sent a text message with a code to " + to + ".";
  }
}
