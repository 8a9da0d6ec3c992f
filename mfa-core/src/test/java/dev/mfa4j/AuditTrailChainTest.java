package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.AuditVerification.Kind;
import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditType;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's audit trail on the in-memory store: chaining, checkpoints, export, retention. */
class AuditTrailChainTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final UserRef ADMIN = UserRef.admin("p1", "boss");
  private static final UserRef OTHER_ADMIN = UserRef.admin("p2", "boss2");
  private static final AuditSigner SIGNER = AuditSigner.generate("audit-1");

  private static Fixture fixture() {
    return new Fixture(PracticePolicy.defaults(), b -> b.auditSigner(SIGNER), null);
  }

  private static void signIns(Fixture fx, Fixture.Enrolled f, int n, int firstStep) {
    for (int i = 0; i < n; i++) {
      LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
      assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code() + "#" + (firstStep + i)))
          .isInstanceOf(LoginStep.Authenticated.class);
      fx.clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void everyEventIsChained_inTheOrderItHappened() {
    Fixture fx = fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    signIns(fx, f, 3, 1);

    AuditHead head = fx.store.audit().head(ALICE.practice());
    List<AuditEntry> chain = fx.store.audit().chain(ALICE.practice(), 0, head.seq());
    assertThat(chain).hasSize((int) head.seq()).allSatisfy(e -> assertThat(e.intact()).isTrue());
    assertThat(chain).extracting(AuditEntry::seq)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, head.seq())
            .boxed().toList());
    assertThat(chain.get(0).prev()).isEqualTo(AuditEntry.GENESIS);
    assertThat(head.digest()).isEqualTo(chain.get(chain.size() - 1).digest());
    assertThat(chain).extracting(e -> e.event().type())
        .contains(AuditType.FACTOR_ENROLLED, AuditType.SIGN_IN_SUCCEEDED);
    assertThat(fx.engine.auditTrail().verify(ALICE.practice()).intact()).isTrue();
  }

  @Test
  void checkpoint_isSignedKept_andVerifiedAgainst() {
    Fixture fx = fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    signIns(fx, f, 2, 1);

    AuditCheckpoint cp = fx.engine.auditTrail().checkpoint(ALICE.practice());

    AuditHead head = fx.store.audit().head(ALICE.practice());
    assertThat(cp.seq()).isEqualTo(head.seq());
    assertThat(cp.digest()).isEqualTo(head.digest());
    assertThat(cp.signedBy(SIGNER.publicKey())).isTrue();
    assertThat(fx.store.audit().checkpoints(ALICE.practice())).containsExactly(cp);
    AuditVerification v = fx.engine.auditTrail().verify(ALICE.practice(), List.of(cp));
    assertThat(v.intact()).isTrue();
    assertThat(v.checkpoints()).isEqualTo(2);
  }

  @Test
  void checkpoint_withoutASigner_isRefused() {
    Fixture fx = new Fixture();
    assertThatThrownBy(() -> fx.engine.auditTrail().checkpoint(ALICE.practice()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("auditSigner");
  }

  @Test
  void export_reverifiesOutsideTheStore_andPagesByCursor() {
    Fixture fx = fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    signIns(fx, f, 3, 1);
    AuditCheckpoint cp = fx.engine.auditTrail().checkpoint(ALICE.practice());

    StringWriter first = new StringWriter();
    long cursor = fx.engine.auditTrail().export(ALICE.practice(), 0, first);
    signIns(fx, f, 2, 10);
    StringWriter second = new StringWriter();
    long cursor2 = fx.engine.auditTrail().export(ALICE.practice(), cursor, second);

    assertThat(cursor).isEqualTo(cp.seq());
    assertThat(first.toString().lines()).hasSize((int) cursor);
    assertThat(second.toString().lines()).hasSize((int) (cursor2 - cursor));
    AuditVerification whole = AuditTrail.verifyExport(
        new StringReader(first.toString() + second), List.of(cp),
        Map.of(SIGNER.keyId(), SIGNER.publicKey()));
    assertThat(whole.intact()).isTrue();
    assertThat(whole.checked()).isEqualTo(cursor2);
    assertThat(whole.checkpoints()).isEqualTo(1);
    // the second page alone verifies from its first line's previous digest
    assertThat(AuditTrail.verifyExport(new StringReader(second.toString()), List.of(),
        Map.of()).intact()).isTrue();
  }

  @Test
  void purge_removesOnlyExpiredEntries_andTheRestStillVerifies() {
    Fixture fx = new Fixture(PracticePolicy.defaults(),
        b -> b.auditSigner(SIGNER).auditRetention(Period.ofYears(6)), null);
    Fixture.Enrolled f = fx.enroll(ALICE);
    signIns(fx, f, 3, 1);
    long old = fx.store.audit().head(ALICE.practice()).seq();
    fx.clock.advance(Duration.ofDays(365 * 5));
    signIns(fx, f, 2, 100);
    long before = fx.store.audit().head(ALICE.practice()).seq();

    assertThat(fx.engine.auditTrail().purgeExpired()).isEmpty();
    fx.clock.advance(Duration.ofDays(365 + 2));
    Map<PracticeId, Long> removed = fx.engine.auditTrail().purgeExpired();

    assertThat(removed).containsEntry(ALICE.practice(), old);
    AuditHead head = fx.store.audit().head(ALICE.practice());
    assertThat(head.baseSeq()).isEqualTo(old);
    assertThat(head.seq()).isEqualTo(before + 1); // the purge's own entry
    assertThat(fx.store.audit().chain(ALICE.practice(), 0, head.seq()).get(0).seq())
        .isEqualTo(old + 1);
    assertThat(fx.store.audit().chain(ALICE.practice(), head.seq() - 1, head.seq()).get(0)
        .event().type()).isEqualTo(AuditType.AUDIT_PURGED);
    AuditVerification v = fx.engine.auditTrail().verify(ALICE.practice());
    assertThat(v.intact()).isTrue();
    assertThat(v.fromSeq()).isEqualTo(old + 1);
    // a checkpoint of the cut was signed and kept: it covers the base
    assertThat(fx.store.audit().checkpoints(ALICE.practice()))
        .anySatisfy(cp -> assertThat(cp.seq()).isEqualTo(old));
    assertThat(v.checkpoints()).isEqualTo(1);
  }

  @Test
  void retention_shorterThanAYear_isRefused() {
    assertThatThrownBy(() -> MfaEngine.builder().auditRetention(Period.ofMonths(11)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MfaEngine.builder().auditRetention(Period.ofYears(-6)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void administrator_verifiesAndExports_andBothAreAudited() {
    Fixture fx = fixture();
    fx.enroll(ALICE);

    AuditVerification v = fx.engine.admin(ADMIN).verifyAudit(List.of(), fx.request);
    StringWriter out = new StringWriter();
    long last = fx.engine.admin(ADMIN).exportAudit(0, out, fx.request);

    assertThat(v.intact()).isTrue();
    assertThat(last).isEqualTo(v.throughSeq() + 1); // the verification's own entry
    assertThat(fx.auditCount(AuditType.AUDIT_VERIFIED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.AUDIT_EXPORTED)).isEqualTo(1);
    assertThat(fx.events).filteredOn(e -> e.type() == AuditType.AUDIT_EXPORTED).singleElement()
        .satisfies(e -> assertThat(e.actor()).contains(ADMIN.user()));
  }

  @Test
  void staff_isRefusedAndAudited_andAnAdministratorSeesOnlyTheirOwnPractice() {
    Fixture fx = fixture();
    fx.enroll(ALICE);

    assertThatThrownBy(() -> fx.engine.admin(ALICE).verifyAudit(List.of(), fx.request))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> fx.engine.admin(ALICE).exportAudit(0, new StringWriter(),
        fx.request)).isInstanceOf(AccessDeniedException.class);
    assertThat(fx.auditCount(AuditType.ACCESS_DENIED)).isEqualTo(2);
    assertThat(fx.auditCount(AuditType.AUDIT_EXPORTED)).isZero();
    StringWriter theirs = new StringWriter();
    fx.engine.admin(OTHER_ADMIN).exportAudit(0, theirs, fx.request);
    assertThat(theirs.toString()).doesNotContain("\"p1\"").doesNotContain("alice");
  }

  @Test
  void aFailedUnit_leavesNoGapInTheChain() {
    Fixture fx = fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    signIns(fx, f, 1, 1);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    // a replayed step: refused, its failure audited and chained
    assertThat(fx.answer(ALICE, s.challenge(), f.id(), f.code() + "#1"))
        .isNotInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.engine.auditTrail().verify(ALICE.practice()).intact()).isTrue();
  }

  @Test
  void verifyRange_outsideTheKeptChain_isATypedError() {
    Fixture fx = fixture();
    fx.enroll(ALICE);
    long head = fx.store.audit().head(ALICE.practice()).seq();
    assertThatThrownBy(() -> fx.engine.auditTrail().verify(ALICE.practice(), 0, head,
        List.of(), Map.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.auditTrail().verify(ALICE.practice(), 1, head + 1,
        List.of(), Map.of())).isInstanceOf(InvalidInputException.class);
    AuditVerification mid = fx.engine.auditTrail().verify(ALICE.practice(), 2, head - 1,
        List.of(), Map.of());
    assertThat(mid.intact()).isTrue();
    assertThat(mid.checked()).isEqualTo(head - 2);
    assertThat(Kind.values()).hasSize(6);
  }
}
