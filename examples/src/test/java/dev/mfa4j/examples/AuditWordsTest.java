package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AuditVerification;
import dev.mfa4j.AuditVerification.Break;
import dev.mfa4j.AuditVerification.Kind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.spi.AuditType;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The audit trail's words on the administration page: plain, and naming the entry. */
class AuditWordsTest {
  /** One sentence of each shape mfa4j's verifier writes, per kind. */
  private static final Map<Kind, String> DESCRIPTIONS = Map.of(
      Kind.CHANGED, "entry 42 was changed: its content does not match its digest",
      Kind.DELETED, "entries 42 to 44 are missing",
      Kind.INSERTED, "entry 42 lies beyond the end of the chain (41): it was added in the database",
      Kind.REORDERED, "entry 42 is the entry written as number 43: entries were reordered",
      Kind.REWRITTEN, "the chain up to entry 42 does not match the checkpoint signed at"
          + " 2026-11-29T10:00:00Z: it was rewritten at or before that entry",
      Kind.BAD_CHECKPOINT, "the checkpoint at entry 42 is not signed by key demo-1");

  private static String text(String html) {
    return html.replaceAll("<[^>]*>", " ").toLowerCase(Locale.ROOT);
  }

  @Test
  void everyKindOfBreak_isNamedAtItsEntry_withoutCryptographyWords() {
    for (Kind kind : Kind.values()) {
      Break b = new Break(kind, 42, Optional.of("ev-1"), DESCRIPTIONS.get(kind));
      String headline = AdminController.breakHeadline(b);
      assertThat(headline).as(kind.name()).containsIgnoringCase("entry 42")
          .doesNotContainIgnoringCase("digest");
      String html = AdminController.auditResult(new AuditVerification(PracticeId.of("p"), 1, 50,
          50, 0, Optional.of(b)), "now");
      assertThat(html).as(kind.name()).contains("class=\"audit-result broken\"",
          "class=\"error\"", "role=\"alert\"");
      assertThat(text(html)).as(kind.name()).contains("entry 42")
          .doesNotContain("digest", "hash", "chain", "intact");
    }
  }

  @Test
  void extraWords_fromTheVerifier_areReplaced() {
    assertThat(AdminController.plainDetail("entry 7 does not match the chain's recorded head"))
        .isEqualTo("entry 7 does not match the recorded end of the log");
    assertThat(AdminController.plainDetail(
        "entry 6 was changed and its digest rewritten: entry 7 no longer follows it"))
        .isEqualTo("entry 6 was changed and its seal rewritten: entry 7 no longer follows it");
  }

  @Test
  void intactResult_countsTheEntries() {
    String html = AdminController.auditResult(new AuditVerification(PracticeId.of("p"), 1, 12, 12,
        2, Optional.empty()), "now");
    assertThat(html).contains("class=\"audit-result intact\"",
        "The activity log is complete and unchanged (12 entries checked).",
        "Entries 1 to 12, checked now; compared with 2 signed checkpoints.");
    assertThat(AdminController.auditResult(new AuditVerification(PracticeId.of("p"), 1, 1, 1, 0,
        Optional.empty()), "now")).contains("(1 entry checked)", "Entry 1, checked now.");
  }

  @Test
  void theAuditTrailsOwnEvents_haveStaffWords() {
    assertThat(Views.eventName(AuditType.AUDIT_VERIFIED)).isEqualTo("Checked the activity log");
    assertThat(Views.eventName(AuditType.AUDIT_EXPORTED)).isEqualTo("Downloaded the activity log");
    assertThat(Views.eventName(AuditType.AUDIT_PURGED))
        .isEqualTo("Removed activity older than the keeping period");
    for (AuditType t : AuditType.values()) {
      assertThat(Views.eventName(t)).as(t.name()).doesNotContain("_").isNotEqualTo(t.name());
    }
    assertThat(Views.eventFacts(AuditType.AUDIT_VERIFIED,
        Map.of("result", "broken", "kind", "CHANGED", "seq", "42", "through", "50")))
        .contains("entry: 42", "problem: changed", "result: changed", "up to entry: 50")
        .doesNotContain("seq", "CHANGED");
    // other events keep their own keys (a factor's "kind" is not a problem)
    assertThat(Views.eventFacts(AuditType.FACTOR_ENROLLED, Map.of("kind", "totp")))
        .contains("kind: totp");
  }

  @Test
  void passkeyAndStepUpFacts_haveStaffWords() {
    assertThat(Views.eventFacts(AuditType.SIGN_IN_SUCCEEDED,
        Map.of("userVerified", "true", "via", "passwordless", "method", "passkey")))
        .contains("checked it was the person: yes", "how: passkey first", "method: passkey")
        .doesNotContain("userVerified", "passwordless");
    assertThat(Views.eventFacts(AuditType.STEP_UP_REQUIRED,
        Map.of("action", "remove_factor", "needs", "second_factor")))
        .contains("for: remove factor", "asked for: a second step")
        .doesNotContain("_");
  }

  @Test
  void policyWarnings_haveAdministratorsWords() {
    dev.mfa4j.PracticePolicy departing = dev.mfa4j.PracticePolicy.builder()
        .requirement(dev.mfa4j.TwoFactorRequirement.ALL_STAFF_AND_CLIENTS)
        .staffMethods(java.util.Set.of(dev.mfa4j.FactorKind.TOTP, dev.mfa4j.FactorKind.PHONE))
        .clientMethods(java.util.Set.of(dev.mfa4j.FactorKind.TOTP, dev.mfa4j.FactorKind.PHONE))
        .rememberDevice(java.time.Duration.ofDays(30))
        .minPasswordLength(8)
        .build();
    assertThat(departing.warnings()).hasSize(5);
    for (String w : departing.warnings()) {
      assertThat(AdminController.plainWarning(w)).as(w)
          .doesNotContain("AAL", "RESTRICTED", "requireNonPhoneFactor", "800-63B");
    }
    assertThat(departing.warnings().stream().map(AdminController::plainWarning))
        .contains("Clients are not offered passkeys, the one method that cannot be phished; the"
            + " NIST guidelines ask that it be offered.")
        .anySatisfy(w -> assertThat(w).startsWith("A remembered device skips the second factor for"
            + " 30 days; the NIST guidelines let a remembered browser"));
  }
}
