package dev.mfa4j.benchmarks;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.webauthn.PasskeyEnrollment;
import dev.mfa4j.webauthn.PasskeyFactor;
import dev.mfa4j.webauthn.SoftwareAuthenticator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.Security;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full passkey second step through {@link PasskeyFactor#verify}: parse the browser's JSON with
 * the shared mapper, build the per-call credential view and relying party, Yubico's {@code
 * finishAssertion} (ES256 signature, challenge, origin, RP id, flags) and the counter rule, for a
 * synced passkey (counter 0, so the same response verifies every time).
 *
 * <p>{@code es256=jdk}: the JDK's P-256 verifier (the default). {@code es256=bouncycastle}: the
 * factor built with {@code fastEs256Verify(true)}. Each value runs in its own forked JVM, so the
 * provider the opt-in registers never leaks into the JDK measurement.
 *
 * <pre>
 * mvn -B -q -pl mfa-benchmarks -am package -DskipTests
 * java -jar mfa-benchmarks/target/benchmarks.jar PasskeyAssertionBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PasskeyAssertionBenchmark {
  static final String ORIGIN = "https://app.example.com";

  @Param({"jdk", "bouncycastle"})
  public String es256;

  private PasskeyFactor factor;
  private FakeFactorContext ctx;
  /** The prompted request, put back before each verification (which spends it). */
  private Map<String, String> prompted;
  private FactorRecord record;
  private Answer answer;

  /** Registers a software passkey and prepares one signed response. */
  @Setup
  public void setUp() {
    factor = PasskeyFactor.builder()
        .relyingParty("app.example.com", "Benchmark Practice")
        .origins(Set.of(ORIGIN))
        .fastEs256Verify(es256.equals("bouncycastle"))
        .build();
    if (es256.equals("jdk") == (Security.getProvider("mfa4j-p256") != null)) {
      throw new IllegalStateException("provider registration does not match es256=" + es256);
    }
    UserRef user = UserRef.staff("bench", "alice");
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FakeFactorContext enroll = FakeFactorContext.of(user, FactorKind.PASSKEY, Clock.systemUTC());
    FactorRecord pending = enroll.pending("Phone");
    Enrollment e = factor.begin(enroll, pending, Map.of());
    String registration = passkey.register(
        ((PasskeyEnrollment) e.details()).creationOptionsJson(), ORIGIN);
    Verification confirmed = factor.confirm(enroll, e.pending(),
        Answer.response(pending.id(), registration));
    record = confirmed.updated().orElseThrow(() -> new IllegalStateException(
        "registration refused: " + confirmed.details())).withState(FactorState.ACTIVE);
    enroll.store(record);
    ctx = enroll.newCeremony();
    String request = factor.prompt(ctx, record, Map.of()).clientJson().orElseThrow();
    prompted = Map.copyOf(ctx.ceremonyState());
    answer = Answer.response(record.id(), passkey.assertion(request, ORIGIN));
    ctx.ceremonyState().putAll(prompted);
    Verification check = factor.verify(ctx, record, answer);
    if (!check.isAccepted()) {
      throw new IllegalStateException("assertion refused: " + check.details());
    }
  }

  /** One second-step verification, end to end through the provider. */
  @Benchmark
  public Verification finishAssertion(CpuTime cpu) {
    cpu.ops++;
    ctx.ceremonyState().putAll(prompted);
    return factor.verify(ctx, record, answer);
  }

  /**
   * The benchmark thread's CPU time per operation, printed after each iteration ("cpu: … us/op").
   * On a shared, loaded machine wall-clock averages mostly measure waiting for a core; the
   * thread's own CPU time does not.
   */
  @State(Scope.Thread)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    long ops;
    private long start;

    /** Starts counting. */
    @Setup(Level.Iteration)
    public void start() {
      ops = 0;
      start = THREADS.getCurrentThreadCpuTime();
    }

    /** Prints CPU microseconds per operation. */
    @TearDown(Level.Iteration)
    public void stop() {
      long cpu = THREADS.getCurrentThreadCpuTime() - start;
      System.out.printf("cpu: %.1f us/op over %d ops%n", cpu / 1000.0 / Math.max(1, ops), ops);
    }
  }
}
