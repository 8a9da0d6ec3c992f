package dev.mfa4j;

import java.util.Objects;
import java.util.Optional;

/**
 * What verifying a practice's audit chain found ({@link AuditTrail#verify}).
 *
 * @param practice the practice
 * @param fromSeq the first entry checked
 * @param throughSeq the last entry checked
 * @param checked how many stored entries were read
 * @param checkpoints how many trusted checkpoints were compared with the chain
 * @param firstBreak the first place where the chain is broken, if any
 */
public record AuditVerification(PracticeId practice, long fromSeq, long throughSeq, long checked,
    int checkpoints, Optional<Break> firstBreak) {
  /**
   * A verification report; {@code practice} and {@code firstBreak} ({@code Optional.empty()} when
   * intact) are required.
   */
  public AuditVerification {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(firstBreak, "firstBreak");
  }

  /** Whether the range is intact: every entry present, unchanged and in its place. */
  public boolean intact() {
    return firstBreak.isEmpty();
  }

  /** What kind of tampering a break shows. */
  public enum Kind {
    /** An entry's content (or its digest) was changed. */
    CHANGED,
    /** One or more entries are missing. */
    DELETED,
    /** An entry that was never written by mfa4j was added. */
    INSERTED,
    /** Entries were moved to other places in the chain. */
    REORDERED,
    /** The chain no longer matches a signed checkpoint: it was rewritten up to there. */
    REWRITTEN,
    /** A checkpoint's signature is not valid under the key given for it. */
    BAD_CHECKPOINT
  }

  /**
   * Where and how the chain breaks.
   *
   * @param kind what was done
   * @param seq the place in the chain (for {@link Kind#REWRITTEN}: the checkpoint's entry; the
   *     rewrite is at or before it)
   * @param eventId the id of the entry found at that place, if there is one
   * @param description a sentence for the administrator
   */
  public record Break(Kind kind, long seq, Optional<String> eventId, String description) {
    /** A break; {@code kind}, {@code eventId} and {@code description} are required. */
    public Break {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(description, "description");
    }
  }
}
