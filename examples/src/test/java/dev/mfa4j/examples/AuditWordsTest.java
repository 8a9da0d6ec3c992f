package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AuditVerification;
import dev.mfa4j.AuditVerification.Break;
import dev.mfa4j.AuditVerification.Kind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.TwoFactorRequirement;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The words a practice's staff read: the audit trail's check, every audit event and the policy's
 * warnings, plain and naming what matters, without cryptography or standards' jargon.
 */
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

  private static final Instant NOW = Instant.parse("2026-11-29T10:15:30Z");

  @Test
  void everyKindOfBreak_isNamedAtItsEntry_withoutCryptographyWords() {
    for (Kind kind : Kind.values()) {
      Break b = new Break(kind, 42, Optional.of("ev-1"), DESCRIPTIONS.get(kind));
      AuditCheck check = AuditCheck.of(new AuditVerification(PracticeId.of("p"), 1, 50, 50, 0,
          Optional.of(b)), NOW);
      assertThat(check.intact()).isFalse();
      assertThat(check.headline()).as(kind.name()).containsIgnoringCase("entry 42")
          .doesNotContainIgnoringCase("digest");
      String all = (check.headline() + " " + check.detail()).toLowerCase(Locale.ROOT);
      assertThat(all).as(kind.name()).contains("entry 42")
          .doesNotContain("digest", "hash", "chain", "intact");
    }
  }

  @Test
  void extraWords_fromTheVerifier_areReplaced() {
    assertThat(AuditCheck.plainDetail("entry 7 does not match the chain's recorded head"))
        .isEqualTo("entry 7 does not match the recorded end of the log");
    assertThat(AuditCheck.plainDetail(
        "entry 6 was changed and its digest rewritten: entry 7 no longer follows it"))
        .isEqualTo("entry 6 was changed and its seal rewritten: entry 7 no longer follows it");
  }

  @Test
  void intactResult_countsTheEntries() {
    AuditCheck check = AuditCheck.of(new AuditVerification(PracticeId.of("p"), 1, 12, 12, 2,
        Optional.empty()), NOW);
    assertThat(check.intact()).isTrue();
    assertThat(check.headline())
        .isEqualTo("The activity log is complete and unchanged (12 entries checked).");
    assertThat(check.detail()).isEqualTo("Entries 1 to 12; compared with 2 signed checkpoints.");
    assertThat(AuditCheck.of(new AuditVerification(PracticeId.of("p"), 1, 1, 1, 0,
        Optional.empty()), NOW).headline()).contains("(1 entry checked)");
  }

  private static AuditEvent event(AuditType type, Map<String, String> details) {
    return new AuditEvent("e1", NOW, PracticeId.of("p"), Optional.of(UserId.of("u")),
        Optional.of(UserId.of("u")), type, AuditOutcome.SUCCESS, "127.0.0.1", "ua", details);
  }

  /** Words for every audit type (the switch is exhaustive: a new type fails the build). */
  @Test
  void everyAuditEvent_hasStaffWords() {
    for (AuditType t : AuditType.values()) {
      String words = Words.event(event(t, Map.of()));
      assertThat(words).as(t.name()).isNotBlank().doesNotContain("_")
          .isNotEqualToIgnoringCase(t.name().replace('_', ' '));
      assertThat(words.charAt(0)).as(t.name()).isUpperCase();
    }
    assertThat(Words.event(event(AuditType.SIGN_IN_SUCCEEDED, Map.of("method", "totp"))))
        .isEqualTo("Signed in with authenticator app");
    assertThat(Words.event(event(AuditType.SIGN_IN_SUCCEEDED, Map.of("method", "none"))))
        .isEqualTo("Signed in with password");
    assertThat(Words.event(event(AuditType.SIGN_IN_SUCCEEDED,
        Map.of("method", "passkey", "via", "passwordless")))).isEqualTo("Signed in with a passkey");
    assertThat(Words.event(event(AuditType.STEP_UP_SUCCEEDED, Map.of("method", "phone"))))
        .isEqualTo("Confirmed it was them with a code by text or call");
    assertThat(Words.event(event(AuditType.AUDIT_VERIFIED, Map.of())))
        .isEqualTo("Checked the activity log");
  }

  /** Each warning mfa4j's policy can give, in a practice manager's words. */
  @Test
  void policyWarnings_areInPlainWords() {
    PracticePolicy lax = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF_AND_CLIENTS)
        .staffMethods(Set.of(dev.mfa4j.FactorKind.TOTP, dev.mfa4j.FactorKind.PHONE))
        .clientMethods(Set.of(dev.mfa4j.FactorKind.TOTP, dev.mfa4j.FactorKind.PHONE))
        .rememberDevice(Duration.ofDays(30))
        .minPasswordLength(8)
        .build();
    List<String> raw = lax.warnings();
    assertThat(raw).hasSize(5);
    List<String> plain = Words.policyWarnings(raw);
    assertThat(plain).hasSize(5);
    for (String w : plain) {
      assertThat(w).doesNotContain("NIST", "RESTRICTED", "AAL", "800-63", "phishing-resistant",
          "requireNonPhoneFactor");
    }
    assertThat(plain.get(0)).startsWith("Staff cannot use passkeys");
  }
}
