package dev.mfa4j;

import dev.mfa4j.AuditVerification.Break;
import dev.mfa4j.AuditVerification.Kind;
import dev.mfa4j.spi.AuditEntry;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Walks stored audit entries in chain order and says where the chain first breaks. Used on the
 * store ({@link AuditTrail#verify}) and on an export ({@link AuditTrail#verifyExport}).
 *
 * <p>How a break is told apart: a missing number is a deletion and two entries with one number an
 * insertion. An entry whose digest does not match its content is changed, unless it matches at
 * another number: then it was moved, and the entry after it tells whether it was swapped
 * (reordered) or the entries after a deletion were renumbered. An entry that matches its content
 * but does not follow the one before it means that one was rewritten with a fresh digest.
 */
final class AuditVerifier {
  /** How far from its place a moved entry is looked for. */
  private static final int MOVE_SEARCH = 16;

  private final PracticeId practice;
  private final long from;
  private final long through;
  private final String anchor;
  private long checked;
  /** The digests at the places the checkpoints name, as stored. */
  private final Map<Long, String> wanted = new HashMap<>();

  AuditVerifier(PracticeId practice, long from, long through, String anchor,
      List<AuditCheckpoint> checkpoints) {
    this.practice = practice;
    this.from = from;
    this.through = through;
    this.anchor = anchor;
    for (AuditCheckpoint cp : checkpoints) {
      wanted.put(cp.seq(), null);
    }
  }

  /**
   * Verifies.
   *
   * @param rows the stored entries with {@code from <= seq <= through}, in seq order
   * @param beyond stored entries past {@code through} that should not exist (after the head)
   * @param headDigest the digest the last entry must have, if the range ends at the head
   * @param checkpoints trusted checkpoints, and the key for each key id
   */
  AuditVerification verify(Iterator<AuditEntry> rows, List<AuditEntry> beyond,
      Optional<String> headDigest, List<AuditCheckpoint> checkpoints,
      Function<String, Optional<PublicKey>> keys) {
    wanted.put(from - 1, anchor);
    Optional<Break> broken = walk(new Peeking(rows), headDigest);
    if (broken.isEmpty() && !beyond.isEmpty()) {
      AuditEntry extra = beyond.get(0);
      broken = Optional.of(new Break(Kind.INSERTED, extra.seq(), Optional.of(extra.event().id()),
          "entry " + extra.seq() + " lies beyond the end of the chain (" + through
              + "): it was added in the database"));
    }
    int compared = 0;
    Optional<Break> cpBreak = Optional.empty();
    for (AuditCheckpoint cp : checkpoints) {
      if (!cp.practice().equals(practice)) {
        continue;
      }
      Optional<PublicKey> key = keys.apply(cp.keyId());
      if (key.isEmpty() || !cp.signedBy(key.get())) {
        cpBreak = first(cpBreak, new Break(Kind.BAD_CHECKPOINT, cp.seq(), Optional.empty(),
            "the checkpoint at entry " + cp.seq() + " is not signed by key " + cp.keyId()));
        continue;
      }
      if (cp.seq() < from - 1) {
        continue; // before what was checked (removed by retention, or outside the range)
      }
      if (cp.seq() > through) {
        if (headDigest.isPresent()) {
          cpBreak = first(cpBreak, new Break(Kind.DELETED, through + 1, Optional.empty(),
              "the chain ends at entry " + through + ", but a checkpoint signed at " + cp.at()
                  + " covers entry " + cp.seq() + ": entries were removed from the end"));
        }
        continue;
      }
      compared++;
      String stored = wanted.get(cp.seq());
      if (stored == null || !stored.equals(cp.digest())) {
        cpBreak = first(cpBreak, new Break(Kind.REWRITTEN, cp.seq(), Optional.empty(),
            "the chain up to entry " + cp.seq() + " does not match the checkpoint signed at "
                + cp.at() + ": it was rewritten at or before that entry"));
      }
    }
    if (broken.isEmpty()) {
      broken = cpBreak;
    }
    return new AuditVerification(practice, from, through, checked, compared, broken);
  }

  private static Optional<Break> first(Optional<Break> a, Break b) {
    return a.isPresent() && a.get().seq() <= b.seq() ? a : Optional.of(b);
  }

  private Optional<Break> walk(Peeking rows, Optional<String> headDigest) {
    long expected = from;
    String prev = anchor;
    AuditEntry last = null;
    while (rows.hasNext()) {
      AuditEntry r = rows.next();
      checked++;
      if (r.seq() < expected) {
        return Optional.of(inserted(r));
      }
      if (r.seq() > expected) {
        return Optional.of(new Break(Kind.DELETED, expected, Optional.empty(),
            r.seq() == expected + 1 ? "entry " + expected + " is missing"
                : "entries " + expected + " to " + (r.seq() - 1) + " are missing"));
      }
      if (rows.hasNext() && rows.peek().seq() == r.seq()) {
        // two entries with one number: the one that does not follow the chain was added
        AuditEntry other = rows.next();
        checked++;
        boolean rFits = r.intact() && r.prev().equals(prev);
        return Optional.of(inserted(rFits ? other : r));
      }
      boolean intact = r.intact();
      if (intact && r.prev().equals(prev)) {
        if (wanted.containsKey(r.seq())) {
          wanted.put(r.seq(), r.digest());
        }
        prev = r.digest();
        last = r;
        expected++;
        continue;
      }
      if (!intact) {
        long original = originalPlace(r);
        if (original > r.seq()) {
          long nextOriginal = rows.hasNext() ? originalPlace(rows.peek()) : -1;
          if (nextOriginal > 0 && nextOriginal < rows.peek().seq()) {
            return Optional.of(new Break(Kind.REORDERED, r.seq(), Optional.of(r.event().id()),
                "entry " + r.seq() + " is the entry written as number " + original
                    + ": entries were reordered"));
          }
          return Optional.of(new Break(Kind.DELETED, r.seq(), Optional.empty(),
              (original - r.seq() == 1 ? "entry " + r.seq() + " is missing"
                  : "entries " + r.seq() + " to " + (original - 1) + " are missing")
                  + " and the entries after it were renumbered"));
        }
        if (original > 0 && original < r.seq()) {
          long at = r.seq() - 1;
          return Optional.of(new Break(Kind.INSERTED, at,
              last == null ? Optional.empty() : Optional.of(last.event().id()),
              "entry " + at + " was added and the entries after it renumbered"));
        }
        return Optional.of(new Break(Kind.CHANGED, r.seq(), Optional.of(r.event().id()),
            "entry " + r.seq() + " was changed: its content does not match its digest"));
      }
      // intact, but it does not follow the entry before it: that one was rewritten
      long at = r.seq() - 1;
      return Optional.of(new Break(Kind.CHANGED, at,
          last == null ? Optional.empty() : Optional.of(last.event().id()),
          last == null
              ? "entry " + r.seq() + " does not follow the entry before it (" + at + ")"
              : "entry " + at + " was changed and its digest rewritten: entry " + r.seq()
                  + " no longer follows it"));
    }
    if (expected <= through) {
      return Optional.of(new Break(Kind.DELETED, expected, Optional.empty(),
          expected == through ? "the last entry, " + through + ", is missing"
              : "the last entries, " + expected + " to " + through + ", are missing"));
    }
    if (headDigest.isPresent() && !headDigest.get().equals(prev)) {
      return Optional.of(new Break(Kind.CHANGED, through,
          last == null ? Optional.empty() : Optional.of(last.event().id()),
          "entry " + through + " does not match the chain's recorded head"));
    }
    return Optional.empty();
  }

  private static Break inserted(AuditEntry extra) {
    return new Break(Kind.INSERTED, extra.seq(), Optional.of(extra.event().id()),
        "a second entry numbered " + extra.seq() + " was added");
  }

  /** The place at which the entry's digest matches, near its own; -1 if none. */
  private static long originalPlace(AuditEntry r) {
    for (int d = 1; d <= MOVE_SEARCH; d++) {
      if (r.intactAt(r.seq() + d)) {
        return r.seq() + d;
      }
      if (r.intactAt(r.seq() - d)) {
        return r.seq() - d;
      }
    }
    return -1;
  }

  /** An iterator that can look one ahead. */
  private static final class Peeking implements Iterator<AuditEntry> {
    private final Iterator<AuditEntry> it;
    private AuditEntry next;

    Peeking(Iterator<AuditEntry> it) {
      this.it = it;
    }

    @Override
    public boolean hasNext() {
      return next != null || it.hasNext();
    }

    AuditEntry peek() {
      if (next == null) {
        next = it.next();
      }
      return next;
    }

    @Override
    public AuditEntry next() {
      if (next != null) {
        AuditEntry n = next;
        next = null;
        return n;
      }
      if (!it.hasNext()) {
        throw new NoSuchElementException();
      }
      return it.next();
    }
  }

  /** Entries read page by page, by seq range. */
  static Iterator<AuditEntry> paged(Function<long[], List<AuditEntry>> page, long from,
      long through, int size) {
    return new Iterator<>() {
      private long done = from - 1;
      private final List<AuditEntry> buf = new ArrayList<>();
      private int i;

      @Override
      public boolean hasNext() {
        while (i == buf.size() && done < through) {
          long upTo = Math.min(through, done + size);
          buf.clear();
          i = 0;
          buf.addAll(page.apply(new long[] {done, upTo}));
          done = upTo;
        }
        return i < buf.size();
      }

      @Override
      public AuditEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return buf.get(i++);
      }
    };
  }
}
