package dev.mfa4j.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs tasks released at once behind one barrier, for the race tests. */
final class Races {
  private Races() {}

  /**
   * Starts every task on {@code threads} (which must have a thread per task), releases them
   * together once all are waiting, and returns their results in order.
   */
  static <T> List<T> race(ExecutorService threads, List<Callable<T>> tasks) throws Exception {
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> t : tasks) {
      futures.add(threads.submit(() -> {
        ready.countDown();
        go.await();
        return t.call();
      }));
    }
    ready.await();
    go.countDown();
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get(120, TimeUnit.SECONDS));
    }
    return out;
  }
}
