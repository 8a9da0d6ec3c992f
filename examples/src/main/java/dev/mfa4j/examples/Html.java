package dev.mfa4j.examples;

/** HTML escaping. Every value that did not come from this source file goes through {@link #h}. */
final class Html {
  private Html() {}

  /** Escapes text for an HTML element body or a double-quoted attribute value. */
  static String h(Object value) {
    String s = String.valueOf(value);
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
