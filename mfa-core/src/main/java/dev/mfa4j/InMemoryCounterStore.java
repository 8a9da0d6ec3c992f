package dev.mfa4j;

import dev.mfa4j.spi.CounterStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The throttle counters of an {@link InMemoryMfaStore}: one fixed window per key. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryCounterStore implements CounterStore {
  private record Window(long count, Instant end) {}

  private final Map<String, Window> byKey = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<String, Window> copy = new HashMap<>(byKey);
    return () -> {
      byKey.clear();
      byKey.putAll(copy);
    };
  }

  @Override
  public synchronized long increment(String key, Instant now, Instant windowEnd) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(windowEnd, "windowEnd");
    Window w = byKey.get(key);
    Window next = (w == null || !w.end().isAfter(now))
        ? new Window(1, windowEnd)
        : new Window(w.count() + 1, w.end());
    byKey.put(key, next);
    return next.count();
  }

  @Override
  public synchronized long get(String key, Instant now) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(now, "now");
    Window w = byKey.get(key);
    return (w == null || !w.end().isAfter(now)) ? 0 : w.count();
  }

  @Override
  public synchronized int purgeExpired(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    InMemoryMfaStore.checkPurgeLimit(limit);
    List<String> ended = byKey.entrySet().stream()
        .filter(e -> e.getValue().end().isBefore(before))
        .sorted(Map.Entry.comparingByValue(Comparator.comparing(Window::end)))
        .limit(limit)
        .map(Map.Entry::getKey)
        .toList();
    ended.forEach(byKey::remove);
    return ended.size();
  }
}
