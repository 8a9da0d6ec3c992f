package dev.mfa4j;

import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.ChallengeStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pending ceremonies of an {@link InMemoryMfaStore} and their provider state, by id hash. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryChallengeStore implements ChallengeStore {
  private static final int MAX_STATE_CHARS = 16 * 1024;

  private final Map<String, ChallengeRecord> byHash = new HashMap<>();
  private final Map<String, Map<String, String>> state = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<String, ChallengeRecord> records = new HashMap<>(byHash);
    Map<String, Map<String, String>> copy = new HashMap<>();
    state.forEach((k, v) -> copy.put(k, new HashMap<>(v)));
    return () -> {
      byHash.clear();
      byHash.putAll(records);
      state.clear();
      state.putAll(copy);
    };
  }

  @Override
  public synchronized void insert(ChallengeRecord challenge) {
    Objects.requireNonNull(challenge, "challenge");
    String k = hex(challenge.idHash());
    if (byHash.containsKey(k)) {
      throw new StoreException("challenge already exists");
    }
    byHash.put(k, challenge);
  }

  @Override
  public synchronized Optional<ChallengeRecord> find(byte[] idHash) {
    return Optional.ofNullable(byHash.get(hex(idHash)));
  }

  @Override
  public synchronized boolean takeAttempt(byte[] idHash, Instant now) {
    Objects.requireNonNull(now, "now");
    String k = hex(idHash);
    ChallengeRecord c = byHash.get(k);
    if (c == null || c.consumed().isPresent() || c.attempts() >= c.maxAttempts()
        || !c.expires().isAfter(now)) {
      return false;
    }
    byHash.put(k, new ChallengeRecord(c.idHash(), c.practice(), c.user(), c.purpose(),
        c.factor(), c.created(), c.expires(), c.attempts() + 1, c.maxAttempts(), c.consumed()));
    return true;
  }

  @Override
  public synchronized boolean consume(byte[] idHash, Instant now) {
    Objects.requireNonNull(now, "now");
    String k = hex(idHash);
    ChallengeRecord c = byHash.get(k);
    if (c == null || c.consumed().isPresent() || !c.expires().isAfter(now)) {
      return false;
    }
    byHash.put(k, new ChallengeRecord(c.idHash(), c.practice(), c.user(), c.purpose(),
        c.factor(), c.created(), c.expires(), c.attempts(), c.maxAttempts(), Optional.of(now)));
    return true;
  }

  @Override
  public synchronized void putState(byte[] idHash, String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (value.length() > MAX_STATE_CHARS) {
      throw new StoreException("challenge state value longer than 16 KiB");
    }
    String k = hex(idHash);
    if (!byHash.containsKey(k)) {
      throw new StoreException("no such challenge");
    }
    state.computeIfAbsent(k, x -> new HashMap<>()).put(key, value);
  }

  @Override
  public synchronized Optional<String> state(byte[] idHash, String key) {
    Objects.requireNonNull(key, "key");
    Map<String, String> m = state.get(hex(idHash));
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(key));
  }

  @Override
  public synchronized int purgeExpired(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    InMemoryMfaStore.checkPurgeLimit(limit);
    List<Map.Entry<String, ChallengeRecord>> expired = byHash.entrySet().stream()
        .filter(e -> e.getValue().expires().isBefore(before))
        .sorted(Comparator.comparing(e -> e.getValue().expires()))
        .limit(limit)
        .toList();
    for (Map.Entry<String, ChallengeRecord> e : expired) {
      state.remove(e.getKey());
    }
    expired.stream().map(Map.Entry::getKey).toList().forEach(byHash::remove);
    return expired.size();
  }

  private static String hex(byte[] b) {
    Objects.requireNonNull(b, "hash");
    return HexFormat.of().formatHex(b);
  }
}
