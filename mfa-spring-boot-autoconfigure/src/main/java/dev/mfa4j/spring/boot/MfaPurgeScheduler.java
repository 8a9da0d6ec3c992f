package dev.mfa4j.spring.boot;

import dev.mfa4j.ExpiredDataPurge;
import dev.mfa4j.MfaEngine;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link MfaEngine#purgeExpired()} every {@code mfa4j.purge.interval} (default 1 hour, 0 for
 * never) on one daemon thread of its own, from the application context's start to its stop; no
 * {@code @EnableScheduling} needed. A run that fails is logged and the next one runs as planned.
 * With several nodes on one database each node purges; a purge is idempotent, so that only costs
 * a few queries.
 */
public final class MfaPurgeScheduler implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(MfaPurgeScheduler.class);

  private final MfaEngine mfa;
  private final Duration interval;
  private final AtomicReference<ExpiredDataPurge> last = new AtomicReference<>();
  private final AtomicReference<ExpiredDataPurge> total =
      new AtomicReference<>(new ExpiredDataPurge(0, 0, 0));
  private ScheduledExecutorService executor;

  /**
   * A schedule for {@code mfa}.
   *
   * @param interval the time between runs; zero turns the schedule off
   * @throws IllegalArgumentException if the interval is negative
   */
  public MfaPurgeScheduler(MfaEngine mfa, Duration interval) {
    this.mfa = Objects.requireNonNull(mfa, "mfa");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("mfa4j.purge.interval must not be negative");
    }
  }

  /** The outcome of the last run that succeeded, if any. */
  public Optional<ExpiredDataPurge> lastPurge() {
    return Optional.ofNullable(last.get());
  }

  /** What every run since the start deleted, added up. */
  public ExpiredDataPurge totalPurged() {
    return total.get();
  }

  /** The time between runs; zero if off. */
  public Duration interval() {
    return interval;
  }

  @Override
  public synchronized void start() {
    if (executor != null || interval.isZero()) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mfa4j-purge");
      t.setDaemon(true);
      return t;
    });
    long millis = Math.max(1, interval.toMillis());
    executor.scheduleWithFixedDelay(this::purge, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void purge() {
    try {
      ExpiredDataPurge p = mfa.purgeExpired();
      last.set(p);
      total.accumulateAndGet(p, (a, b) -> new ExpiredDataPurge(a.challenges() + b.challenges(),
          a.counters() + b.counters(), a.devices() + b.devices()));
      LOG.debug("mfa4j purge: {} expired rows deleted", p.total());
    } catch (RuntimeException e) {
      // the store may be down for a moment: the next run tries again
      LOG.warn("mfa4j purge failed; the next run is in {}", interval, e);
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }

  @Override
  public String toString() {
    return "MfaPurgeScheduler[" + interval + "]";
  }
}
