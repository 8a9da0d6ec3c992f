package dev.mfa4j.spi;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stored factors. Every lookup takes the owner as well as the id, so that a factor of one user can
 * never be reached through another. Every change is one conditional write that returns whether it
 * took effect.
 */
public interface FactorStore {
  /**
   * Inserts a new factor.
   *
   * @throws dev.mfa4j.StoreException if the id or (kind, lookup key) already exists
   */
  void insert(FactorRecord factor);

  /** The user's factor with this id, in any state. */
  Optional<FactorRecord> find(PracticeId practice, UserId user, FactorId id);

  /** All the user's factors in any state, oldest first. */
  List<FactorRecord> list(PracticeId practice, UserId user);

  /** The factor of this kind whose lookup key is {@code lookupKey}, whoever owns it. */
  Optional<FactorRecord> findByLookupKey(FactorKind kind, String lookupKey);

  /**
   * Moves the factor from {@code from} to {@code to}; returns false if it was not in {@code from}.
   */
  boolean transition(PracticeId practice, UserId user, FactorId id, FactorState from, FactorState to);

  /**
   * Records a successful use: sets the counter to {@code newCounter} only if the stored counter is
   * strictly lower (or, when {@code newCounter} is negative, leaves the counter alone), sets last
   * used and clears the failure count. One conditional write: {@code UPDATE … WHERE counter < ?}.
   *
   * @return whether this caller advanced the counter (false: replay or lost race)
   */
  boolean recordUse(PracticeId practice, UserId user, FactorId id, long newCounter, Instant at);

  /** Adds one to the consecutive failure count atomically and returns the new count (0 if gone). */
  int recordFailure(PracticeId practice, UserId user, FactorId id);

  /** Replaces label and attributes; returns false if the factor is gone. */
  boolean update(PracticeId practice, UserId user, FactorId id, String label,
      Map<String, String> attributes);

  /** Deletes one factor; returns false if it was not there. */
  boolean delete(PracticeId practice, UserId user, FactorId id);

  /** Deletes all the user's factors; returns how many. */
  int deleteAll(PracticeId practice, UserId user);
}
