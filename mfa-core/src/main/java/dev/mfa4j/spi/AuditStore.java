package dev.mfa4j.spi;

import dev.mfa4j.AuditCheckpoint;
import dev.mfa4j.PracticeId;
import java.time.Instant;
import java.util.List;

/**
 * The stored audit log: per practice, one hash chain of {@link AuditEntry entries}, append-only
 * but for retention's {@link #purge}. The engine writes it only inside a unit of work ({@link
 * MfaStore#atomically}): it reads and locks the practice's {@link #head}, chains the unit's events
 * onto it ({@link AuditEntry#chain}) and {@link #append appends} them, so every practice's chain
 * stays one line however many nodes write, and the sign-ins of different practices never wait for
 * each other.
 */
public interface AuditStore {
  /**
   * The practice's chain head, created empty if absent; inside a unit of work it stays locked
   * until the unit ends (the JDBC store: {@code SELECT … FOR UPDATE} on the practice's head row),
   * so that no other unit can append to this practice's chain meanwhile.
   */
  AuditHead head(PracticeId practice);

  /**
   * Appends entries that continue their practices' chains and moves each practice's head to its
   * last entry. Each practice's first entry must follow its head ({@code seq = head.seq + 1},
   * {@code prev = head.digest}) and each next one the one before it; otherwise it throws {@link
   * dev.mfa4j.StoreException} (the unit is then undone: nothing is appended).
   */
  void append(List<AuditEntry> entries);

  /**
   * A page of events, newest first: by time, ties broken by id, descending; or, when the query
   * has a {@link AuditQuery#beforeSeq seq cursor}, exactly the events of {@link #findEntries}.
   */
  List<AuditEvent> find(AuditQuery query);

  /**
   * A page of the practice's chain entries, highest seq first: those with {@code seq <}
   * {@link AuditQuery#beforeSeq} (all if absent), of {@link AuditQuery#subject} if present, before
   * {@link AuditQuery#before} if present. Rows without a seq (written before the chain existed)
   * are never returned. The stable way to page: the next page's cursor is the last entry's seq.
   */
  List<AuditEntry> findEntries(AuditQuery query);

  /**
   * The stored entries of the practice with {@code afterSeq < seq <= throughSeq}, as they are in
   * the store (tampered ones included: a verifier must see them), ordered by seq, then id.
   */
  List<AuditEntry> chain(PracticeId practice, long afterSeq, long throughSeq);

  /**
   * The practice's entries stored beyond {@code seq}, at most {@code limit} (a verifier's check
   * for rows added after the head), ordered by seq, then id.
   */
  List<AuditEntry> after(PracticeId practice, long seq, int limit);

  /**
   * Retention: removes the practice's oldest entries up to and excluding the first that occurred
   * at or after {@code before}, and moves the head's base to the last one removed, so that the
   * rest still verifies. Locks the head like {@link #head}.
   *
   * @return the head after the purge
   */
  AuditHead purge(PracticeId practice, Instant before);

  /** Keeps a checkpoint (the host should also keep it elsewhere). */
  void saveCheckpoint(AuditCheckpoint checkpoint);

  /** The practice's checkpoints kept here, ordered by seq. */
  List<AuditCheckpoint> checkpoints(PracticeId practice);

  /** The practices that have an audit chain. */
  List<PracticeId> practices();
}
