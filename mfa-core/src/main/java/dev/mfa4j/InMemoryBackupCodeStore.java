package dev.mfa4j;

import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.BackupCodeStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The backup codes of an {@link InMemoryMfaStore}, per owner. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryBackupCodeStore implements BackupCodeStore {
  private final Map<InMemoryOwner, Map<String, BackupCodeRecord>> byOwner = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<InMemoryOwner, Map<String, BackupCodeRecord>> copy = new HashMap<>();
    byOwner.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
    return () -> {
      byOwner.clear();
      byOwner.putAll(copy);
    };
  }

  @Override
  public synchronized void replaceAll(PracticeId practice, UserId user,
      List<BackupCodeRecord> codes) {
    Objects.requireNonNull(codes, "codes");
    InMemoryOwner owner = new InMemoryOwner(practice, user);
    Map<String, BackupCodeRecord> set = new LinkedHashMap<>();
    for (BackupCodeRecord c : codes) {
      if (!new InMemoryOwner(c.practice(), c.user()).equals(owner)) {
        throw new StoreException("backup code of another user");
      }
      if (set.put(c.lookupId(), c) != null) {
        throw new StoreException("duplicate backup code lookup id");
      }
    }
    byOwner.put(owner, set);
  }

  @Override
  public synchronized Optional<BackupCodeRecord> find(PracticeId practice, UserId user,
      String lookupId) {
    Objects.requireNonNull(lookupId, "lookupId");
    Map<String, BackupCodeRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(lookupId));
  }

  @Override
  public synchronized boolean consume(PracticeId practice, UserId user, String lookupId,
      Instant at) {
    Objects.requireNonNull(lookupId, "lookupId");
    Objects.requireNonNull(at, "at");
    Map<String, BackupCodeRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    BackupCodeRecord c = m == null ? null : m.get(lookupId);
    if (c == null || c.used().isPresent()) {
      return false;
    }
    m.put(lookupId, new BackupCodeRecord(c.practice(), c.user(), c.lookupId(), c.hash(),
        c.created(), Optional.of(at)));
    return true;
  }

  @Override
  public synchronized int countUnused(PracticeId practice, UserId user) {
    Map<String, BackupCodeRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    return m == null ? 0 : (int) m.values().stream().filter(c -> c.used().isEmpty()).count();
  }

  @Override
  public synchronized int deleteAll(PracticeId practice, UserId user) {
    Map<String, BackupCodeRecord> m = byOwner.remove(new InMemoryOwner(practice, user));
    return m == null ? 0 : m.size();
  }
}
