package dev.mfa4j.examples;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * The test's own authenticator app: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) computed from the key
 * the page shows, independently of mfa4j's code.
 */
final class Rfc6238 {
  private Rfc6238() {}

  static String code(String shownKey, Instant at) {
    byte[] key = new Base32().decode(shownKey.replace(" ", "").toUpperCase(Locale.ROOT));
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
}
