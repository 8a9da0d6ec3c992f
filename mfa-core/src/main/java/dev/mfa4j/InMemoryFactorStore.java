package dev.mfa4j;

import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.FactorStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The factors of an {@link InMemoryMfaStore}, per owner in insertion order. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryFactorStore implements FactorStore {
  private final Map<InMemoryOwner, LinkedHashMap<FactorId, FactorRecord>> byOwner = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<InMemoryOwner, LinkedHashMap<FactorId, FactorRecord>> copy = new HashMap<>();
    byOwner.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
    return () -> {
      byOwner.clear();
      byOwner.putAll(copy);
    };
  }

  @Override
  public synchronized void insert(FactorRecord factor) {
    Objects.requireNonNull(factor, "factor");
    for (Map<FactorId, FactorRecord> m : byOwner.values()) {
      for (FactorRecord f : m.values()) {
        if (f.id().equals(factor.id())) {
          throw new StoreException("factor id already exists");
        }
        if (factor.lookupKey().isPresent() && f.kind().equals(factor.kind())
            && f.lookupKey().equals(factor.lookupKey())) {
          throw new StoreException("factor lookup key already exists for this kind");
        }
      }
    }
    byOwner.computeIfAbsent(new InMemoryOwner(factor.practice(), factor.user()),
        k -> new LinkedHashMap<>()).put(factor.id(), factor);
  }

  @Override
  public synchronized Optional<FactorRecord> find(PracticeId practice, UserId user, FactorId id) {
    Objects.requireNonNull(id, "id");
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(id));
  }

  @Override
  public synchronized List<FactorRecord> list(PracticeId practice, UserId user) {
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    if (m == null) {
      return List.of();
    }
    List<FactorRecord> out = new ArrayList<>(m.values());
    out.sort(Comparator.comparing(FactorRecord::created));
    return List.copyOf(out);
  }

  @Override
  public synchronized Optional<FactorRecord> findByLookupKey(FactorKind kind, String lookupKey) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lookupKey, "lookupKey");
    for (Map<FactorId, FactorRecord> m : byOwner.values()) {
      for (FactorRecord f : m.values()) {
        if (f.kind().equals(kind) && f.lookupKey().equals(Optional.of(lookupKey))) {
          return Optional.of(f);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized boolean transition(PracticeId practice, UserId user, FactorId id,
      FactorState from, FactorState to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    FactorRecord f = m == null ? null : m.get(id);
    if (f == null || f.state() != from) {
      return false;
    }
    m.put(id, f.withState(to));
    return true;
  }

  @Override
  public synchronized boolean recordUse(PracticeId practice, UserId user, FactorId id,
      long newCounter, Instant at) {
    Objects.requireNonNull(at, "at");
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    FactorRecord f = m == null ? null : m.get(id);
    if (f == null) {
      return false;
    }
    long counter = f.counter();
    if (newCounter >= 0) {
      if (f.counter() >= newCounter) {
        return false;
      }
      counter = newCounter;
    }
    m.put(id, new FactorRecord(f.id(), f.practice(), f.user(), f.kind(), f.label(), f.state(),
        f.created(), Optional.of(at), counter, 0, f.lookupKey(), f.sealedSecret(),
        f.attributes()));
    return true;
  }

  @Override
  public synchronized int recordFailure(PracticeId practice, UserId user, FactorId id) {
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    FactorRecord f = m == null ? null : m.get(id);
    if (f == null) {
      return 0;
    }
    int failures = f.failures() + 1;
    m.put(id, new FactorRecord(f.id(), f.practice(), f.user(), f.kind(), f.label(), f.state(),
        f.created(), f.lastUsed(), f.counter(), failures, f.lookupKey(), f.sealedSecret(),
        f.attributes()));
    return failures;
  }

  @Override
  public synchronized boolean update(PracticeId practice, UserId user, FactorId id, String label,
      Map<String, String> attributes) {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(attributes, "attributes");
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    FactorRecord f = m == null ? null : m.get(id);
    if (f == null) {
      return false;
    }
    m.put(id, f.withLabel(label).withAttributes(attributes));
    return true;
  }

  @Override
  public synchronized boolean delete(PracticeId practice, UserId user, FactorId id) {
    Map<FactorId, FactorRecord> m = byOwner.get(new InMemoryOwner(practice, user));
    return m != null && m.remove(id) != null;
  }

  @Override
  public synchronized int deleteAll(PracticeId practice, UserId user) {
    Map<FactorId, FactorRecord> m = byOwner.remove(new InMemoryOwner(practice, user));
    return m == null ? 0 : m.size();
  }
}
