package dev.mfa4j.benchmarks;

import com.bastiaanjansen.otp.HMACAlgorithm;
import com.bastiaanjansen.otp.TOTPGenerator;
import com.warrenstrange.googleauth.GoogleAuthenticator;
import com.warrenstrange.googleauth.GoogleAuthenticatorConfig;
import com.warrenstrange.googleauth.HmacHashFunction;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.OtpAlgorithm;
import dev.mfa4j.totp.TotpCheck;
import dev.mfa4j.totp.TotpParameters;
import dev.mfa4j.totp.TotpSecret;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.DefaultCodeVerifier;
import dev.samstevens.totp.code.HashingAlgorithm;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * TOTP verification with a ±1 step window: mfa4j beside GoogleAuth ({@code
 * com.warrenstrange:googleauth}), java-totp ({@code dev.samstevens.totp:totp}) and otp-java
 * ({@code com.github.bastiaanjansen:otp-java}), with one bare {@link Mac#doFinal} as the floor.
 *
 * <p>Each invocation takes the next of 64 precomputed (secret, instant, code) inputs, so the JIT
 * cannot fold them. Outcomes: {@code hit} (the code of the current step), {@code outer} (the code
 * of step T+1: the last one every peer tries) and {@code miss} (a well-formed code of step T+5:
 * every step is tried). Secrets go to each library in its own form: Base32 strings for the peers
 * (which decode on every step), raw bytes for {@code mfa4j_*}; {@code mfa4jBase32_*} adds
 * mfa4j's Base32 decoding to the measurement for a like-for-like comparison. {@link #setUp}
 * checks that every library accepts every hit and outer code and refuses every miss, and fails
 * the run otherwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TotpVerifyBenchmark {
  private static final int N = 64;
  private static final int MASK = N - 1;

  /** Algorithm and digits: {@code SHA1-6}, {@code SHA1-8}, {@code SHA256-6}, {@code SHA512-6}. */
  @Param({"SHA1-6", "SHA1-8", "SHA256-6", "SHA512-6"})
  public String config;

  private TotpParameters parameters;
  private final byte[][] keys = new byte[N][];
  private final String[] base32 = new String[N];
  private final Instant[] now = new Instant[N];
  private final long[] nowMillis = new long[N];
  private final String[] hit = new String[N];
  private final String[] outer = new String[N];
  private final String[] miss = new String[N];
  private final int[] hitInt = new int[N];
  private final int[] outerInt = new int[N];
  private final int[] missInt = new int[N];
  private final byte[][] counters = new byte[N][];

  private GoogleAuthenticator googleAuth;
  private DefaultCodeVerifier javaTotp;
  private long javaTotpNowSeconds;
  private final TOTPGenerator[] otpJava = new TOTPGenerator[N];
  private Mac floorMac;
  private int i;

  /** Builds the inputs and every library's verifier, and checks they agree on every input. */
  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    String[] parts = config.split("-");
    OtpAlgorithm algorithm = OtpAlgorithm.valueOf(parts[0]);
    int digits = Integer.parseInt(parts[1]);
    parameters = TotpParameters.of(algorithm, digits, 30);
    SecureRandom secure = new SecureRandom();
    SplittableRandom random = new SplittableRandom(42);
    for (int k = 0; k < N; k++) {
      TotpSecret secret = TotpSecret.generate(secure, algorithm);
      keys[k] = secret.reveal();
      base32[k] = secret.base32();
      now[k] = Instant.ofEpochSecond(random.nextLong(1_600_000_000L, 1_900_000_000L));
      nowMillis[k] = now[k].toEpochMilli();
      hit[k] = Otp.totp(keys[k], now[k], parameters);
      outer[k] = Otp.totp(keys[k], now[k].plusSeconds(30), parameters);
      miss[k] = Otp.totp(keys[k], now[k].plusSeconds(150), parameters);
      hitInt[k] = Integer.parseInt(hit[k]);
      outerInt[k] = Integer.parseInt(outer[k]);
      missInt[k] = Integer.parseInt(miss[k]);
      long step = parameters.step(now[k]);
      counters[k] = new byte[8];
      for (int b = 7; b >= 0; b--) {
        counters[k][b] = (byte) step;
        step >>>= 8;
      }
    }

    googleAuth = new GoogleAuthenticator(new GoogleAuthenticatorConfig
        .GoogleAuthenticatorConfigBuilder()
        .setCodeDigits(digits)
        .setWindowSize(3)
        .setTimeStepSizeInMillis(30_000)
        .setHmacHashFunction(HmacHashFunction.valueOf("Hmac" + algorithm.name()))
        .build());

    javaTotp = new DefaultCodeVerifier(
        new DefaultCodeGenerator(HashingAlgorithm.valueOf(algorithm.name()), digits),
        () -> javaTotpNowSeconds);
    javaTotp.setTimePeriod(30);
    javaTotp.setAllowedTimePeriodDiscrepancy(1);

    for (int k = 0; k < N; k++) {
      Clock clock = Clock.fixed(now[k], ZoneOffset.UTC);
      byte[] b32 = base32[k].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      otpJava[k] = new TOTPGenerator.Builder(b32)
          .withHOTPGenerator(h -> h.withPasswordLength(digits)
              .withAlgorithm(HMACAlgorithm.valueOf(algorithm.name())))
          .withClock(clock)
          .build();
    }

    floorMac = Mac.getInstance(algorithm.macName());
    floorMac.init(new SecretKeySpec(keys[0], algorithm.macName()));

    for (int k = 0; k < N; k++) {
      i = k;
      check(mfa4j_hit(), true, "mfa4j hit");
      check(mfa4j_outer(), true, "mfa4j outer");
      check(mfa4j_miss(), false, "mfa4j miss");
      check(mfa4jBase32_hit(), true, "mfa4j base32 hit");
      check(mfa4jBase32_miss(), false, "mfa4j base32 miss");
      check(googleAuth_hit(), true, "GoogleAuth hit");
      check(googleAuth_outer(), true, "GoogleAuth outer");
      check(googleAuth_miss(), false, "GoogleAuth miss");
      check(javaTotp_hit(), true, "java-totp hit");
      check(javaTotp_outer(), true, "java-totp outer");
      check(javaTotp_miss(), false, "java-totp miss");
      check(otpJava_hit(), true, "otp-java hit");
      check(otpJava_outer(), true, "otp-java outer");
      check(otpJava_miss(), false, "otp-java miss");
    }
    i = 0;
  }

  private void check(boolean actual, boolean expected, String what) {
    if (actual != expected) {
      // hitInt 0 would be refused by GoogleAuth (it rejects codes <= 0); 64 random inputs never
      // produce one in practice, but say so if they do.
      throw new IllegalStateException(what + " gave " + actual + " for input " + i + " ("
          + config + ")");
    }
  }

  private int next() {
    int k = i;
    i = (k + 1) & MASK;
    return k;
  }

  /** Floor: one HMAC of an 8-byte counter with a pre-keyed JDK {@link Mac}. */
  @Benchmark
  public byte[] floor_oneHmac() {
    return floorMac.doFinal(counters[next()]);
  }

  /** mfa4j, raw key, code of the current step. */
  @Benchmark
  public boolean mfa4j_hit() {
    int k = next();
    return Otp.verify(keys[k], parameters, now[k], 1, hit[k]).status()
        == TotpCheck.Status.MATCHED;
  }

  /** mfa4j, raw key, code of step T+1. */
  @Benchmark
  public boolean mfa4j_outer() {
    int k = next();
    return Otp.verify(keys[k], parameters, now[k], 1, outer[k]).status()
        == TotpCheck.Status.MATCHED;
  }

  /** mfa4j, raw key, wrong code. */
  @Benchmark
  public boolean mfa4j_miss() {
    int k = next();
    return Otp.verify(keys[k], parameters, now[k], 1, miss[k]).status()
        == TotpCheck.Status.MATCHED;
  }

  /** mfa4j, Base32 secret decoded in the measurement, code of the current step. */
  @Benchmark
  public boolean mfa4jBase32_hit() {
    int k = next();
    byte[] key = TotpSecret.fromBase32(base32[k]).reveal();
    return Otp.verify(key, parameters, now[k], 1, hit[k]).status() == TotpCheck.Status.MATCHED;
  }

  /** mfa4j, Base32 secret decoded in the measurement, wrong code. */
  @Benchmark
  public boolean mfa4jBase32_miss() {
    int k = next();
    byte[] key = TotpSecret.fromBase32(base32[k]).reveal();
    return Otp.verify(key, parameters, now[k], 1, miss[k]).status() == TotpCheck.Status.MATCHED;
  }

  /** GoogleAuth 1.5.0 {@code authorize(secret, int, millis)}, window size 3, current step. */
  @Benchmark
  public boolean googleAuth_hit() {
    int k = next();
    return googleAuth.authorize(base32[k], hitInt[k], nowMillis[k]);
  }

  /** GoogleAuth, step T+1. */
  @Benchmark
  public boolean googleAuth_outer() {
    int k = next();
    return googleAuth.authorize(base32[k], outerInt[k], nowMillis[k]);
  }

  /** GoogleAuth, wrong code. */
  @Benchmark
  public boolean googleAuth_miss() {
    int k = next();
    return googleAuth.authorize(base32[k], missInt[k], nowMillis[k]);
  }

  /** java-totp 1.7.1 {@code DefaultCodeVerifier}, discrepancy 1, current step. */
  @Benchmark
  public boolean javaTotp_hit() {
    int k = next();
    javaTotpNowSeconds = now[k].getEpochSecond();
    return javaTotp.isValidCode(base32[k], hit[k]);
  }

  /** java-totp, step T+1. */
  @Benchmark
  public boolean javaTotp_outer() {
    int k = next();
    javaTotpNowSeconds = now[k].getEpochSecond();
    return javaTotp.isValidCode(base32[k], outer[k]);
  }

  /** java-totp, wrong code. */
  @Benchmark
  public boolean javaTotp_miss() {
    int k = next();
    javaTotpNowSeconds = now[k].getEpochSecond();
    return javaTotp.isValidCode(base32[k], miss[k]);
  }

  /** otp-java 2.1.0 {@code TOTPGenerator.verify(code, 1)} (fixed clock per input), current step. */
  @Benchmark
  public boolean otpJava_hit() {
    int k = next();
    return otpJava[k].verify(hit[k], 1);
  }

  /** otp-java, step T+1. */
  @Benchmark
  public boolean otpJava_outer() {
    int k = next();
    return otpJava[k].verify(outer[k], 1);
  }

  /** otp-java, wrong code. */
  @Benchmark
  public boolean otpJava_miss() {
    int k = next();
    return otpJava[k].verify(miss[k], 1);
  }
}
