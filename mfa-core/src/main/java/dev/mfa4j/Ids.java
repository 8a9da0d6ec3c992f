package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import java.util.Objects;

/** Validation shared by the identifier types (ids and bearer values). */
final class Ids {
  static final int MAX_LENGTH = 128;

  private Ids() {}

  static String checkId(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new InvalidInputException(what + " must be 1 to " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '@' || c == ':';
      if (!ok) {
        throw new InvalidInputException(what + " may hold only letters, digits and - _ . @ :");
      }
    }
    return value;
  }

  /**
   * A bearer value as mfa4j issues it (256 bits, 43 base64url characters), or a typed error naming
   * {@code what} and never the value.
   */
  static String checkBearer(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.length() != 43 || !Tokens.isBase64Url(value)) {
      throw new InvalidInputException(what + " is malformed");
    }
    return value;
  }

  /**
   * Whether a code point is an invisible format or direction-changing character (Unicode category
   * Cf: zero-width spaces and joiners, bidi embeddings, overrides and isolates, the byte-order
   * mark, invisible operators, tag characters).
   */
  static boolean invisibleOrDirectional(int codePoint) {
    return Character.getType(codePoint) == Character.FORMAT;
  }

  /** The text without its invisible and direction-changing characters. */
  static String stripInvisible(String s) {
    if (s.codePoints().noneMatch(Ids::invisibleOrDirectional)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().filter(c -> !invisibleOrDirectional(c)).forEach(b::appendCodePoint);
    return b.toString();
  }
}
