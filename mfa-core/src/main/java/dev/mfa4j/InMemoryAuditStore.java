package dev.mfa4j;

import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit chains of an {@link InMemoryMfaStore}: per practice its entries, head and checkpoints. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryAuditStore implements AuditStore {
  private final Map<PracticeId, List<AuditEntry>> byPractice = new HashMap<>();
  private final Map<PracticeId, AuditHead> heads = new HashMap<>();
  private final Map<PracticeId, List<AuditCheckpoint>> checkpoints = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<PracticeId, List<AuditEntry>> entries = new HashMap<>();
    byPractice.forEach((k, v) -> entries.put(k, new ArrayList<>(v)));
    Map<PracticeId, AuditHead> headCopy = new HashMap<>(heads);
    Map<PracticeId, List<AuditCheckpoint>> cps = new HashMap<>();
    checkpoints.forEach((k, v) -> cps.put(k, new ArrayList<>(v)));
    return () -> {
      byPractice.clear();
      byPractice.putAll(entries);
      heads.clear();
      heads.putAll(headCopy);
      checkpoints.clear();
      checkpoints.putAll(cps);
    };
  }

  @Override
  public synchronized AuditHead head(PracticeId practice) {
    Objects.requireNonNull(practice, "practice");
    return heads.computeIfAbsent(practice, AuditHead::empty);
  }

  @Override
  public synchronized void append(List<AuditEntry> entries) {
    Objects.requireNonNull(entries, "entries");
    Map<PracticeId, AuditHead> next = new HashMap<>();
    for (AuditEntry e : entries) {
      PracticeId p = e.event().practice();
      AuditHead h = next.getOrDefault(p, heads.getOrDefault(p, AuditHead.empty(p)));
      if (e.seq() != h.seq() + 1 || !e.prev().equals(h.digest())) {
        throw new StoreException("in-memory store: audit entry " + e.seq()
            + " does not follow the chain head " + h.seq());
      }
      next.put(p, new AuditHead(p, e.seq(), e.digest(), h.baseSeq(), h.baseDigest()));
    }
    for (AuditEntry e : entries) {
      byPractice.computeIfAbsent(e.event().practice(), k -> new ArrayList<>()).add(e);
    }
    heads.putAll(next);
  }

  @Override
  public synchronized List<AuditEvent> find(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    if (query.beforeSeq().isPresent()) {
      return findEntries(query).stream().map(AuditEntry::event).toList();
    }
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEntry entry : byPractice.getOrDefault(query.practice(), List.of())) {
      if (matches(query, entry.event())) {
        out.add(entry.event());
      }
    }
    out.sort(Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id).reversed());
    return List.copyOf(out.subList(0, Math.min(query.limit(), out.size())));
  }

  @Override
  public synchronized List<AuditEntry> findEntries(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    long below = query.beforeSeq().orElse(Long.MAX_VALUE);
    return byPractice.getOrDefault(query.practice(), List.of()).stream()
        .filter(e -> e.seq() < below && matches(query, e.event()))
        .sorted(Comparator.comparingLong(AuditEntry::seq).reversed())
        .limit(query.limit())
        .toList();
  }

  private static boolean matches(AuditQuery query, AuditEvent e) {
    return (query.subject().isEmpty() || e.subject().equals(query.subject()))
        && (query.before().isEmpty() || e.at().isBefore(query.before().get()));
  }

  @Override
  public synchronized List<AuditEntry> chain(PracticeId practice, long afterSeq,
      long throughSeq) {
    Objects.requireNonNull(practice, "practice");
    return byPractice.getOrDefault(practice, List.of()).stream()
        .filter(e -> e.seq() > afterSeq && e.seq() <= throughSeq)
        .sorted(Comparator.comparingLong(AuditEntry::seq)
            .thenComparing(e -> e.event().id()))
        .toList();
  }

  @Override
  public synchronized List<AuditEntry> after(PracticeId practice, long seq, int limit) {
    return chain(practice, seq, Long.MAX_VALUE).stream().limit(limit).toList();
  }

  @Override
  public synchronized AuditHead purge(PracticeId practice, Instant before) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(before, "before");
    AuditHead h = head(practice);
    List<AuditEntry> kept = chain(practice, h.baseSeq(), h.seq());
    AuditEntry cut = null;
    for (AuditEntry e : kept) {
      if (!e.event().at().isBefore(before)) {
        break;
      }
      cut = e;
    }
    if (cut == null) {
      return h;
    }
    long through = cut.seq();
    byPractice.get(practice).removeIf(e -> e.seq() <= through);
    AuditHead moved = new AuditHead(practice, h.seq(), h.digest(), through, cut.digest());
    heads.put(practice, moved);
    return moved;
  }

  @Override
  public synchronized void saveCheckpoint(AuditCheckpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    List<AuditCheckpoint> list =
        checkpoints.computeIfAbsent(checkpoint.practice(), k -> new ArrayList<>());
    list.removeIf(c -> c.seq() == checkpoint.seq() && c.keyId().equals(checkpoint.keyId()));
    list.add(checkpoint);
    list.sort(Comparator.comparingLong(AuditCheckpoint::seq));
  }

  @Override
  public synchronized List<AuditCheckpoint> checkpoints(PracticeId practice) {
    return List.copyOf(checkpoints.getOrDefault(practice, List.of()));
  }

  @Override
  public synchronized List<PracticeId> practices() {
    return heads.keySet().stream().sorted(Comparator.comparing(PracticeId::value)).toList();
  }
}
