package dev.mfa4j.passwords;

import dev.mfa4j.InvalidInputException;
import dev.mfa4j.Password;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a typed password becomes the text that is checked and hashed: Unicode NFKC (NIST SP
 * 800-63B-4 §3.1.1.2 allows NFKC or NFKD), never truncated, counted in code points, encoded as
 * UTF-8. Package-private.
 */
final class PasswordText {
  private PasswordText() {}

  /** The NFKC form of the password. */
  static String normalized(Password password) {
    char[] chars = password.chars();
    try {
      return Normalizer.normalize(CharBuffer.wrap(chars), Normalizer.Form.NFKC);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** NFKC, then lower case: the form in which words are compared. */
  static String nfkcLower(String s) {
    return lower(Normalizer.normalize(s, Normalizer.Form.NFKC));
  }

  /** Lower case for comparisons (locale-independent). */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Whether every surrogate is paired (the text is encodable as UTF-8 without replacement). */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The UTF-8 bytes of {@code s}, all of them. The caller clears the array when done.
   *
   * @throws InvalidInputException if {@code s} has an unpaired surrogate (it would otherwise be
   *     replaced by {@code ?} and collide with other passwords)
   */
  static byte[] utf8(String s) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer buffer = encoder.encode(CharBuffer.wrap(s));
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      if (buffer.hasArray()) {
        Arrays.fill(buffer.array(), (byte) 0);
      }
      return out;
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("the password is not well-formed Unicode");
    }
  }
}
