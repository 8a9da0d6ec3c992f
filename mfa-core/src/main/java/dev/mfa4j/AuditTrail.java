package dev.mfa4j;

import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.security.PublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tamper-evident audit trail (HIPAA §164.312(b) and (c)(1)). Each practice's audit entries
 * form a hash chain ({@link AuditEntry}); this verifies it and says exactly where it breaks,
 * signs checkpoints of its head ({@link AuditSigner}), exports it as JSON Lines with what is
 * needed to verify it again outside the database, and removes entries past the retention period
 * while keeping the rest verifiable.
 *
 * <p>Get it from {@link MfaEngine#auditTrail()}; it is for the host's operators and scheduled
 * jobs, so it neither checks an actor nor audits reads. A practice administrator verifies and
 * exports through {@link Administration#verifyAudit} and {@link Administration#exportAudit},
 * which are checked and audited.
 */
public final class AuditTrail {
  /** Entries read per page while verifying or exporting. */
  private static final int PAGE = 500;

  private final Engine engine;

  AuditTrail(Engine engine) {
    this.engine = engine;
  }

  /**
   * Verifies the practice's whole kept chain, against the checkpoints kept in the store that the
   * engine's {@link AuditSigner} signed.
   */
  public AuditVerification verify(PracticeId practice) {
    return verify(practice, List.of());
  }

  /**
   * Verifies the practice's whole kept chain against the checkpoints kept in the store and
   * {@code trusted} (the host's own copies, kept outside the database), signed by the engine's
   * {@link AuditSigner}.
   */
  public AuditVerification verify(PracticeId practice, List<AuditCheckpoint> trusted) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(trusted, "trusted");
    AuditHead head = engine.store.audit().head(practice);
    return verify(head, head.baseSeq() + 1, head.seq(), trusted, signerKeys());
  }

  /**
   * Verifies entries {@code fromSeq} to {@code throughSeq} of the practice's chain. The entry
   * before {@code fromSeq} is trusted as stored (or the retention base), unless a checkpoint
   * covers it; a range that ends at the head is also checked against the head and for entries
   * added after it.
   *
   * @param trusted checkpoints to compare with (besides those kept in the store)
   * @param keys the public key for each checkpoint key id
   * @throws InvalidInputException if the range is not within the kept chain
   */
  public AuditVerification verify(PracticeId practice, long fromSeq, long throughSeq,
      List<AuditCheckpoint> trusted, Map<String, PublicKey> keys) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(keys, "keys");
    return verify(engine.store.audit().head(practice), fromSeq, throughSeq, trusted, keys);
  }

  /** Verifies against a head read once by the caller. */
  private AuditVerification verify(AuditHead head, long fromSeq, long throughSeq,
      List<AuditCheckpoint> trusted, Map<String, PublicKey> keys) {
    PracticeId practice = head.practice();
    if (fromSeq <= head.baseSeq() || throughSeq > head.seq() || fromSeq > throughSeq + 1) {
      throw new InvalidInputException("the range must lie within entries " + (head.baseSeq() + 1)
          + " to " + head.seq());
    }
    String anchor = head.baseDigest();
    if (fromSeq > head.baseSeq() + 1) {
      List<AuditEntry> before = engine.store.audit().chain(practice, fromSeq - 2, fromSeq - 1);
      anchor = before.size() == 1 ? before.get(0).digest() : AuditEntry.GENESIS;
    }
    // kept in the store: only those of a known key count (a stranger's cannot be checked, and a
    // forged one proves nothing); the host's own must all verify
    List<AuditCheckpoint> all = new ArrayList<>();
    for (AuditCheckpoint cp : engine.store.audit().checkpoints(practice)) {
      if (keys.containsKey(cp.keyId())) {
        all.add(cp);
      }
    }
    all.addAll(trusted);
    AuditVerifier v = new AuditVerifier(practice, fromSeq, throughSeq, anchor, all);
    Iterator<AuditEntry> rows = AuditVerifier.paged(
        r -> engine.store.audit().chain(practice, r[0], r[1]), fromSeq, throughSeq, PAGE);
    boolean toHead = throughSeq == head.seq();
    List<AuditEntry> beyond = List.of();
    if (toHead) {
      // entries committed after the head was read are genuine; beyond the head read afterwards,
      // none can be
      List<AuditEntry> later = engine.store.audit().after(practice, head.seq(), 1000);
      long now = later.isEmpty() ? head.seq() : engine.store.audit().head(practice).seq();
      beyond = later.stream().filter(e -> e.seq() > now).toList();
    }
    return v.verify(rows, beyond, toHead ? Optional.of(head.digest()) : Optional.empty(), all,
        id -> Optional.ofNullable(keys.get(id)));
  }

  /**
   * Signs a checkpoint of the practice's chain head, keeps it in the store and returns it; keep
   * it elsewhere too (it is what detects a rewrite of the whole chain). A scheduled job might do
   * this daily per practice.
   *
   * @throws IllegalStateException if the engine has no {@link MfaEngine.Builder#auditSigner}
   */
  public AuditCheckpoint checkpoint(PracticeId practice) {
    Objects.requireNonNull(practice, "practice");
    AuditSigner signer = signer();
    return engine.atomically(() -> {
      AuditHead head = engine.store.audit().head(practice);
      AuditCheckpoint cp = signer.sign(practice, head.seq(), head.digest(), engine.now());
      engine.store.audit().saveCheckpoint(cp);
      return cp;
    });
  }

  /**
   * Writes the practice's entries after {@code afterSeq} to {@code out} as JSON Lines (schema
   * {@code mfa4j.audit.v1}, one entry per line, in chain order, each with its seq, previous
   * digest and digest), up to the head as it is when the export starts.
   *
   * @param afterSeq the cursor: 0 (or the retention base) for everything, else the last seq of
   *     the previous export
   * @return the last seq written, the next export's cursor ({@code afterSeq} if none)
   * @throws UncheckedIOException if writing fails
   */
  public long export(PracticeId practice, long afterSeq, Writer out) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(out, "out");
    if (afterSeq < 0) {
      throw new InvalidInputException("the export cursor must not be negative");
    }
    AuditHead head = engine.store.audit().head(practice);
    long from = Math.max(afterSeq, head.baseSeq()) + 1;
    long last = afterSeq;
    Iterator<AuditEntry> rows = AuditVerifier.paged(
        r -> engine.store.audit().chain(practice, r[0], r[1]), from, head.seq(), PAGE);
    try {
      while (rows.hasNext()) {
        AuditEntry e = rows.next();
        out.write(AuditJson.line(e));
        out.write('\n');
        last = Math.max(last, e.seq());
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing the audit export failed", e);
    }
    return last;
  }

  /**
   * Verifies an export ({@link #export}) without the database: the entries must form an unbroken
   * chain from the first line's previous digest, and match every checkpoint in {@code trusted}
   * that falls within them.
   *
   * @param keys the public key for each checkpoint key id
   * @throws InvalidInputException if a line is not an export line (naming the line, not its text)
   */
  public static AuditVerification verifyExport(Reader in, List<AuditCheckpoint> trusted,
      Map<String, PublicKey> keys) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(keys, "keys");
    List<AuditEntry> entries = readExport(in);
    if (entries.isEmpty()) {
      throw new InvalidInputException("the audit export is empty");
    }
    AuditEntry first = entries.get(0);
    PracticeId practice = first.event().practice();
    for (AuditEntry e : entries) {
      if (!e.event().practice().equals(practice)) {
        throw new InvalidInputException("an audit export holds one practice's entries");
      }
    }
    long through = entries.stream().mapToLong(AuditEntry::seq).max().getAsLong();
    AuditVerifier v = new AuditVerifier(practice, first.seq(), through, first.prev(), trusted);
    return v.verify(entries.iterator(), List.of(), Optional.empty(), trusted,
        id -> Optional.ofNullable(keys.get(id)));
  }

  /** Reads an export's lines. */
  static List<AuditEntry> readExport(Reader in) {
    BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
    List<AuditEntry> out = new ArrayList<>();
    long n = 0;
    try {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        n++;
        if (!line.isEmpty()) {
          out.add(AuditJson.parse(line, n));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the audit export failed", e);
    }
    return out;
  }

  /**
   * Removes, in every practice, the entries older than the retention period ({@link
   * MfaEngine.Builder#auditRetention}, default 6 years); schedule it (daily, say). The rest stays
   * verifiable: each practice's head keeps the last removed entry's digest as its base, the
   * removal is itself an audit entry, and with an {@link AuditSigner} a checkpoint of the base is
   * signed and kept.
   *
   * @return the number of entries removed, per practice that had any to remove
   */
  public Map<PracticeId, Long> purgeExpired() {
    Instant cutoff = engine.now().atZone(ZoneOffset.UTC).minus(engine.config.auditRetention)
        .toInstant();
    Map<PracticeId, Long> removed = new LinkedHashMap<>();
    for (PracticeId practice : engine.store.audit().practices()) {
      long n = engine.atomically(() -> {
        AuditHead before = engine.store.audit().head(practice);
        AuditHead after = engine.store.audit().purge(practice, cutoff);
        long gone = after.baseSeq() - before.baseSeq();
        if (gone > 0) {
          engine.audit(practice, Optional.empty(), Optional.empty(), AuditType.AUDIT_PURGED,
              AuditOutcome.SUCCESS, RequestContext.system(),
              Map.of("through", Long.toString(after.baseSeq()), "removed", Long.toString(gone),
                  "cutoff", cutoff.toString()));
          engine.config.auditSigner.ifPresent(s -> engine.store.audit().saveCheckpoint(
              s.sign(practice, after.baseSeq(), after.baseDigest(), engine.now())));
        }
        return gone;
      });
      if (n > 0) {
        removed.put(practice, n);
      }
    }
    return removed;
  }

  private AuditSigner signer() {
    return engine.config.auditSigner.orElseThrow(() -> new IllegalStateException(
        "no audit signer: set MfaEngine.Builder.auditSigner to make checkpoints"));
  }

  private Map<String, PublicKey> signerKeys() {
    return engine.config.auditSigner.map(s -> Map.of(s.keyId(), s.publicKey()))
        .orElse(Map.of());
  }
}
