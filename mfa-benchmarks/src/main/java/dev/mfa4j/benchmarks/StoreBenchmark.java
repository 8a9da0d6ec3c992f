package dev.mfa4j.benchmarks;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.BackupCodes;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.OtpAuthUri;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Second-factor answers through the engine on embedded PostgreSQL — a TOTP code and a backup
 * code — beside a raw-JDBC baseline doing only the minimal conditional {@code UPDATE … SET
 * consumed = ? WHERE id_hash = ? AND consumed IS NULL AND expires > ?}, in the same run, with the
 * same pool and thread count.
 *
 * <p>Each thread has its own user with a real TOTP factor (mfa-totp) and its own clock, moved one
 * period before every answer so that every code is fresh. Only the {@code verify} call (or the
 * baseline UPDATE) is timed; issuing the challenge ({@code afterPrimary}) is not, nor is
 * regenerating a user's 10 backup codes once they are spent. The engine caches the practice
 * policy for 5 s (its default). Round trips (statement executions, commits, rollbacks) and pool
 * checkouts ({@code getConnection} calls) are counted by {@link CountingPool} for the timed call
 * only. The backup-code hasher is Argon2id m=64 KiB, t=1, p=1 (far below {@link
 * BackupCodeHasher#owasp()}); its one hash per answer is part of the timed cost.
 *
 * <p>The audit scenarios time one audit row written on its own: {@code audit-plain} as before the
 * hash chain (one INSERT), {@code audit} chained with a practice per thread (the head's lock,
 * the INSERT and the head's update, the commit), {@code audit-one-practice} chained with every
 * thread on one practice (all wait for its head).
 *
 * <p>Run: {@code java -cp mfa-benchmarks/target/benchmarks.jar dev.mfa4j.benchmarks.StoreBenchmark}
 * with optional {@code -Dthreads=16 -Dwarmup=10 -Dseconds=20 -Dscenarios=totp,backup,baseline}
 * (or {@code audit-plain,audit,audit-one-practice}); {@code -Dpractices=per-thread} puts each
 * thread's user in a practice of its own (by default all are in one practice, so their answers
 * also wait for that practice's audit chain head); {@code -Dstore=sharded} runs the engine on a
 * {@code ShardedMfaStore} over three embedded servers (practices per thread).
 */
public final class StoreBenchmark {
  private static final RequestContext REQUEST = RequestContext.of("127.0.0.1", "bench/1.0");
  private static final String PASSWORD = "correct horse battery staple";

  private StoreBenchmark() {}

  /** A clock per thread: the engine reads time on the calling thread. */
  static final class ThreadClock extends Clock {
    private final ThreadLocal<Instant> now =
        ThreadLocal.withInitial(() -> Instant.parse("2026-06-01T00:00:00Z"));

    void advance(Duration d) {
      now.set(now.get().plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** One thread's timed operation; returns whether it did what it should. */
  interface Op {
    boolean run() throws Exception;
  }

  /** Untimed preparation, then the timed operation. */
  interface Worker {
    Op prepare() throws Exception;
  }

  record Result(String name, int threads, long ops, double seconds, long[] latencies, long trips,
      long maxTrips, long checkouts, long maxCheckouts, long failures) {
    double throughput() {
      return ops / seconds;
    }

    /** Throughput if the threads did nothing but the timed call: threads ÷ mean latency. */
    double timedOnlyThroughput() {
      return threads * 1000 / meanMillis();
    }

    double tripsPerOp() {
      return ops == 0 ? Double.NaN : (double) trips / ops;
    }

    double checkoutsPerOp() {
      return ops == 0 ? Double.NaN : (double) checkouts / ops;
    }

    double meanMillis() {
      return latencies.length == 0 ? Double.NaN
          : Arrays.stream(latencies).average().orElse(Double.NaN) / 1e6;
    }

    double percentileMillis(double p) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1);
      return latencies[Math.max(i, 0)] / 1e6;
    }
  }

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int threads = Integer.getInteger("threads", 16);
    int warmup = Integer.getInteger("warmup", 10);
    int seconds = Integer.getInteger("seconds", 20);
    List<String> scenarios = Arrays.stream(System.getProperty("scenarios", "totp,backup,baseline")
        .split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    for (String name : scenarios) {
      if (!List.of("totp", "backup", "baseline", "audit-plain", "audit", "audit-one-practice")
          .contains(name)) {
        throw new IllegalArgumentException("unknown scenario " + name
            + " (known: totp, backup, baseline, audit-plain, audit, audit-one-practice)");
      }
    }
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100")
        .start();
        CountingPool pool = new CountingPool(pg.getPostgresDatabase(), threads + 4)) {
      JdbcMfaStore store = JdbcMfaStore.builder(pool).tablePrefix("bench_").build();
      store.migrate();
      // -Dstore=sharded: the engine's store is a ShardedMfaStore over this server and two more,
      // each thread's user in a practice of its own, spread over the three shards
      boolean sharded = "sharded".equals(System.getProperty("store"));
      List<AutoCloseable> extra = new ArrayList<>();
      dev.mfa4j.spi.MfaStore engineStore = store;
      if (sharded) {
        System.setProperty("practices", "per-thread");
        dev.mfa4j.store.sharded.ShardedMfaStore.Builder b = dev.mfa4j.store.sharded
            .ShardedMfaStore.builder(dev.mfa4j.store.sharded.ShardDirectory.withFallback(
                p -> "s" + Math.floorMod(p.value().hashCode(), 3)))
            .tablePrefix("bench_").shard("s0", pool);
        for (int s = 1; s < 3; s++) {
          EmbeddedPostgres more = EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "100").start();
          CountingPool morePool = new CountingPool(more.getPostgresDatabase(), threads + 4);
          extra.add(more);
          extra.add(morePool);
          b.shard("s" + s, morePool);
        }
        dev.mfa4j.store.sharded.ShardedMfaStore shardedStore = b.build();
        shardedStore.migrate();
        engineStore = shardedStore;
      }
      ThreadClock clock = new ThreadClock();
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      MfaEngine engine = MfaEngine.builder()
          .store(engineStore)
          .secretProtector(AesGcmSecretProtector.fromKey("bench", key))
          .passwordVerifier((user, password) -> true)
          .factor(TotpFactor.builder().issuer("mfa4j bench").build())
          .clock(clock)
          .defaultPolicy(PracticePolicy.defaults())
          .policyCache(Duration.ofSeconds(5))
          .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
          .build();

      Map<String, Result> results = new LinkedHashMap<>();
      for (String name : scenarios) {
        switch (name) {
          case "totp" -> results.put(name, run("engine verify, TOTP code", threads, warmup,
              seconds, i -> totpWorker(engine, clock, i)));
          case "backup" -> results.put(name, run("engine verify, backup code", threads, warmup,
              seconds, i -> backupCodeWorker(engine, clock, i)));
          case "audit-plain" -> results.put(name, run("audit row, plain INSERT (before the chain)",
              threads, warmup, seconds, i -> plainAuditWorker(pool, i)));
          case "audit" -> results.put(name, run("audit row, chained, a practice per thread",
              threads, warmup, seconds, i -> chainedAuditWorker(store, "bench-p" + i)));
          case "audit-one-practice" -> results.put(name, run(
              "audit row, chained, all threads one practice", threads, warmup, seconds,
              i -> chainedAuditWorker(store, "bench-shared")));
          default -> results.put(name, run("raw JDBC conditional UPDATE (baseline)", threads,
              warmup, seconds, i -> baselineWorker(store, pool)));
        }
      }
      double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

      for (AutoCloseable c : extra) {
        c.close();
      }
      System.out.printf("%n%d threads, %d s warm-up, %d s measured per scenario, %s"
          + " PostgreSQL %s, JDK %s, %d CPUs, load average %.2f before / %.2f after%n%n",
          threads, warmup, seconds, sharded ? "engine on 3 shards (ShardedMfaStore), embedded"
              : "embedded", serverVersion(pool), System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
      System.out.println("| scenario | ops/s | vs baseline | mean ms | p50 ms | p99 ms"
          + " | timed-only ops/s | vs baseline | round trips/op (max) | pool checkouts/op (max)"
          + " | failed |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      Result baseline = results.get("baseline");
      for (Result r : results.values()) {
        String ratio = baseline == null ? "—"
            : String.format("%.1f %%", 100 * r.throughput() / baseline.throughput());
        String timedRatio = baseline == null ? "—" : String.format("%.1f %%",
            100 * r.timedOnlyThroughput() / baseline.timedOnlyThroughput());
        System.out.printf("| %s | %.0f | %s | %.2f | %.2f | %.2f | %.0f | %s | %.2f (%d)"
            + " | %.2f (%d) | %d |%n", r.name(), r.throughput(), ratio, r.meanMillis(),
            r.percentileMillis(0.50), r.percentileMillis(0.99), r.timedOnlyThroughput(),
            timedRatio, r.tripsPerOp(), r.maxTrips(), r.checkoutsPerOp(), r.maxCheckouts(),
            r.failures());
      }
      System.out.println();
      System.out.println("ops/s: timed calls completed per second of wall time (the untimed"
          + " preparation of each call runs on the same threads). timed-only ops/s: threads"
          + " ÷ mean latency of the timed call.");
    }
  }

  private static String serverVersion(CountingPool pool) throws Exception {
    try (Connection c = pool.getConnection()) {
      return c.getMetaData().getDatabaseProductVersion();
    }
  }

  /** A new user of thread {@code index} with a confirmed TOTP factor and its first backup codes. */
  record Enrolled(UserRef user, FactorId factor, OtpAuthUri uri, BackupCodes backupCodes) {}

  private static Enrolled enroll(MfaEngine engine, ThreadClock clock, int index) {
    // -Dpractices=per-thread gives each thread's user a practice of its own (its own audit chain)
    String practice = "per-thread".equals(System.getProperty("practices")) ? "bench-" + index
        : "bench";
    UserRef user = UserRef.staff(practice, "user-" + index + "-" + System.nanoTime());
    EnrollmentStart start = engine.account(user).beginEnrollment(dev.mfa4j.FactorKind.TOTP,
        "app", Password.of(PASSWORD), Map.of(), REQUEST);
    OtpAuthUri uri = start.details(TotpEnrollment.class).keyUri();
    FactorId factor = start.factor();
    EnrollmentOutcome out = engine.account(user).confirmEnrollment(start.ceremony(),
        Answer.code(factor, Otp.totp(uri.secret().reveal(), clock.instant(), uri.parameters())),
        REQUEST);
    if (!(out instanceof EnrollmentOutcome.Confirmed confirmed)
        || confirmed.backupCodes().isEmpty()) {
      throw new IllegalStateException("enrollment failed: " + out);
    }
    return new Enrolled(user, factor, uri, confirmed.backupCodes().get());
  }

  /** Issues the challenge of a new sign-in (untimed). */
  private static ChallengeId challenge(MfaEngine engine, UserRef user) {
    LoginStep step = engine.login().afterPrimary(user, REQUEST);
    if (!(step instanceof LoginStep.SecondFactorRequired required)) {
      throw new IllegalStateException("no second step: " + step);
    }
    return required.challenge();
  }

  private static Worker totpWorker(MfaEngine engine, ThreadClock clock, int index) {
    Enrolled e = enroll(engine, clock, index);
    byte[] secret = e.uri().secret().reveal();
    Duration period = Duration.ofSeconds(e.uri().parameters().periodSeconds());
    return () -> {
      clock.advance(period);
      ChallengeId c = challenge(engine, e.user());
      String code = Otp.totp(secret, clock.instant(), e.uri().parameters());
      return () -> engine.login().verify(e.user(), c, Answer.code(e.factor(), code),
          RememberDevice.NO, REQUEST) instanceof LoginStep.Authenticated;
    };
  }

  private static Worker backupCodeWorker(MfaEngine engine, ThreadClock clock, int index) {
    Enrolled e = enroll(engine, clock, index);
    Duration period = Duration.ofSeconds(e.uri().parameters().periodSeconds());
    ArrayDeque<String> codes = new ArrayDeque<>(e.backupCodes().reveal());
    return () -> {
      clock.advance(period);
      if (codes.isEmpty()) {
        // all 10 spent: a new set, untimed
        codes.addAll(engine.account(e.user())
            .regenerateBackupCodes(Password.of(PASSWORD), REQUEST).reveal());
      }
      ChallengeId c = challenge(engine, e.user());
      String code = codes.removeFirst();
      return () -> engine.login().verify(e.user(), c, Answer.backupCode(code),
          RememberDevice.NO, REQUEST) instanceof LoginStep.Authenticated;
    };
  }

  private static Worker baselineWorker(JdbcMfaStore store, CountingPool pool) {
    SecureRandom random = new SecureRandom();
    Instant created = Instant.parse("2026-06-01T00:00:00Z");
    String sql = "UPDATE bench_challenge SET consumed = ? WHERE id_hash = ? AND consumed IS NULL"
        + " AND expires > ?";
    return () -> {
      byte[] id = new byte[32];
      random.nextBytes(id);
      store.challenges().insert(new ChallengeRecord(id, dev.mfa4j.PracticeId.of("bench"),
          dev.mfa4j.UserId.of("baseline"), ChallengePurpose.SIGN_IN, Optional.empty(), created,
          created.plusSeconds(300), 0, 5, Optional.empty()));
      return () -> {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
          Timestamp now = Timestamp.valueOf(LocalDateTime.ofInstant(created.plusSeconds(1),
              ZoneOffset.UTC));
          ps.setTimestamp(1, now);
          ps.setBytes(2, id);
          ps.setTimestamp(3, now);
          return ps.executeUpdate() == 1;
        }
      };
    };
  }

  private static dev.mfa4j.spi.AuditEvent auditEvent(String practice) {
    return new dev.mfa4j.spi.AuditEvent(Long.toHexString(System.nanoTime())
        + Long.toHexString(Thread.currentThread().getId()) + new SecureRandom().nextInt(),
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
        dev.mfa4j.PracticeId.of(practice), Optional.of(dev.mfa4j.UserId.of("alice")),
        Optional.empty(), dev.mfa4j.spi.AuditType.SIGN_IN_SUCCEEDED,
        dev.mfa4j.spi.AuditOutcome.SUCCESS, "192.0.2.1", "Mozilla/5.0 (bench)",
        Map.of("method", "totp"));
  }

  /** Today's audit row before the chain: one INSERT, committed on its own. */
  private static Worker plainAuditWorker(CountingPool pool, int i) {
    String sql = "INSERT INTO bench_audit (id, occurred, practice, subject, actor, type, outcome,"
        + " ip, user_agent, details) VALUES (?,?,?,?,?,?,?,?,?,?)";
    return () -> () -> {
      dev.mfa4j.spi.AuditEvent e = auditEvent("bench-plain" + i);
      try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, e.id());
        ps.setTimestamp(2, Timestamp.valueOf(LocalDateTime.ofInstant(e.at(), ZoneOffset.UTC)));
        ps.setString(3, e.practice().value());
        ps.setString(4, "alice");
        ps.setString(5, null);
        ps.setString(6, e.type().name());
        ps.setString(7, e.outcome().name());
        ps.setString(8, e.ip());
        ps.setString(9, e.userAgent());
        ps.setString(10, "method=totp");
        return ps.executeUpdate() == 1;
      }
    };
  }

  /**
   * A chained audit row as the engine writes one on its own: a unit that locks the practice's
   * head, chains the event after it and appends it (insert and head update), then commits.
   */
  private static Worker chainedAuditWorker(JdbcMfaStore store, String practice) {
    dev.mfa4j.PracticeId p = dev.mfa4j.PracticeId.of(practice);
    return () -> () -> store.atomically(() -> {
      dev.mfa4j.spi.AuditHead h = store.audit().head(p);
      store.audit().append(List.of(dev.mfa4j.spi.AuditEntry.chain(h.seq() + 1, h.digest(),
          auditEvent(practice))));
      return true;
    });
  }

  /** Makes thread {@code i}'s worker (called on that thread). */
  interface WorkerFactory {
    Worker create(int i) throws Exception;
  }

  private static Result run(String name, int threads, int warmupSeconds, int seconds,
      WorkerFactory factory) throws Exception {
    long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
    long end = warmupEnd + seconds * 1_000_000_000L;
    AtomicLong ops = new AtomicLong();
    AtomicLong trips = new AtomicLong();
    AtomicLong maxTrips = new AtomicLong();
    AtomicLong checkouts = new AtomicLong();
    AtomicLong maxCheckouts = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    List<long[]> perThread = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int index = t;
      long[][] holder = {new long[4096]};
      int[] n = {0};
      synchronized (perThread) {
        perThread.add(null);
      }
      Thread thread = new Thread(() -> {
        try {
          Worker worker = factory.create(index);
          while (true) {
            Op op = worker.prepare();
            CountingPool.resetTrips();
            long t0 = System.nanoTime();
            boolean ok = op.run();
            long t1 = System.nanoTime();
            if (t1 >= end) {
              break;
            }
            if (t0 >= warmupEnd) {
              ops.incrementAndGet();
              long tr = CountingPool.trips();
              long co = CountingPool.checkouts();
              trips.addAndGet(tr);
              maxTrips.accumulateAndGet(tr, Math::max);
              checkouts.addAndGet(co);
              maxCheckouts.accumulateAndGet(co, Math::max);
              if (!ok) {
                failures.incrementAndGet();
              }
              if (n[0] == holder[0].length) {
                holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
              }
              holder[0][n[0]++] = t1 - t0;
            }
          }
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        } finally {
          synchronized (perThread) {
            perThread.set(index, Arrays.copyOf(holder[0], n[0]));
          }
          done.countDown();
        }
      }, "bench-" + t);
      thread.start();
    }
    done.await();
    if (!errors.isEmpty()) {
      throw new IllegalStateException(name + " failed", errors.get(0));
    }
    long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    long count = ops.get();
    return new Result(name, threads, count, seconds, all, trips.get(), maxTrips.get(), checkouts.get(),
        maxCheckouts.get(), failures.get());
  }
}
