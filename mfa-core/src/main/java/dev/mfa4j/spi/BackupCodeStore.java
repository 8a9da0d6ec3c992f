package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Backup codes: a whole set is replaced at once, and each code is consumed by one write. */
public interface BackupCodeStore {
  /** Replaces the user's whole set, atomically: no moment shows old and new codes together. */
  void replaceAll(PracticeId practice, UserId user, List<BackupCodeRecord> codes);

  /** The user's code with this lookup id, used or not. */
  Optional<BackupCodeRecord> find(PracticeId practice, UserId user, String lookupId);

  /**
   * Marks the code used: {@code UPDATE … SET used = ? WHERE … AND lookup_id = ? AND used IS NULL}.
   *
   * @return whether this caller used it
   */
  boolean consume(PracticeId practice, UserId user, String lookupId, Instant at);

  /** Unused codes left. */
  int countUnused(PracticeId practice, UserId user);

  /** Deletes the user's set; returns how many rows. */
  int deleteAll(PracticeId practice, UserId user);
}
