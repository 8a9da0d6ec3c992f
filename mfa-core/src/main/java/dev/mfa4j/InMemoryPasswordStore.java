package dev.mfa4j;

import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in password credentials of an {@link InMemoryMfaStore}, per owner. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryPasswordStore implements PasswordStore {
  private final Map<InMemoryOwner, PasswordRecord> byOwner = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<InMemoryOwner, PasswordRecord> copy = new HashMap<>(byOwner);
    return () -> {
      byOwner.clear();
      byOwner.putAll(copy);
    };
  }

  @Override
  public synchronized Optional<PasswordRecord> find(PracticeId practice, UserId user) {
    return Optional.ofNullable(byOwner.get(new InMemoryOwner(practice, user)));
  }

  @Override
  public synchronized void put(PasswordRecord password) {
    Objects.requireNonNull(password, "password");
    byOwner.put(new InMemoryOwner(password.practice(), password.user()), password);
  }

  @Override
  public synchronized boolean replace(PracticeId practice, UserId user, String expectedHash,
      PasswordRecord next) {
    Objects.requireNonNull(expectedHash, "expectedHash");
    Objects.requireNonNull(next, "next");
    InMemoryOwner o = new InMemoryOwner(practice, user);
    PasswordRecord cur = byOwner.get(o);
    if (cur == null || !cur.hash().equals(expectedHash)
        || !new InMemoryOwner(next.practice(), next.user()).equals(o)) {
      return false;
    }
    byOwner.put(o, next);
    return true;
  }

  @Override
  public synchronized boolean recordFailure(PracticeId practice, UserId user,
      int expectedFailures, Optional<Instant> nextCheck) {
    Objects.requireNonNull(nextCheck, "nextCheck");
    InMemoryOwner o = new InMemoryOwner(practice, user);
    PasswordRecord cur = byOwner.get(o);
    if (cur == null || cur.failures() != expectedFailures) {
      return false;
    }
    byOwner.put(o, new PasswordRecord(cur.practice(), cur.user(), cur.hash(), cur.changed(),
        cur.temporary(), cur.expires(), cur.length(), expectedFailures + 1, nextCheck));
    return true;
  }

  @Override
  public synchronized void clearFailures(PracticeId practice, UserId user) {
    InMemoryOwner o = new InMemoryOwner(practice, user);
    PasswordRecord cur = byOwner.get(o);
    if (cur != null) {
      byOwner.put(o, new PasswordRecord(cur.practice(), cur.user(), cur.hash(), cur.changed(),
          cur.temporary(), cur.expires(), cur.length(), 0, Optional.empty()));
    }
  }
}
