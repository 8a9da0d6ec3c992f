package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import java.security.SecureRandom;

/**
 * The identifier of one enrolled factor. Not a secret: it appears in URLs and forms of the host.
 *
 * @param value 1 to 64 characters of base64url
 */
public record FactorId(String value) {
  /** Validates the value. */
  public FactorId {
    if (value == null || value.isEmpty() || value.length() > 64 || !Tokens.isBase64Url(value)) {
      throw new InvalidInputException("factor id is malformed");
    }
  }

  /** Parses a factor id that came back from outside (a form, a URL). */
  public static FactorId of(String value) {
    return new FactorId(value);
  }

  /** A fresh random id of 128 bits. */
  public static FactorId random(SecureRandom random) {
    return new FactorId(Tokens.randomBase64Url(random, 16));
  }
}
