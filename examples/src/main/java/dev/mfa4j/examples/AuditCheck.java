package dev.mfa4j.examples;

import dev.mfa4j.AuditVerification;
import java.time.Instant;
import java.util.Locale;

/**
 * The result of checking the practice's activity log, in an administrator's words: no
 * cryptography ("digest", "hash", "chain"), and the entry named when something is wrong.
 *
 * @param intact whether the log is complete and unchanged
 * @param headline the first line: "The activity log is complete and unchanged (12 entries
 *     checked)." or "Entry 42 was changed after it was recorded."
 * @param detail what was checked, or what the check found, for IT support
 * @param at when it was checked
 */
record AuditCheck(boolean intact, String headline, String detail, Instant at) {
  static AuditCheck of(AuditVerification v, Instant at) {
    if (v.intact()) {
      String compared = v.checkpoints() == 0 ? ""
          : "; compared with " + v.checkpoints() + " signed checkpoint"
              + (v.checkpoints() == 1 ? "" : "s");
      return new AuditCheck(true, "The activity log is complete and unchanged (" + v.checked()
          + (v.checked() == 1 ? " entry" : " entries") + " checked).",
          (v.fromSeq() == v.throughSeq() ? "Entry " + v.fromSeq()
              : "Entries " + v.fromSeq() + " to " + v.throughSeq()) + compared + ".", at);
    }
    AuditVerification.Break b = v.firstBreak().orElseThrow();
    return new AuditCheck(false, headline(b), "What the check found: "
        + plainDetail(b.description()) + ". For your IT support: problem \u201c"
        + b.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "\u201d at entry "
        + b.seq() + b.eventId().map(id -> ", reference " + id).orElse("") + ".", at);
  }

  /** The first line of a broken check: which entry, and what happened to it. */
  static String headline(AuditVerification.Break b) {
    long n = b.seq();
    return switch (b.kind()) {
      case CHANGED -> "Entry " + n + " was changed after it was recorded.";
      case DELETED -> "Entry " + n + " is missing: it was deleted from the activity log.";
      case INSERTED -> "Entry " + n + " was added to the activity log by something other than"
          + " this system.";
      case REORDERED -> "Entries were moved out of order, starting at entry " + n + ".";
      case REWRITTEN -> "The activity log was rewritten at or before entry " + n
          + ": it no longer matches the checkpoint signed for it.";
      case BAD_CHECKPOINT -> "The checkpoint signed at entry " + n + " is not genuine: it was"
          + " not signed by this practice's key.";
    };
  }

  /** The check's own sentence, with its cryptography words swapped for plain ones. */
  static String plainDetail(String description) {
    return description
        .replace("its content does not match its digest", "its content is not what was recorded")
        .replace("its digest rewritten", "its seal rewritten")
        .replace("the chain's recorded head", "the recorded end of the log")
        .replaceAll("(?i)digests?", "seal")
        .replaceAll("(?i)hash(es)?", "seal")
        .replace("chain", "log");
  }
}
