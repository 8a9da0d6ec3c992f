package dev.mfa4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A companion to {@link TotpVerifyBenchmark} for shared, overloaded machines, where JMH's
 * wall-clock throughput swings with other processes' load. It runs the same benchmark methods on
 * the same inputs, interleaved in rounds (every candidate once per round, in turn), and measures
 * each batch in <em>thread CPU time</em> ({@code ThreadMXBean.getCurrentThreadCpuTime}), which
 * does not advance while the thread waits for a core. It reports the median CPU nanoseconds per
 * operation over the rounds and the bytes allocated per operation. Not a replacement for JMH (no
 * forks, no blackhole beyond a checksum); use it for ratios.
 *
 * <p>Run: {@code java -cp mfa-benchmarks/target/benchmarks.jar
 * dev.mfa4j.benchmarks.TotpCpuTimeComparison [config ...]} (default {@code SHA1-6 SHA1-8 SHA256-6
 * SHA512-6}).
 */
public final class TotpCpuTimeComparison {
  private static final int ROUNDS = 21;
  private static final long BATCH_CPU_NANOS = 20_000_000L;
  private static final long WARMUP_CPU_NANOS = 1_500_000_000L;

  private static volatile boolean sink;

  private TotpCpuTimeComparison() {}

  /**
   * Runs the comparison.
   *
   * @param args configs such as {@code SHA1-6}; all four when empty
   * @throws Exception if setting up a library fails
   */
  public static void main(String[] args) throws Exception {
    String[] configs = args.length > 0 ? args
        : new String[] {"SHA1-6", "SHA1-8", "SHA256-6", "SHA512-6"};
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    System.out.println("# " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
        + " CPUs, rounds=" + ROUNDS + ", batch ~" + BATCH_CPU_NANOS / 1_000_000 + " ms CPU");
    System.out.println("config,candidate,median_cpu_ns_per_op,min_cpu_ns_per_op,"
        + "ops_per_cpu_second,bytes_per_op");
    for (String config : configs) {
      TotpVerifyBenchmark b = new TotpVerifyBenchmark();
      b.config = config;
      b.setUp();
      Map<String, BooleanSupplier> candidates = new LinkedHashMap<>();
      candidates.put("floor_oneHmac", () -> b.floor_oneHmac()[0] == 1);
      candidates.put("mfa4j_hit", b::mfa4j_hit);
      candidates.put("mfa4j_outer", b::mfa4j_outer);
      candidates.put("mfa4j_miss", b::mfa4j_miss);
      candidates.put("mfa4jBase32_hit", b::mfa4jBase32_hit);
      candidates.put("mfa4jBase32_miss", b::mfa4jBase32_miss);
      candidates.put("googleAuth_hit", b::googleAuth_hit);
      candidates.put("googleAuth_outer", b::googleAuth_outer);
      candidates.put("googleAuth_miss", b::googleAuth_miss);
      candidates.put("javaTotp_hit", b::javaTotp_hit);
      candidates.put("javaTotp_outer", b::javaTotp_outer);
      candidates.put("javaTotp_miss", b::javaTotp_miss);
      candidates.put("otpJava_hit", b::otpJava_hit);
      candidates.put("otpJava_outer", b::otpJava_outer);
      candidates.put("otpJava_miss", b::otpJava_miss);

      List<String> names = new ArrayList<>(candidates.keySet());
      int[] batch = new int[names.size()];
      for (int c = 0; c < names.size(); c++) {
        BooleanSupplier s = candidates.get(names.get(c));
        long start = mx.getCurrentThreadCpuTime();
        long ops = 0;
        while (mx.getCurrentThreadCpuTime() - start < WARMUP_CPU_NANOS / names.size()) {
          run(s, 64);
          ops += 64;
        }
        long perOp = Math.max(1, (mx.getCurrentThreadCpuTime() - start) / ops);
        batch[c] = (int) Math.max(16, Math.min(2_000_000, BATCH_CPU_NANOS / perOp));
      }
      double[][] nanos = new double[names.size()][ROUNDS];
      double[] bytes = new double[names.size()];
      long tid = Thread.currentThread().getId();
      for (int r = 0; r < ROUNDS; r++) {
        for (int c = 0; c < names.size(); c++) {
          BooleanSupplier s = candidates.get(names.get(c));
          long a0 = mx.getThreadAllocatedBytes(tid);
          long t0 = mx.getCurrentThreadCpuTime();
          run(s, batch[c]);
          long t1 = mx.getCurrentThreadCpuTime();
          long a1 = mx.getThreadAllocatedBytes(tid);
          nanos[c][r] = (double) (t1 - t0) / batch[c];
          bytes[c] += (double) (a1 - a0) / batch[c] / ROUNDS;
        }
      }
      for (int c = 0; c < names.size(); c++) {
        double[] sorted = nanos[c].clone();
        Arrays.sort(sorted);
        double median = sorted[ROUNDS / 2];
        System.out.printf(Locale.ROOT, "%s,%s,%.0f,%.0f,%.0f,%.0f%n", config, names.get(c), median,
            sorted[0], 1e9 / median, bytes[c]);
      }
    }
    System.out.println("# checksum " + sink);
  }

  private static void run(BooleanSupplier s, int n) {
    boolean x = false;
    for (int i = 0; i < n; i++) {
      x ^= s.getAsBoolean();
    }
    sink ^= x;
  }
}
