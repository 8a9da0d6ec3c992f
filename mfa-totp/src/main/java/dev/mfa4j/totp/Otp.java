package dev.mfa4j.totp;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) as pure functions of secret, counter or instant, and
 * parameters. Thread-safe; nothing is cached but one {@link Mac} and a few scratch buffers per
 * thread and algorithm, re-keyed on every call.
 *
 * <p>Codes are strings that keep their leading zeros ({@code "07081804"}); no format strings
 * on the hot path.
 */
public final class Otp {
  private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
      100_000_000};
  /** Widest verification window, in steps either side. */
  public static final int MAX_WINDOW = 10;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private Otp() {}

  /**
   * The HOTP value of RFC 4226 §5.3 for a counter.
   *
   * @param key the shared secret, at least 1 byte
   * @param counter the moving factor C
   * @param algorithm the HMAC
   * @param digits 6 to 8
   * @return the code, left-padded with zeros to {@code digits}
   */
  public static String hotp(byte[] key, long counter, OtpAlgorithm algorithm, int digits) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    checkDigits(digits);
    Scratch s = SCRATCH.get();
    Mac mac = s.keyed(algorithm, key);
    int code = s.truncate(mac, counter, algorithm) % POW10[digits];
    byte[] out = s.code[digits];
    writeDigits(code, out);
    return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * The TOTP value of RFC 6238 §4.2 at an instant.
   *
   * @param key the shared secret
   * @param time the instant whose time step is used
   * @param parameters algorithm, digits and period
   * @return the code, left-padded with zeros to the parameters' digits
   */
  public static String totp(byte[] key, Instant time, TotpParameters parameters) {
    Objects.requireNonNull(parameters, "parameters");
    return hotp(key, parameters.step(time), parameters.algorithm(), parameters.digits());
  }

  /**
   * Checks a typed code against every step of {@code now}'s step ± {@code window}, with no
   * unused-step knowledge (see {@link #verify(byte[], TotpParameters, Instant, int, CharSequence,
   * long)}).
   *
   * @param key the shared secret
   * @param parameters algorithm, digits and period
   * @param now the current instant
   * @param window steps accepted either side of now, 0 to {@link #MAX_WINDOW}
   * @param typed the code the user typed
   * @return the verdict, and the matched step if any
   */
  public static TotpCheck verify(byte[] key, TotpParameters parameters, Instant now, int window,
      CharSequence typed) {
    return verify(key, parameters, now, window, typed, Long.MIN_VALUE);
  }

  /**
   * Checks a typed code (RFC 6238 §5.2). Spaces are removed; what remains must be exactly {@code
   * digits} ASCII digits, or the result is {@link TotpCheck.Status#MALFORMED} before any HMAC is
   * computed. Otherwise every step from T−window to T+window is computed, without stopping at a
   * match, and compared with {@link MessageDigest#isEqual}. A match at or before {@code
   * lastAcceptedStep} is {@link TotpCheck.Status#REPLAYED}; when several steps match, the earliest
   * step after {@code lastAcceptedStep} wins.
   *
   * <p>This function only classifies: single use needs the caller to record the matched step
   * atomically (the factor provider does, through the store's counter).
   *
   * @param key the shared secret
   * @param parameters algorithm, digits and period
   * @param now the current instant
   * @param window steps accepted either side of now, 0 to {@link #MAX_WINDOW}
   * @param typed the code the user typed; spaces are ignored
   * @param lastAcceptedStep the last step accepted for this secret, or {@link Long#MIN_VALUE}
   * @return the verdict, and the matched step if any
   */
  public static TotpCheck verify(byte[] key, TotpParameters parameters, Instant now, int window,
      CharSequence typed, long lastAcceptedStep) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(typed, "typed");
    if (window < 0 || window > MAX_WINDOW) {
      throw new IllegalArgumentException("window must be 0 to " + MAX_WINDOW);
    }
    int digits = parameters.digits();
    Scratch s = SCRATCH.get();
    byte[] given = s.given[digits];
    if (!normalize(typed, given)) {
      return TotpCheck.MALFORMED;
    }
    long current = parameters.step(now);
    OtpAlgorithm algorithm = parameters.algorithm();
    Mac mac = s.keyed(algorithm, key);
    byte[] expected = s.code[digits];
    int modulus = POW10[digits];
    long fresh = Long.MIN_VALUE;
    int freshOffset = 0;
    long replayed = Long.MIN_VALUE;
    int replayedOffset = 0;
    for (int offset = -window; offset <= window; offset++) {
      long step = current + offset;
      writeDigits(s.truncate(mac, step, algorithm) % modulus, expected);
      boolean equal = MessageDigest.isEqual(expected, given);
      if (equal && step > lastAcceptedStep && fresh == Long.MIN_VALUE) {
        fresh = step;
        freshOffset = offset;
      } else if (equal && step <= lastAcceptedStep) {
        replayed = step;
        replayedOffset = offset;
      }
    }
    if (fresh != Long.MIN_VALUE) {
      return new TotpCheck(TotpCheck.Status.MATCHED, fresh, freshOffset);
    }
    if (replayed != Long.MIN_VALUE) {
      return new TotpCheck(TotpCheck.Status.REPLAYED, replayed, replayedOffset);
    }
    return TotpCheck.NO_MATCH;
  }

  /**
   * Copies the ASCII digits of {@code typed}, ignoring spaces, into {@code out}; false unless there
   * are exactly {@code out.length} of them and nothing else.
   */
  static boolean normalize(CharSequence typed, byte[] out) {
    int n = 0;
    boolean ok = true;
    for (int i = 0, len = typed.length(); i < len; i++) {
      char c = typed.charAt(i);
      if (c == ' ') {
        continue;
      }
      if (c < '0' || c > '9' || n == out.length) {
        ok = false;
        break;
      }
      out[n++] = (byte) c;
    }
    return ok && n == out.length;
  }

  private static void writeDigits(int code, byte[] out) {
    for (int i = out.length - 1; i >= 0; i--) {
      out[i] = (byte) ('0' + code % 10);
      code /= 10;
    }
  }

  private static void checkDigits(int digits) {
    if (digits < TotpParameters.MIN_DIGITS || digits > TotpParameters.MAX_DIGITS) {
      throw new IllegalArgumentException("digits must be 6 to 8");
    }
  }

  /** One thread's Macs and buffers. Never escapes its thread. */
  private static final class Scratch {
    private final Mac[] macs = new Mac[OtpAlgorithm.values().length];
    private final byte[] counter = new byte[8];
    private final byte[] hash = new byte[64];
    private final byte[][] code = new byte[TotpParameters.MAX_DIGITS + 1][];
    private final byte[][] given = new byte[TotpParameters.MAX_DIGITS + 1][];

    Scratch() {
      for (int d = 0; d <= TotpParameters.MAX_DIGITS; d++) {
        code[d] = new byte[d];
        given[d] = new byte[d];
      }
    }

    Mac keyed(OtpAlgorithm algorithm, byte[] key) {
      if (key.length == 0) {
        throw new IllegalArgumentException("key is empty");
      }
      Mac mac = macs[algorithm.ordinal()];
      try {
        if (mac == null) {
          mac = Mac.getInstance(algorithm.macName());
          macs[algorithm.ordinal()] = mac;
        }
        mac.init(new SecretKeySpec(key, algorithm.macName()));
        return mac;
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("the JDK lacks " + algorithm.macName(), e);
      }
    }

    /** RFC 4226 §5.3 dynamic truncation of HMAC(key, counter), before the modulus. */
    int truncate(Mac mac, long value, OtpAlgorithm algorithm) {
      byte[] msg = counter;
      for (int i = 7; i >= 0; i--) {
        msg[i] = (byte) value;
        value >>>= 8;
      }
      byte[] h = hash;
      try {
        mac.update(msg);
        mac.doFinal(h, 0);
      } catch (ShortBufferException e) {
        throw new IllegalStateException(e);
      }
      int last = algorithm.macLength() - 1;
      int off = h[last] & 0x0f;
      return ((h[off] & 0x7f) << 24) | ((h[off + 1] & 0xff) << 16) | ((h[off + 2] & 0xff) << 8)
          | (h[off + 3] & 0xff);
    }
  }
}
