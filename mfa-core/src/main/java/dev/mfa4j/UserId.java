package dev.mfa4j;

/**
 * The host's identifier of a user, unique within a practice.
 *
 * @param value 1 to 128 characters of {@code [A-Za-z0-9-_.@:]}
 */
public record UserId(String value) {
  /** Validates the value; throws {@link InvalidInputException} on anything else. */
  public UserId {
    Ids.checkId(value, "user id");
  }

  /** Shorthand for {@code new UserId(value)}. */
  public static UserId of(String value) {
    return new UserId(value);
  }
}
