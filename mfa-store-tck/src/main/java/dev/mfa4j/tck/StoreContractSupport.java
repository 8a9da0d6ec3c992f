package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.MfaStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract test class shares: a fresh store per test, unique ids, fixed instants and a
 * helper to race threads.
 *
 * <p><b>Precision.</b> Stores must keep instants to at least the microsecond; the contract tests
 * use microsecond-precision instants only (a store may truncate finer digits).
 *
 * <p><b>Isolation.</b> Every test uses practice and user ids unique to it, so a store that is not
 * emptied between tests still passes; {@link #newStore()} may return the same store each time.
 */
public abstract class StoreContractSupport {
  /** Threads in every race. */
  protected static final int THREADS = 32;
  /** An instant with microseconds, as stores keep them. */
  protected static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The store under test, fresh for each test. */
  protected MfaStore store;
  /** A practice id unique to this test. */
  protected PracticeId practice;
  /** A user id unique to this test. */
  protected UserId alice;
  /** Another user of the same practice. */
  protected UserId bob;
  /** A practice id unique to this test, other than {@link #practice}. */
  protected PracticeId otherPractice;

  /** A fresh store, or an emptied one; called before each test. */
  protected abstract MfaStore newStore();

  /** Sets up the store and the ids. */
  @BeforeEach
  void setUpStoreAndIds() {
    store = newStore();
    String run = unique();
    practice = PracticeId.of("p-" + run);
    otherPractice = PracticeId.of("q-" + run);
    alice = UserId.of("alice-" + run);
    bob = UserId.of("bob-" + run);
  }

  /**
   * Chains {@code events} after their practices' heads, locking them ({@link
   * dev.mfa4j.spi.AuditStore#head}): what the engine does before appending or settling. Call inside
   * a unit of work.
   */
  protected static List<dev.mfa4j.spi.AuditEntry> chained(MfaStore s,
      List<dev.mfa4j.spi.AuditEvent> events) {
    java.util.Map<PracticeId, long[]> seqs = new java.util.HashMap<>();
    java.util.Map<PracticeId, String> prevs = new java.util.HashMap<>();
    List<dev.mfa4j.spi.AuditEntry> out = new ArrayList<>();
    for (dev.mfa4j.spi.AuditEvent e : events) {
      if (!seqs.containsKey(e.practice())) {
        dev.mfa4j.spi.AuditHead h = s.audit().head(e.practice());
        seqs.put(e.practice(), new long[] {h.seq()});
        prevs.put(e.practice(), h.digest());
      }
      dev.mfa4j.spi.AuditEntry entry = dev.mfa4j.spi.AuditEntry.chain(
          ++seqs.get(e.practice())[0], prevs.get(e.practice()), e);
      prevs.put(e.practice(), entry.digest());
      out.add(entry);
    }
    return out;
  }

  /** Appends one event at the end of its practice's chain, as its own unit of work. */
  protected static void append(MfaStore s, dev.mfa4j.spi.AuditEvent event) {
    s.atomically(() -> {
      s.audit().append(chained(s, List.of(event)));
      return null;
    });
  }

  /** A random base64url-ish id of 16 characters. */
  protected static String unique() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** {@code n} random bytes. */
  protected static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** A fresh 32-byte hash (as challenge ids and device tokens are keyed). */
  protected static byte[] hash32() {
    return randomBytes(32);
  }

  /** SHA-256 of a string. */
  protected static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code t} truncated to microseconds. */
  protected static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }

  /** A new active TOTP factor of {@code user} with counter 0 and no lookup key. */
  protected FactorRecord factor(PracticeId p, UserId user) {
    return new FactorRecord(FactorId.of(unique()), p, user, FactorKind.TOTP, "Phone app",
        FactorState.ACTIVE, T0, Optional.empty(), 0, 0, Optional.empty(), randomBytes(40),
        Map.of());
  }

  /**
   * Runs {@code task} on {@code threads} threads released at once and returns every result. Any
   * exception thrown by a task fails the calling test.
   */
  protected static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      ready.await();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** How many of {@code results} are {@code true}. */
  protected static long wins(List<Boolean> results) {
    return results.stream().filter(Boolean::booleanValue).count();
  }

  /** Asserts that two byte arrays are equal, without printing them. */
  protected static void assertSameBytes(byte[] actual, byte[] expected) {
    assertThat(MessageDigest.isEqual(actual, expected)).as("byte arrays are equal").isTrue();
  }
}
