package dev.mfa4j.totp;

import dev.mfa4j.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.codec.CodecPolicy;
import org.apache.commons.codec.binary.Base32;

/**
 * A shared TOTP secret (RFC 4226 §4 R6: at least 128 bits; 160 by default) and its Base32 forms
 * (RFC 4648 §6). Secret-bearing: no {@code equals}, a redacted {@code toString}, and the bytes only
 * through {@link #reveal()}.
 */
public final class TotpSecret {
  /** Shortest secret accepted: 16 bytes (128 bits, RFC 4226 §4 R6). */
  public static final int MIN_BYTES = 16;
  /** Longest secret accepted: 128 bytes. */
  public static final int MAX_BYTES = 128;

  /** Thread-safe (commons-codec keeps per-call state in a context); built once, not per call. */
  private static final Base32 STRICT = new Base32(0, null, false, (byte) '=', CodecPolicy.STRICT);
  private static final Base32 ENCODER = new Base32();

  private final byte[] bytes;

  private TotpSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A new random secret of the algorithm's default length (20 bytes for SHA-1, 32 for SHA-256, 64
   * for SHA-512).
   *
   * @param random the random source
   * @param algorithm the HMAC the secret is for
   * @return the secret
   */
  public static TotpSecret generate(SecureRandom random, OtpAlgorithm algorithm) {
    Objects.requireNonNull(algorithm, "algorithm");
    return generate(random, algorithm.defaultKeyBytes());
  }

  /**
   * A new random secret.
   *
   * @param random the random source
   * @param length bytes, {@link #MIN_BYTES} to {@link #MAX_BYTES}
   * @return the secret
   */
  public static TotpSecret generate(SecureRandom random, int length) {
    Objects.requireNonNull(random, "random");
    checkLength(length);
    byte[] b = new byte[length];
    random.nextBytes(b);
    return new TotpSecret(b);
  }

  /**
   * A secret from its bytes (copied).
   *
   * @param bytes the secret; copied
   * @return the secret
   * @throws IllegalArgumentException if shorter than {@link #MIN_BYTES} or longer than {@link
   *     #MAX_BYTES}
   */
  public static TotpSecret of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    checkLength(bytes.length);
    return new TotpSecret(bytes.clone());
  }

  /**
   * A secret typed or pasted by a person: spaces and hyphens are ignored, lowercase is accepted,
   * padding may be missing.
   *
   * @param text Base32, in any case, with or without spaces and padding
   * @return the secret
   * @throws InvalidInputException if it is not Base32, or decodes to fewer than {@link #MIN_BYTES}
   *     or more than {@link #MAX_BYTES}; the message does not repeat the input
   */
  public static TotpSecret fromBase32(CharSequence text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > 4 * MAX_BYTES) {
      throw new InvalidInputException("secret is too long");
    }
    StringBuilder clean = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '-') {
        continue;
      }
      if (c >= 'a' && c <= 'z') {
        c = (char) (c - 'a' + 'A');
      }
      clean.append(c);
    }
    byte[] decoded = decodeStrict(clean);
    if (decoded.length < MIN_BYTES || decoded.length > MAX_BYTES) {
      Arrays.fill(decoded, (byte) 0);
      throw new InvalidInputException("secret must be 16 to 128 bytes");
    }
    return new TotpSecret(decoded);
  }

  /**
   * Decodes uppercase Base32 with optional trailing padding, rejecting other characters, lengths
   * no encoder produces and non-zero trailing bits.
   */
  static byte[] decodeStrict(CharSequence upper) {
    int end = upper.length();
    int pad = 0;
    while (end > 0 && upper.charAt(end - 1) == '=') {
      end--;
      pad++;
    }
    if (end == 0) {
      throw new InvalidInputException("secret is empty");
    }
    for (int i = 0; i < end; i++) {
      char c = upper.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
        throw new InvalidInputException("secret is not Base32 (A-Z, 2-7)");
      }
    }
    int rem = end % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new InvalidInputException("secret has an impossible Base32 length");
    }
    if (pad != 0 && (end + pad) % 8 != 0) {
      throw new InvalidInputException("secret has wrong Base32 padding");
    }
    String body = upper.subSequence(0, end).toString();
    try {
      return STRICT.decode(body.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("secret has non-zero trailing Base32 bits");
    }
  }

  private static void checkLength(int length) {
    if (length < MIN_BYTES || length > MAX_BYTES) {
      throw new IllegalArgumentException("secret must be 16 to 128 bytes");
    }
  }

  /** {@return a copy of the secret's bytes} */
  public byte[] reveal() {
    return bytes.clone();
  }

  /** {@return length in bytes} */
  public int length() {
    return bytes.length;
  }

  /** {@return uppercase Base32 without padding, as written into {@code otpauth://} URIs} */
  public String base32() {
    String s = ENCODER.encodeAsString(bytes);
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * The Base32 form in groups of four separated by spaces ({@code "JBSW Y3DP EHPK 3PXP"}), for a
   * person to type into an app. {@link #fromBase32} reads it back.
   *
   * @return the grouped Base32 text
   */
  public String grouped() {
    String s = base32();
    StringBuilder b = new StringBuilder(s.length() + s.length() / 4);
    for (int i = 0; i < s.length(); i++) {
      if (i > 0 && i % 4 == 0) {
        b.append(' ');
      }
      b.append(s.charAt(i));
    }
    return b.toString();
  }

  /** Redacted. */
  @Override
  public String toString() {
    return "TotpSecret[" + bytes.length + " bytes, redacted]";
  }
}
