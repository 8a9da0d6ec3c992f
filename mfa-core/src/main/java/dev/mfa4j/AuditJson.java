package dev.mfa4j;

import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The export's line format (JSON Lines, one entry per line, schema {@code mfa4j.audit.v1}): a
 * writer, and a strict reader for exactly what the writer produces (flat string and number
 * members, one {@code details} object of strings), so that an export can be verified without the
 * database and without a JSON library.
 */
final class AuditJson {
  static final String SCHEMA = "mfa4j.audit.v1";

  private AuditJson() {}

  static String line(AuditEntry entry) {
    AuditEvent e = entry.event();
    StringBuilder b = new StringBuilder(320);
    b.append('{');
    member(b, "schema", SCHEMA).append(',');
    member(b, "practice", e.practice().value()).append(',');
    b.append("\"seq\":").append(entry.seq()).append(',');
    member(b, "id", e.id()).append(',');
    member(b, "at", e.at().toString()).append(',');
    member(b, "subject", e.subject().map(UserId::value).orElse(null)).append(',');
    member(b, "actor", e.actor().map(UserId::value).orElse(null)).append(',');
    member(b, "type", e.type().name()).append(',');
    member(b, "outcome", e.outcome().name()).append(',');
    member(b, "ip", e.ip()).append(',');
    member(b, "userAgent", e.userAgent()).append(',');
    b.append("\"details\":{");
    boolean firstDetail = true;
    for (Map.Entry<String, String> d : new TreeMap<>(e.details()).entrySet()) {
      if (!firstDetail) {
        b.append(',');
      }
      firstDetail = false;
      member(b, d.getKey(), d.getValue());
    }
    b.append("},");
    member(b, "prev", entry.prev()).append(',');
    member(b, "digest", entry.digest());
    return b.append('}').toString();
  }

  private static StringBuilder member(StringBuilder b, String name, String value) {
    string(b, name).append(':');
    return value == null ? b.append("null") : string(b, value);
  }

  private static StringBuilder string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }

  /**
   * Reads one line the writer produced.
   *
   * @throws InvalidInputException naming the problem (never the line's content)
   */
  static AuditEntry parse(String line, long lineNo) {
    Parser p = new Parser(line, lineNo);
    Map<String, Object> m = p.object(true);
    p.end();
    try {
      if (!SCHEMA.equals(m.get("schema"))) {
        throw p.fail("schema is not " + SCHEMA);
      }
      @SuppressWarnings("unchecked")
      Map<String, String> details = (Map<String, String>) m.get("details");
      AuditEvent e = new AuditEvent(str(m, "id", p), Instant.parse(str(m, "at", p)),
          PracticeId.of(str(m, "practice", p)),
          Optional.ofNullable((String) m.get("subject")).map(UserId::of),
          Optional.ofNullable((String) m.get("actor")).map(UserId::of),
          AuditType.valueOf(str(m, "type", p)), AuditOutcome.valueOf(str(m, "outcome", p)),
          str(m, "ip", p), str(m, "userAgent", p), details == null ? Map.of() : details);
      Object seq = m.get("seq");
      if (!(seq instanceof Long s)) {
        throw p.fail("seq is missing");
      }
      return new AuditEntry(s, e, str(m, "prev", p), str(m, "digest", p));
    } catch (ClassCastException | IllegalArgumentException | java.time.DateTimeException e) {
      throw p.fail("a member has the wrong form (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String str(Map<String, Object> m, String name, Parser p) {
    Object v = m.get(name);
    if (!(v instanceof String s)) {
      throw p.fail(name + " is missing or not a string");
    }
    return s;
  }

  /** A strict parser for the writer's output. */
  private static final class Parser {
    private final String s;
    private final long lineNo;
    private int i;

    Parser(String s, long lineNo) {
      this.s = s;
      this.lineNo = lineNo;
    }

    InvalidInputException fail(String why) {
      return new InvalidInputException("audit export line " + lineNo + ": " + why);
    }

    void end() {
      if (i != s.length()) {
        throw fail("unexpected text after the object");
      }
    }

    Map<String, Object> object(boolean top) {
      expect('{');
      Map<String, Object> m = new LinkedHashMap<>();
      if (peek() == '}') {
        i++;
        return m;
      }
      while (true) {
        String name = string();
        expect(':');
        Object value;
        char c = peek();
        if (c == '"') {
          value = string();
        } else if (c == 'n' && s.startsWith("null", i)) {
          i += 4;
          value = null;
        } else if (top && c == '{') {
          Map<String, Object> inner = object(false);
          Map<String, String> strings = new TreeMap<>();
          for (Map.Entry<String, Object> e : inner.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
              throw fail("a detail is not a string");
            }
            strings.put(e.getKey(), v);
          }
          value = strings;
        } else if (top && (c == '-' || (c >= '0' && c <= '9'))) {
          int start = i;
          while (i < s.length() && (s.charAt(i) == '-' || Character.isDigit(s.charAt(i)))) {
            i++;
          }
          try {
            value = Long.parseLong(s.substring(start, i));
          } catch (NumberFormatException e) {
            throw fail("a number is out of range");
          }
        } else {
          throw fail("unexpected character at column " + (i + 1));
        }
        if (m.containsKey(name)) {
          throw fail("member " + name + " appears twice");
        }
        m.put(name, value);
        char next = peek();
        i++;
        if (next == '}') {
          return m;
        }
        if (next != ',') {
          throw fail("expected , or } at column " + i);
        }
      }
    }

    private char peek() {
      if (i >= s.length()) {
        throw fail("the line ends early");
      }
      return s.charAt(i);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw fail("expected " + c + " at column " + (i + 1));
      }
      i++;
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = peek();
        i++;
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = peek();
        i++;
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw fail("a \\u escape ends early");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw fail("a bad \\u escape");
            }
            i += 4;
          }
          default -> throw fail("a bad escape");
        }
      }
    }
  }
}
