package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Remembered devices. */
public interface DeviceStore {
  /** Inserts a remembered device. */
  void insert(DeviceRecord device);

  /** The device whose token hashes to {@code tokenHash}, whoever owns it. */
  Optional<DeviceRecord> findByTokenHash(byte[] tokenHash);

  /** Sets last seen; returns false if the device is gone. */
  boolean touch(String id, Instant lastSeen);

  /** The user's devices, newest first. */
  List<DeviceRecord> list(PracticeId practice, UserId user);

  /** Revokes one of the user's devices; false if it was not there. */
  boolean delete(PracticeId practice, UserId user, String id);

  /** Revokes all the user's devices; returns how many. */
  int deleteAll(PracticeId practice, UserId user);

  /**
   * Deletes at most {@code limit} remembered devices, of any user, that expired before {@code
   * before} (they no longer skip the second step), soonest expired first, in one short
   * transaction; returns how many. Fewer than {@code limit} means none is left.
   *
   * @param limit 1 to {@value ChallengeStore#MAX_PURGE}
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  int purgeExpired(Instant before, int limit);
}
