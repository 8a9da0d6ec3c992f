package dev.mfa4j;

import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.DeviceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The remembered devices of an {@link InMemoryMfaStore}, by id. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryDeviceStore implements DeviceStore {
  private final Map<String, DeviceRecord> byId = new LinkedHashMap<>();

  synchronized Runnable snapshot() {
    Map<String, DeviceRecord> copy = new LinkedHashMap<>(byId);
    return () -> {
      byId.clear();
      byId.putAll(copy);
    };
  }

  @Override
  public synchronized void insert(DeviceRecord device) {
    Objects.requireNonNull(device, "device");
    if (byId.containsKey(device.id())) {
      throw new StoreException("device id already exists");
    }
    byId.put(device.id(), device);
  }

  @Override
  public synchronized Optional<DeviceRecord> findByTokenHash(byte[] tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    for (DeviceRecord d : byId.values()) {
      if (java.security.MessageDigest.isEqual(d.tokenHash(), tokenHash)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized boolean touch(String id, Instant lastSeen) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(lastSeen, "lastSeen");
    DeviceRecord d = byId.get(id);
    if (d == null) {
      return false;
    }
    byId.put(id, new DeviceRecord(d.id(), d.practice(), d.user(), d.tokenHash(), d.label(),
        d.ip(), d.created(), d.expires(), lastSeen));
    return true;
  }

  @Override
  public synchronized List<DeviceRecord> list(PracticeId practice, UserId user) {
    InMemoryOwner owner = new InMemoryOwner(practice, user);
    List<DeviceRecord> out = new ArrayList<>();
    for (DeviceRecord d : byId.values()) {
      if (new InMemoryOwner(d.practice(), d.user()).equals(owner)) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparing(DeviceRecord::created).reversed());
    return List.copyOf(out);
  }

  @Override
  public synchronized boolean delete(PracticeId practice, UserId user, String id) {
    Objects.requireNonNull(id, "id");
    DeviceRecord d = byId.get(id);
    if (d == null || !new InMemoryOwner(d.practice(), d.user()).equals(new InMemoryOwner(practice, user))) {
      return false;
    }
    byId.remove(id);
    return true;
  }

  @Override
  public synchronized int deleteAll(PracticeId practice, UserId user) {
    InMemoryOwner owner = new InMemoryOwner(practice, user);
    int n = 0;
    for (Iterator<DeviceRecord> it = byId.values().iterator(); it.hasNext(); ) {
      DeviceRecord d = it.next();
      if (new InMemoryOwner(d.practice(), d.user()).equals(owner)) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized int purgeExpired(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    InMemoryMfaStore.checkPurgeLimit(limit);
    List<String> expired = byId.values().stream()
        .filter(d -> d.expires().isBefore(before))
        .sorted(Comparator.comparing(DeviceRecord::expires))
        .limit(limit)
        .map(DeviceRecord::id)
        .toList();
    expired.forEach(byId::remove);
    return expired.size();
  }
}
