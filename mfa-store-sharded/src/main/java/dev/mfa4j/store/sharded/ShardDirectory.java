package dev.mfa4j.store.sharded;

import dev.mfa4j.PracticeId;
import dev.mfa4j.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Which shard holds each practice: an explicit table of practice to shard name, and a default for
 * practices not in the table. A table rather than a hash, so that one practice can move without
 * moving others ({@link PracticeMove}). Thread-safe.
 *
 * <p>A practice can be <em>frozen</em> while it moves: every operation on it is then refused with
 * a {@link StoreException} (the engine fails closed for that practice only), and {@link
 * #freeze} returns only once the operations and units of work that had already begun on it, in
 * every store that shares this directory, have ended.
 *
 * <p>Several {@link ShardedMfaStore}s in one JVM may share a directory. App nodes in different
 * JVMs each hold their own: keep their tables equal (configuration), and freeze a practice on
 * every node before moving it (see {@code docs/sharding.md}).
 */
public final class ShardDirectory {
  private final Function<PracticeId, String> fallback;
  private final Map<PracticeId, String> table = new ConcurrentHashMap<>();
  private final Map<PracticeId, Boolean> frozen = new ConcurrentHashMap<>();
  private final Map<PracticeId, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  private ShardDirectory(Function<PracticeId, String> fallback) {
    this.fallback = fallback;
  }

  /**
   * A directory whose practices are on {@code defaultShard} until assigned elsewhere.
   *
   * @param defaultShard the shard of every practice not assigned elsewhere
   * @return the directory
   */
  public static ShardDirectory withDefault(String defaultShard) {
    Objects.requireNonNull(defaultShard, "defaultShard");
    return new ShardDirectory(p -> defaultShard);
  }

  /**
   * A directory whose unassigned practices are placed by {@code fallback} (for example, a hash
   * over a fixed list of shards while every practice is new). The function must be stable: a
   * practice placed by it must be assigned explicitly before the function changes.
   *
   * @param fallback the shard of each unassigned practice
   * @return the directory
   */
  public static ShardDirectory withFallback(Function<PracticeId, String> fallback) {
    return new ShardDirectory(Objects.requireNonNull(fallback, "fallback"));
  }

  /**
   * Puts {@code practice} on {@code shard} (an entry of the table; replaces an earlier one).
   *
   * @param practice the practice
   * @param shard the name of its shard
   * @return this directory
   */
  public ShardDirectory assign(PracticeId practice, String shard) {
    table.put(Objects.requireNonNull(practice, "practice"), Objects.requireNonNull(shard, "shard"));
    return this;
  }

  /**
   * The name of the shard that holds {@code practice}.
   *
   * @param practice the practice
   * @return the shard's name
   */
  public String shardOf(PracticeId practice) {
    String s = table.get(Objects.requireNonNull(practice, "practice"));
    return s != null ? s : Objects.requireNonNull(fallback.apply(practice), "fallback shard");
  }

  /** {@return the explicit table, as it is now} */
  public Map<PracticeId, String> assignments() {
    return Map.copyOf(table);
  }

  /**
   * Refuses every new operation on {@code practice} and waits until those already begun have
   * ended.
   *
   * @param practice the practice
   * @param timeout how long to wait for operations already begun
   * @throws StoreException if they have not ended within {@code timeout} (the practice stays
   *     frozen; call {@link #thaw} to give up)
   */
  public void freeze(PracticeId practice, Duration timeout) {
    Objects.requireNonNull(practice, "practice");
    frozen.put(practice, Boolean.TRUE);
    long deadline = System.nanoTime() + timeout.toNanos();
    AtomicInteger n = inFlight.computeIfAbsent(practice, p -> new AtomicInteger());
    synchronized (n) {
      while (n.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new StoreException("operations on the practice did not end in time");
        }
        try {
          n.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while freezing a practice", e);
        }
      }
    }
  }

  /**
   * Lets operations on {@code practice} run again.
   *
   * @param practice the practice
   */
  public void thaw(PracticeId practice) {
    frozen.remove(Objects.requireNonNull(practice, "practice"));
  }

  /**
   * Whether {@code practice} is frozen.
   *
   * @param practice the practice
   * @return whether it is frozen
   */
  public boolean isFrozen(PracticeId practice) {
    return frozen.containsKey(practice);
  }

  /** Counts an operation on {@code practice} as begun, unless the practice is frozen. */
  void enter(PracticeId practice) {
    AtomicInteger n = inFlight.computeIfAbsent(practice, p -> new AtomicInteger());
    n.incrementAndGet();
    if (frozen.containsKey(practice)) {
      exit(practice);
      throw new StoreException("the practice is being moved between shards; try again later");
    }
  }

  /** Counts an operation on {@code practice} as ended. */
  void exit(PracticeId practice) {
    AtomicInteger n = inFlight.get(practice);
    if (n.decrementAndGet() == 0 && frozen.containsKey(practice)) {
      synchronized (n) {
        n.notifyAll();
      }
    }
  }
}
