package dev.mfa4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Words a user's password must not be made of (NIST SP 800-63B-4 §3.1.1.2: "context-specific
 * words, such as the name of the service, the username, and derivatives thereof"). mfa4j owns no
 * user table, so the host supplies them through {@link Passwords.Builder#context}. The user id and
 * practice id are always added.
 *
 * @param practiceName the practice's display name, or {@code ""}
 * @param emails the user's e-mail addresses
 * @param otherWords any further words (the user's name, the product's name)
 */
public record PasswordContext(String practiceName, List<String> emails, List<String> otherWords) {
  private static final int MAX_WORD = 256;
  private static final int MAX_WORDS = 32;

  /** Validates and copies. */
  public PasswordContext {
    Objects.requireNonNull(practiceName, "practiceName");
    emails = List.copyOf(emails);
    otherWords = List.copyOf(otherWords);
    if (emails.size() + otherWords.size() > MAX_WORDS) {
      throw new InvalidInputException("at most " + MAX_WORDS + " context words");
    }
    if (practiceName.length() > MAX_WORD || emails.stream().anyMatch(e -> e.length() > MAX_WORD)
        || otherWords.stream().anyMatch(w -> w.length() > MAX_WORD)) {
      throw new InvalidInputException("a context word is longer than " + MAX_WORD + " characters");
    }
  }

  /** No words beyond the user id and practice id. */
  public static PasswordContext none() {
    return new PasswordContext("", List.of(), List.of());
  }

  /** The practice's name and the user's e-mail address. */
  public static PasswordContext of(String practiceName, String email) {
    return new PasswordContext(practiceName, List.of(email), List.of());
  }

  /** All words, as given. */
  List<String> words() {
    List<String> all = new ArrayList<>();
    if (!practiceName.isEmpty()) {
      all.add(practiceName);
    }
    all.addAll(emails);
    all.addAll(otherWords);
    return all;
  }
}
