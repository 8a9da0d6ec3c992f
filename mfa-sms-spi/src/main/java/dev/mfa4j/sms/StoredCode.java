package dev.mfa4j.sms;

import dev.mfa4j.Answer;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.VerificationOutcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The code of a ceremony as stored in its state under {@link #STATE_KEY}: issue number, expiry,
 * length and a keyed hash of the digits ({@code v1;sequence;expiresMillis;length;hash}, or {@code
 * spent;…} once accepted). The digits themselves are never stored. Immutable.
 */
final class StoredCode {
  /** The ceremony state key of the current code. */
  static final String STATE_KEY = "phone.code";
  private static final String MAC_CODE = "mfa4j.phone.code";

  final boolean spent;
  final long sequence;
  final Instant expires;
  final int length;
  private final byte[] hash;

  private StoredCode(boolean spent, long sequence, Instant expires, int length, byte[] hash) {
    this.spent = spent;
    this.sequence = sequence;
    this.expires = expires;
    this.length = length;
    this.hash = hash;
  }

  /** A new code for {@code factor}: {@code code}'s keyed hash under its issue number. */
  static StoredCode issue(FactorContext ctx, FactorRecord factor, long sequence, Instant expires,
      String code) {
    return new StoredCode(false, sequence, expires, code.length(),
        hash(ctx, factor, sequence, code));
  }

  /** The ceremony's current code, if one was sent. */
  static Optional<StoredCode> current(FactorContext ctx) {
    return ctx.state(STATE_KEY).map(StoredCode::parse);
  }

  /** Stores this code as the ceremony's current one (replacing the previous). */
  void store(FactorContext ctx) {
    ctx.putState(STATE_KEY, format());
  }

  /** {@code length} random decimal digits from the engine's random source. */
  static String randomDigits(FactorContext ctx, int length) {
    char[] digits = new char[length];
    for (int i = 0; i < length; i++) {
      digits[i] = (char) ('0' + ctx.random().nextInt(10));
    }
    return new String(digits);
  }

  /** The outcome of checking an answer, and the code's issue number when accepted. */
  record Checked(VerificationOutcome outcome, long sequence) {}

  /**
   * Checks {@code answer} against the ceremony's code: {@code NOT_PROMPTED} if none was sent,
   * {@code MALFORMED} unless exactly the code's number of ASCII digits, {@code REPLAYED} once
   * spent, {@code EXPIRED} from the end of its lifetime, {@code INVALID} if wrong. An accepted
   * code is marked spent in the ceremony. Compared in constant time, also when spent or expired.
   */
  static Checked check(FactorContext ctx, FactorRecord factor, Answer answer) {
    if (!(answer instanceof Answer.Code code) || !code.factor().equals(factor.id())) {
      return new Checked(VerificationOutcome.MALFORMED, 0);
    }
    Optional<StoredCode> state = current(ctx);
    if (state.isEmpty()) {
      return new Checked(VerificationOutcome.NOT_PROMPTED, 0);
    }
    StoredCode s = state.get();
    String typed = code.reveal();
    if (!isDigits(typed, s.length)) {
      return new Checked(VerificationOutcome.MALFORMED, 0);
    }
    if (s.spent) {
      // Compared anyway, so that a spent code and a wrong one cost the same.
      MessageDigest.isEqual(s.hash, hash(ctx, factor, s.sequence, typed));
      return new Checked(VerificationOutcome.REPLAYED, 0);
    }
    boolean match = MessageDigest.isEqual(s.hash, hash(ctx, factor, s.sequence, typed));
    if (!ctx.clock().instant().isBefore(s.expires)) {
      return new Checked(VerificationOutcome.EXPIRED, 0);
    }
    if (!match) {
      return new Checked(VerificationOutcome.INVALID, 0);
    }
    new StoredCode(true, s.sequence, s.expires, s.length, s.hash).store(ctx);
    return new Checked(VerificationOutcome.ACCEPTED, s.sequence);
  }

  private static byte[] hash(FactorContext ctx, FactorRecord factor, long sequence, String code) {
    return ctx.mac(MAC_CODE, (factor.practice().value() + "\0" + factor.user().value() + "\0"
        + factor.id().value() + "\0" + sequence + "\0" + code).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isDigits(String typed, int length) {
    if (typed.length() != length) {
      return false;
    }
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  String format() {
    return (spent ? "spent" : "v1") + ";" + sequence + ";" + expires.toEpochMilli() + ";"
        + length + ";" + Tokens.base64Url(hash);
  }

  static StoredCode parse(String value) {
    String[] p = value.split(";");
    if (p.length != 5 || !(p[0].equals("v1") || p[0].equals("spent"))) {
      throw new IllegalStateException("corrupt phone factor state");
    }
    try {
      return new StoredCode(p[0].equals("spent"), Long.parseLong(p[1]),
          Instant.ofEpochMilli(Long.parseLong(p[2])), Integer.parseInt(p[3]),
          Base64.getUrlDecoder().decode(p[4]));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("corrupt phone factor state");
    }
  }

  @Override
  public String toString() {
    return "StoredCode[redacted]";
  }
}
