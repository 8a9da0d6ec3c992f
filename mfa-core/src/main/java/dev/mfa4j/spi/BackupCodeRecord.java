package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored backup code: never the code, only its non-secret lookup id and a salted password hash
 * (PHC string) of its secret part.
 *
 * @param practice the owner's practice
 * @param user the owner
 * @param lookupId the code's first group, unique among the user's codes; lets one attempt cost one
 *     hash
 * @param hash the PHC string of the secret part ({@code $argon2id$…})
 * @param created when the set was issued
 * @param used when the code was used, if it was
 */
public record BackupCodeRecord(
    PracticeId practice,
    UserId user,
    String lookupId,
    String hash,
    Instant created,
    Optional<Instant> used) {
  /** A stored backup code; every component is required ({@code used} is empty while unused). */
  public BackupCodeRecord {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(lookupId, "lookupId");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(used, "used");
  }
}
