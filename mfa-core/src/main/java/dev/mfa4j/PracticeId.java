package dev.mfa4j;

/**
 * The identifier of a practice (a tenant of the host application).
 *
 * @param value 1 to 128 characters of {@code [A-Za-z0-9-_.@:]}
 */
public record PracticeId(String value) {
  /** Validates the value; throws {@link InvalidInputException} on anything else. */
  public PracticeId {
    Ids.checkId(value, "practice id");
  }

  /** Shorthand for {@code new PracticeId(value)}. */
  public static PracticeId of(String value) {
    return new PracticeId(value);
  }
}
