package dev.mfa4j.spring.boot;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tests' authenticator app: an RFC 6238 code (HMAC-SHA-1, 30-second steps, 6 digits, the
 * dynamic truncation of RFC 4226 §5.3) from the key shown at enrollment, computed here without
 * mfa4j's code.
 */
public final class Totp {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Totp() {}

  /** The code for {@code key} (Base32, spaces allowed) at {@code at}. */
  public static String code(String key, Instant at) {
    byte[] secret = base32(key.replace(" ", "").toUpperCase(Locale.ROOT));
    long counter = Math.floorDiv(at.getEpochSecond(), 30);
    try {
      Mac hmac = Mac.getInstance("HmacSHA1");
      hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
      byte[] h = hmac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
      int offset = h[h.length - 1] & 0xf;
      int binary = ByteBuffer.wrap(h, offset, 4).getInt() & 0x7fffffff;
      return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** RFC 4648 §6 Base32, unpadded. */
  private static byte[] base32(String s) {
    ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (char c : s.replace("=", "").toCharArray()) {
      int v = BASE32.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("not Base32");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >>> (bits - 8)));
        bits -= 8;
      }
    }
    return out.array();
  }
}
