package dev.mfa4j.passwords;

import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PasswordCheck.Problem;
import dev.mfa4j.PasswordCheck.Reason;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.PasswordRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a proposed new password against NIST SP 800-63B-4 §3.1.1.2 (PV-1 to PV-10):
 *
 * <ul>
 *   <li>length in Unicode code points after NFKC normalisation: at least the minimum the caller
 *       gives (see {@link PasswordRules#of}), at most {@link Builder#maxLength} (default {@link
 *       Password#MAX_LENGTH}, never below 64); nothing is truncated;
 *   <li>the whole password, lower-cased, is compared with a list of 30,000 common and breached
 *       passwords shipped in the jar ({@code dev/mfa4j/passwords/common-passwords.txt}, from
 *       zxcvbn, MIT) plus
 *       any the host adds; substrings are not compared;
 *   <li>context words: the password may not be a context word (practice name, e-mail address and
 *       its parts, user id), nor a context word with only digits and symbols added;
 *   <li>repetitive passwords (a short pattern repeated, two or fewer distinct characters) and
 *       sequential ones ({@code abcdef…}, {@code 98765…}, {@code qwerty…});
 *   <li>no composition rules, unless a practice turns them on ({@link
 *       PracticePolicy#passwordCharacterClasses()}) or the host does ({@link Builder#characterClasses}).
 * </ul>
 *
 * <p>Immutable and thread-safe. Hosts that keep their own passwords may use it on its own.
 */
public final class PasswordChecker {
  /** The shortest maximum NIST SP 800-63B-4 allows a verifier to set. */
  public static final int LEAST_MAX_LENGTH = 64;

  private static final String RESOURCE = "common-passwords.txt";
  private static final int MIN_CONTEXT_WORD = 3;
  private static final int MIN_CONTEXT_TOKEN = 4;
  private static final List<String> CYCLES = List.of(
      "abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm");

  private final Set<String> blocklist;
  private final int maxLength;
  private final int characterClasses;

  private PasswordChecker(Builder b) {
    Set<String> all = new HashSet<>(CommonPasswords.LIST);
    for (String word : b.extraBlocklist) {
      all.add(PasswordText.nfkcLower(word));
    }
    this.blocklist = Set.copyOf(all);
    this.maxLength = b.maxLength;
    this.characterClasses = b.characterClasses;
  }

  /** The NIST rules with the shipped blocklist and no composition rules. */
  public static PasswordChecker nist() {
    return builder().build();
  }

  /** A builder holding the NIST defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** How many entries the blocklist holds. */
  public int blocklistSize() {
    return blocklist.size();
  }

  /** The maximum length in code points. */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Checks a proposed password.
   *
   * @param candidate the password
   * @param minLength the minimum length in code points (see {@link PasswordRules#of}), 1 to the
   *     maximum
   * @param contextWords words the password must not be made of (practice name, e-mail address, user
   *     id, …); derivatives (tokens, the local part of an e-mail address) are added here
   * @return the verdict with every reason for a refusal
   */
  public PasswordCheck check(Password candidate, int minLength, Collection<String> contextWords) {
    return check(candidate, minLength, 0, contextWords);
  }

  /**
   * Checks a proposed password under a practice's composition rule as well.
   *
   * @param characterClasses kinds of characters the practice requires (0 to 4, see {@link
   *     PracticePolicy#passwordCharacterClasses()}); the stricter of this and the checker's own
   *     setting applies
   */
  public PasswordCheck check(Password candidate, int minLength, int characterClasses,
      Collection<String> contextWords) {
    Objects.requireNonNull(candidate, "candidate");
    if (characterClasses < 0 || characterClasses > 4) {
      throw new IllegalArgumentException("characterClasses must be 0 to 4");
    }
    int requiredClasses = Math.max(this.characterClasses, characterClasses);
    Objects.requireNonNull(contextWords, "contextWords");
    if (minLength < 1 || minLength > maxLength) {
      throw new IllegalArgumentException("minLength must be 1 to " + maxLength);
    }
    String text = PasswordText.normalized(candidate);
    List<Problem> problems = new ArrayList<>();
    int length = text.codePointCount(0, text.length());
    if (length < minLength) {
      problems.add(new Problem(Reason.TOO_SHORT,
          "The password is too short: use at least " + minLength + " characters."));
    }
    if (length > maxLength) {
      problems.add(new Problem(Reason.TOO_LONG,
          "The password is too long: use at most " + maxLength + " characters."));
      return new PasswordCheck(problems, minLength, maxLength);
    }
    if (!PasswordText.wellFormed(text) || text.codePoints().anyMatch(Character::isISOControl)) {
      problems.add(new Problem(Reason.INVALID_CHARACTER,
          "The password contains a control character or malformed text; use only characters"
              + " you can type."));
      return new PasswordCheck(problems, minLength, maxLength);
    }
    String lower = PasswordText.lower(text);
    int[] cps = lower.codePoints().toArray();
    if (blocklist.contains(lower)) {
      problems.add(new Problem(Reason.BLOCKLISTED,
          "This password is on a list of commonly used or breached passwords; choose another."));
    }
    if (basedOnContext(lower, contextWords)) {
      problems.add(new Problem(Reason.CONTEXT_WORD,
          "The password is made of the practice's name, your e-mail address or your user name;"
              + " choose another."));
    }
    if (repetitive(cps, minLength)) {
      problems.add(new Problem(Reason.REPETITIVE,
          "The password repeats a character or a short pattern; choose another."));
    }
    if (sequential(cps)) {
      problems.add(new Problem(Reason.SEQUENTIAL,
          "The password is a simple sequence such as \"abcdef\", \"654321\" or \"qwerty\";"
              + " choose another."));
    }
    if (requiredClasses > 0 && classes(text) < requiredClasses) {
      problems.add(new Problem(Reason.COMPOSITION,
          "Use at least " + requiredClasses + " of these kinds of characters: lower-case letters,"
              + " upper-case letters, digits, other characters."));
    }
    return new PasswordCheck(problems, minLength, maxLength);
  }

  private static boolean basedOnContext(String lower, Collection<String> contextWords) {
    List<String> words = new ArrayList<>(contextVariants(contextWords));
    if (words.isEmpty()) {
      return false;
    }
    words.sort(Comparator.comparingInt(String::length).reversed());
    String rest = lower;
    boolean found = false;
    for (String word : words) {
      if (rest.contains(word)) {
        found = true;
        rest = rest.replace(word, "");
      }
    }
    if (!found) {
      return false;
    }
    return rest.codePointCount(0, rest.length()) < MIN_CONTEXT_TOKEN
        || rest.codePoints().noneMatch(Character::isLetter);
  }

  /** Each word lower-cased, without separators, its tokens, and an address's local part. */
  static Set<String> contextVariants(Collection<String> contextWords) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : contextWords) {
      Objects.requireNonNull(raw, "context word");
      String word = PasswordText.nfkcLower(raw.strip());
      addVariants(word, out);
      int at = word.indexOf('@');
      if (at > 0) {
        addVariants(word.substring(0, at), out);
      }
    }
    return out;
  }

  private static void addVariants(String word, Set<String> out) {
    addIfLong(word, MIN_CONTEXT_WORD, out);
    StringBuilder joined = new StringBuilder();
    StringBuilder token = new StringBuilder();
    word.codePoints().forEach(cp -> {
      if (Character.isLetterOrDigit(cp)) {
        joined.appendCodePoint(cp);
        token.appendCodePoint(cp);
      } else {
        addIfLong(token.toString(), MIN_CONTEXT_TOKEN, out);
        token.setLength(0);
      }
    });
    addIfLong(token.toString(), MIN_CONTEXT_TOKEN, out);
    addIfLong(joined.toString(), MIN_CONTEXT_WORD, out);
  }

  private static void addIfLong(String s, int min, Set<String> out) {
    if (s.codePointCount(0, s.length()) >= min) {
      out.add(s);
    }
  }

  /**
   * A short unit repeated (the smallest period is at most half the length, and the unit alone
   * would be too short, blocklisted or sequential), or at most two distinct characters.
   */
  private boolean repetitive(int[] cps, int minLength) {
    if (cps.length < 2) {
      return false;
    }
    if (Arrays.stream(cps).distinct().count() <= 2) {
      return true;
    }
    int period = smallestPeriod(cps);
    if (period > cps.length / 2) {
      return false;
    }
    int[] unit = Arrays.copyOf(cps, period);
    return period < minLength || blocklist.contains(new String(unit, 0, unit.length))
        || sequential(unit);
  }

  /** The smallest p with cps[i] == cps[i - p] for all i (KMP failure function; linear time). */
  static int smallestPeriod(int[] cps) {
    int[] border = new int[cps.length];
    for (int i = 1; i < cps.length; i++) {
      int k = border[i - 1];
      while (k > 0 && cps[i] != cps[k]) {
        k = border[k - 1];
      }
      border[i] = cps[i] == cps[k] ? k + 1 : k;
    }
    return cps.length == 0 ? 0 : cps.length - border[cps.length - 1];
  }

  /** Every next character is the next (or every one the previous) of one cycle. */
  static boolean sequential(int[] cps) {
    if (cps.length < 3) {
      return false;
    }
    for (String cycle : CYCLES) {
      if (follows(cps, cycle, 1) || follows(cps, cycle, cycle.length() - 1)) {
        return true;
      }
    }
    return false;
  }

  private static boolean follows(int[] cps, String cycle, int step) {
    int n = cycle.length();
    int previous = cycle.indexOf(cps[0]);
    if (previous < 0) {
      return false;
    }
    for (int i = 1; i < cps.length; i++) {
      int index = cycle.indexOf(cps[i]);
      if (index < 0 || index != (previous + step) % n) {
        return false;
      }
      previous = index;
    }
    return true;
  }

  private static int classes(String text) {
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int cp : text.codePoints().toArray()) {
      if (Character.isLowerCase(cp)) {
        lower = true;
      } else if (Character.isUpperCase(cp)) {
        upper = true;
      } else if (Character.isDigit(cp)) {
        digit = true;
      } else {
        other = true;
      }
    }
    return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
  }

  @Override
  public String toString() {
    return "PasswordChecker[blocklist=" + blocklist.size() + ", maxLength=" + maxLength
        + ", characterClasses=" + characterClasses + "]";
  }

  /** Configures a {@link PasswordChecker}; starts with the NIST defaults. */
  public static final class Builder {
    private int maxLength = Password.MAX_LENGTH;
    private int characterClasses = 0;
    private final List<String> extraBlocklist = new ArrayList<>();

    private Builder() {}

    /**
     * The maximum length in code points, {@value PasswordChecker#LEAST_MAX_LENGTH} to {@link
     * Password#MAX_LENGTH} (the default).
     */
    public Builder maxLength(int maxLength) {
      if (maxLength < LEAST_MAX_LENGTH || maxLength > Password.MAX_LENGTH) {
        throw new IllegalArgumentException(
            "maxLength must be " + LEAST_MAX_LENGTH + " to " + Password.MAX_LENGTH);
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * A composition rule, off by default as NIST SP 800-63B-4 advises (PV-4): the password must
     * mix at least this many of lower-case letters, upper-case letters, digits and other
     * characters. 0 (the default) turns the rule off; at most 4.
     */
    public Builder characterClasses(int classes) {
      if (classes < 0 || classes > 4) {
        throw new IllegalArgumentException("characterClasses must be 0 to 4");
      }
      this.characterClasses = classes;
      return this;
    }

    /** More blocklisted passwords (e.g. the practice software's own name), compared lower-cased. */
    public Builder blocklist(Collection<String> passwords) {
      for (String p : Objects.requireNonNull(passwords, "passwords")) {
        extraBlocklist.add(Objects.requireNonNull(p, "password"));
      }
      return this;
    }

    /** Builds the checker. */
    public PasswordChecker build() {
      return new PasswordChecker(this);
    }
  }

  /** The shipped list, read once on first use (immutable data, not a registry). */
  static final class CommonPasswords {
    static final Set<String> LIST = load();

    private CommonPasswords() {}

    private static Set<String> load() {
      InputStream in = PasswordChecker.class.getResourceAsStream(RESOURCE);
      if (in == null) {
        throw new IllegalStateException(
            "dev/mfa4j/passwords/" + RESOURCE + " is missing from the jar");
      }
      Set<String> words = new HashSet<>(40_000);
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.isEmpty() && !line.startsWith("#")) {
            words.add(PasswordText.nfkcLower(line));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dev/mfa4j/passwords/" + RESOURCE, e);
      }
      return Set.copyOf(words);
    }
  }
}
