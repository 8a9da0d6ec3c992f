package dev.mfa4j;

import java.util.List;
import java.util.Objects;

/**
 * The verdict on a proposed new password (NIST SP 800-63B-4 §3.1.1.2): accepted, or every reason
 * it was refused, each with a message that can be shown to the user as is. The messages never
 * repeat the password.
 *
 * <pre>{@code
 * PasswordCheck check = passwords.set(user, Password.of(typed), policy, hasSecondFactor);
 * if (!check.accepted()) {
 *   check.problems().forEach(p -> form.error("password", p.message()));
 * }
 * }</pre>
 *
 * @param problems why the password was refused, in a stable order; empty if it was accepted
 * @param minLength the minimum length (in characters, i.e. Unicode code points) that applied
 * @param maxLength the maximum length that applied
 */
public record PasswordCheck(List<Problem> problems, int minLength, int maxLength) {
  /** Copies the list. */
  public PasswordCheck {
    problems = List.copyOf(problems);
  }

  /** Whether the password may be used. */
  public boolean accepted() {
    return problems.isEmpty();
  }

  /** Whether the password was refused for {@code reason}. */
  public boolean has(Reason reason) {
    Objects.requireNonNull(reason, "reason");
    return problems.stream().anyMatch(p -> p.reason() == reason);
  }

  /**
   * One reason a password was refused.
   *
   * @param reason the machine-readable reason
   * @param message a plain English sentence for the user
   */
  public record Problem(Reason reason, String message) {
    /** Checks for nulls. */
    public Problem {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Why a password was refused. */
  public enum Reason {
    /** Fewer characters than the minimum (15 alone, 8 with a second factor, or the practice's). */
    TOO_SHORT,
    /** More characters than the maximum. */
    TOO_LONG,
    /** On the list of common and breached passwords. */
    BLOCKLISTED,
    /** Made of the practice's name, the user's e-mail address or user id. */
    CONTEXT_WORD,
    /** One character or a short pattern repeated. */
    REPETITIVE,
    /** A run such as {@code abcdef…}, {@code 987654…} or {@code qwerty…}. */
    SEQUENTIAL,
    /** Fewer kinds of characters than the practice asks for (only if it turned that rule on). */
    COMPOSITION,
    /** Contains a control character or malformed Unicode. */
    INVALID_CHARACTER
  }
}
