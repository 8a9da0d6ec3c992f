package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The identifier of one enrolled factor. Not a secret: it appears in URLs and forms of the host.
 *
 * @param value 1 to 64 characters of base64url
 */
public record FactorId(String value) {
  /**
   * Validates the value.
   *
   * @throws NullPointerException if it is null ("factor id")
   * @throws InvalidInputException if it is empty, longer than 64 characters or not base64url
   */
  public FactorId {
    Objects.requireNonNull(value, "factor id");
    if (value.isEmpty() || value.length() > 64 || !Tokens.isBase64Url(value)) {
      throw new InvalidInputException("factor id is malformed");
    }
  }

  /** Parses a factor id that came back from outside (a form, a URL). */
  public static FactorId of(String value) {
    return new FactorId(value);
  }

  /** A fresh random id of 128 bits. */
  public static FactorId random(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return new FactorId(Tokens.randomBase64Url(random, 16));
  }
}
