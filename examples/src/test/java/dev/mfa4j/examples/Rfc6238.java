package dev.mfa4j.examples;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test's own authenticator app: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) computed from the key
 * the page shows, independently of mfa4j's code (and of any Base32 library: RFC 4648 §6 below).
 */
final class Rfc6238 {
  private Rfc6238() {}

  static String code(String shownKey, Instant at) {
    byte[] key = base32(shownKey.replace(" ", "").toUpperCase(Locale.ROOT));
    long step = at.getEpochSecond() / 30;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int o = h[h.length - 1] & 0x0f;
      int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8)
          | (h[o + 3] & 0xff);
      return String.format("%06d", bin % 1_000_000);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 4648 Base32 without padding, as the page shows keys. */
  static byte[] base32(String text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    byte[] out = new byte[text.length() * 5 / 8];
    long buffer = 0;
    int bits = 0;
    int n = 0;
    for (char c : text.replace("=", "").toCharArray()) {
      int v = alphabet.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("not Base32: " + c);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }
}
