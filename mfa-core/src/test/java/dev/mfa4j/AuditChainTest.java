package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.AuditVerification.Kind;
import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chain's verifier on hand-tampered entries: each kind of tampering is reported at the place
 * it happened; and the export's line format round-trips and refuses what it did not write.
 */
class AuditChainTest {
  private static final PracticeId P = PracticeId.of("p1");
  private static final Instant T = Instant.parse("2026-05-01T08:00:00.123456Z");
  private static final AuditSigner SIGNER = AuditSigner.generate("audit-2026");
  private static final Map<String, PublicKey> KEYS = Map.of("audit-2026", SIGNER.publicKey());

  private static AuditEvent event(int i) {
    return new AuditEvent("ev-" + i, T.plusSeconds(i), P, Optional.of(UserId.of("alice")),
        i % 3 == 0 ? Optional.of(UserId.of("boss")) : Optional.empty(), AuditType.SIGN_IN_SUCCEEDED,
        AuditOutcome.SUCCESS, "192.0.2." + i, "Firefox \"quoted\" ünï\n", Map.of("method", "totp",
            "n", Integer.toString(i)));
  }

  /** Entries 1..n, correctly chained. */
  private static List<AuditEntry> chain(int n) {
    List<AuditEntry> out = new ArrayList<>();
    String prev = AuditEntry.GENESIS;
    for (int i = 1; i <= n; i++) {
      AuditEntry e = AuditEntry.chain(i, prev, event(i));
      out.add(e);
      prev = e.digest();
    }
    return out;
  }

  private static AuditVerification verify(List<AuditEntry> rows, List<AuditEntry> beyond,
      long through, String head, List<AuditCheckpoint> cps) {
    return new AuditVerifier(P, 1, through, AuditEntry.GENESIS, cps)
        .verify(rows.iterator(), beyond, Optional.of(head), cps,
            id -> Optional.ofNullable(KEYS.get(id)));
  }

  private static AuditVerification verify(List<AuditEntry> rows, List<AuditEntry> original) {
    AuditEntry last = original.get(original.size() - 1);
    return verify(rows, List.of(), last.seq(), last.digest(), List.of());
  }

  private static AuditEntry withSeq(AuditEntry e, long seq) {
    return new AuditEntry(seq, e.event(), e.prev(), e.digest());
  }

  private static AuditEntry withIp(AuditEntry e, String ip) {
    AuditEvent v = e.event();
    return new AuditEntry(e.seq(), new AuditEvent(v.id(), v.at(), v.practice(), v.subject(),
        v.actor(), v.type(), v.outcome(), ip, v.userAgent(), v.details()), e.prev(), e.digest());
  }

  private static void assertBreak(AuditVerification v, Kind kind, long seq) {
    assertThat(v.intact()).as("intact").isFalse();
    assertThat(v.firstBreak().get().kind()).as(v.firstBreak().get().description())
        .isEqualTo(kind);
    assertThat(v.firstBreak().get().seq()).as(v.firstBreak().get().description()).isEqualTo(seq);
  }

  @Test
  void intactChain_verifies() {
    List<AuditEntry> c = chain(10);
    AuditVerification v = verify(c, c);
    assertThat(v.intact()).isTrue();
    assertThat(v.checked()).isEqualTo(10);
  }

  @Test
  void digest_coversEveryField_andThePlace() {
    AuditEntry e = chain(1).get(0);
    assertThat(e.intact()).isTrue();
    assertThat(withIp(e, "192.0.2.99").intact()).isFalse();
    assertThat(e.intactAt(2)).isFalse();
    assertThat(AuditEntry.digestOf(1, "1".repeat(64), e.event())).isNotEqualTo(e.digest());
  }

  @Test
  void changedContent_isReportedAtThatEntry() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c);
    t.set(4, withIp(c.get(4), "203.0.113.9"));
    AuditVerification v = verify(t, c);
    assertBreak(v, Kind.CHANGED, 5);
    assertThat(v.firstBreak().get().eventId()).contains("ev-5");
  }

  @Test
  void changedContentWithARecomputedDigest_isReportedAtThatEntry() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c);
    AuditEvent forged = withIp(c.get(4), "203.0.113.9").event();
    t.set(4, AuditEntry.chain(5, c.get(4).prev(), forged));
    assertBreak(verify(t, c), Kind.CHANGED, 5);
  }

  @Test
  void deletedEntry_isReportedAtItsPlace() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c);
    t.remove(4);
    assertBreak(verify(t, c), Kind.DELETED, 5);
  }

  @Test
  void deletedEntryWithTheRestRenumbered_isReportedAtItsPlace() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c.subList(0, 4));
    for (AuditEntry e : c.subList(5, 10)) {
      t.add(withSeq(e, e.seq() - 1));
    }
    AuditEntry last = c.get(9);
    assertBreak(verify(t, List.of(), 10, last.digest(), List.of()), Kind.DELETED, 5);
  }

  @Test
  void deletedLastEntries_areReported() {
    List<AuditEntry> c = chain(10);
    assertBreak(verify(c.subList(0, 8), c), Kind.DELETED, 9);
  }

  @Test
  void insertedEntryWithATakenNumber_isReported() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c);
    AuditEvent forged = event(77);
    t.add(5, AuditEntry.chain(5, c.get(3).digest(), forged)); // a second, well-formed entry 5
    AuditVerification v = verify(t, c);
    assertBreak(v, Kind.INSERTED, 5);
    assertThat(v.firstBreak().get().eventId()).contains("ev-77");
  }

  @Test
  void insertedEntryWithTheRestRenumbered_isReportedAtItsPlace() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c.subList(0, 4));
    t.add(AuditEntry.chain(5, c.get(3).digest(), event(77)));
    for (AuditEntry e : c.subList(4, 10)) {
      t.add(withSeq(e, e.seq() + 1));
    }
    AuditVerification v = verify(t, List.of(), 11, c.get(9).digest(), List.of());
    assertBreak(v, Kind.INSERTED, 5);
    assertThat(v.firstBreak().get().eventId()).contains("ev-77");
  }

  @Test
  void entryAddedAfterTheHead_isReported() {
    List<AuditEntry> c = chain(10);
    AuditEntry extra = AuditEntry.chain(11, c.get(9).digest(), event(77));
    AuditVerification v = verify(c, List.of(extra), 10, c.get(9).digest(), List.of());
    assertBreak(v, Kind.INSERTED, 11);
  }

  @Test
  void swappedEntries_areReportedAsReordered() {
    List<AuditEntry> c = chain(10);
    List<AuditEntry> t = new ArrayList<>(c);
    t.set(3, withSeq(c.get(4), 4));
    t.set(4, withSeq(c.get(3), 5));
    AuditVerification v = verify(t, c);
    assertBreak(v, Kind.REORDERED, 4);
    assertThat(v.firstBreak().get().eventId()).contains("ev-5");
  }

  @Test
  void wholeChainRewritten_isFoundOnlyAgainstASignedCheckpoint() {
    List<AuditEntry> c = chain(10);
    AuditCheckpoint cp = SIGNER.sign(P, 8, c.get(7).digest(), T);
    // rewrite entry 3 and every digest after it, consistently
    List<AuditEntry> t = new ArrayList<>(c.subList(0, 2));
    String prev = c.get(1).digest();
    for (AuditEntry e : c.subList(2, 10)) {
      AuditEvent v = e.seq() == 3 ? withIp(e, "203.0.113.9").event() : e.event();
      AuditEntry r = AuditEntry.chain(e.seq(), prev, v);
      t.add(r);
      prev = r.digest();
    }
    assertThat(verify(t, List.of(), 10, prev, List.of()).intact())
        .as("without a checkpoint a consistent rewrite cannot be seen").isTrue();

    AuditVerification v = verify(t, List.of(), 10, prev, List.of(cp));
    assertBreak(v, Kind.REWRITTEN, 8);
    assertThat(verify(c, List.of(), 10, c.get(9).digest(), List.of(cp)).intact()).isTrue();
    assertThat(verify(c, List.of(), 10, c.get(9).digest(), List.of(cp)).checkpoints())
        .isEqualTo(1);
  }

  @Test
  void checkpoint_forgedOrOfAnUnknownKey_isABadCheckpoint() {
    List<AuditEntry> c = chain(10);
    AuditCheckpoint good = SIGNER.sign(P, 8, c.get(7).digest(), T);
    AuditCheckpoint forged = new AuditCheckpoint(P, 8, "1".repeat(64), T, good.keyId(),
        good.signature());
    AuditCheckpoint stranger = AuditSigner.generate("other").sign(P, 8, c.get(7).digest(), T);
    assertBreak(verify(c, List.of(), 10, c.get(9).digest(), List.of(forged)),
        Kind.BAD_CHECKPOINT, 8);
    assertBreak(verify(c, List.of(), 10, c.get(9).digest(), List.of(stranger)),
        Kind.BAD_CHECKPOINT, 8);
    assertThat(good.signedBy(SIGNER.publicKey())).isTrue();
    assertThat(forged.signedBy(SIGNER.publicKey())).isFalse();
  }

  @Test
  void checkpointBeyondTheEnd_meansEntriesWereRemovedFromTheEnd() {
    List<AuditEntry> c = chain(10);
    AuditCheckpoint cp = SIGNER.sign(P, 10, c.get(9).digest(), T);
    // the last two rows and the head rewound by someone with database access
    AuditVerification v = verify(c.subList(0, 8), List.of(), 8, c.get(7).digest(), List.of(cp));
    assertBreak(v, Kind.DELETED, 9);
  }

  @Test
  void headMismatch_isReported() {
    List<AuditEntry> c = chain(10);
    assertBreak(verify(c, List.of(), 10, "2".repeat(64), List.of()), Kind.CHANGED, 10);
  }

  @Test
  void exportLines_roundTrip_andVerifyWithoutTheStore() {
    List<AuditEntry> c = chain(12);
    StringBuilder out = new StringBuilder();
    for (AuditEntry e : c) {
      out.append(AuditJson.line(e)).append('\n');
    }
    assertThat(out.toString().lines()).hasSize(12).allSatisfy(l -> assertThat(l)
        .startsWith("{\"schema\":\"mfa4j.audit.v1\"").doesNotContain("\n"));
    assertThat(AuditTrail.readExport(new StringReader(out.toString()))).isEqualTo(c);

    AuditCheckpoint cp = SIGNER.sign(P, 12, c.get(11).digest(), T);
    AuditVerification v = AuditTrail.verifyExport(new StringReader(out.toString()),
        List.of(cp), KEYS);
    assertThat(v.intact()).isTrue();
    assertThat(v.checkpoints()).isEqualTo(1);

    String tampered = out.toString().replace("\"192.0.2.7\"", "\"198.51.100.1\"");
    assertBreak(AuditTrail.verifyExport(new StringReader(tampered), List.of(), KEYS),
        Kind.CHANGED, 7);
  }

  @Test
  void exportReader_refusesWhatTheWriterDoesNotWrite_withoutEchoingIt() {
    String good = AuditJson.line(chain(1).get(0));
    for (String bad : List.of("not json secret-42", good.replace("mfa4j.audit.v1", "other"),
        good + " trailing", good.replace("\"seq\":1", "\"seq\":\"1\""),
        good.replace("{\"schema\"", "{\"seq\":1,\"schema\""),
        good.replace("\"SIGN_IN_SUCCEEDED\"", "\"NOPE\""), good.substring(0, 40))) {
      assertThatThrownBy(() -> AuditTrail.readExport(new StringReader(bad + "\n")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("audit export line 1")
          .hasMessageNotContaining("secret-42").hasMessageNotContaining("192.0.2");
    }
  }

  @Test
  void entry_refusesSubMicrosecondTimesAndMalformedDigests() {
    AuditEvent e = event(1);
    AuditEvent nanos = new AuditEvent(e.id(), e.at().plusNanos(1), e.practice(), e.subject(),
        e.actor(), e.type(), e.outcome(), e.ip(), e.userAgent(), e.details());
    assertThatThrownBy(() -> AuditEntry.chain(1, AuditEntry.GENESIS, nanos))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditEntry.chain(1, "ABC", e))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditEntry.chain(0, AuditEntry.GENESIS, e))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Rebuilds the digest byte by byte as docs/audit.md §1 describes it, without AuditEntry. */
  @Test
  void digest_isTheDocumentedLayout() throws Exception {
    AuditEvent e = new AuditEvent("id-1", Instant.parse("2026-05-01T08:00:00.000123Z"), P,
        Optional.of(UserId.of("alice")), Optional.empty(), AuditType.FACTOR_REMOVED,
        AuditOutcome.SUCCESS, "192.0.2.1", "Firefox ü", Map.of("z", "last", "a", "first"));
    String prev = "ab".repeat(32);
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write("mfa4j-audit-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.write(0);
    b.write(java.util.HexFormat.of().parseHex(prev));
    for (String f : new String[] {"p1", "7", "id-1", "1777622400000123", "alice", null,
        "FACTOR_REMOVED", "SUCCESS", "192.0.2.1", "Firefox ü", "2", "a", "first", "z", "last"}) {
      if (f == null) {
        b.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        continue;
      }
      byte[] u = f.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      b.write(java.nio.ByteBuffer.allocate(4).putInt(u.length).array());
      b.write(u);
    }
    String expected = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(b.toByteArray()));

    assertThat(AuditEntry.digestOf(7, prev, e)).isEqualTo(expected);
    assertThat(AuditEntry.micros(e.at())).isEqualTo(1777622400000123L);
  }
}
