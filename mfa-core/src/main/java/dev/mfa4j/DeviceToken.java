package dev.mfa4j;

import dev.mfa4j.internal.Tokens;

/**
 * The opaque token of a remembered device ("remember this device"): 256 random bits, base64url.
 * The host puts it in an HttpOnly, Secure, SameSite cookie and passes it back in {@link
 * RequestContext}; the store keeps only its SHA-256 hash.
 */
public final class DeviceToken {
  private final String value;

  private DeviceToken(String value) {
    this.value = value;
  }

  /**
   * Parses a token from the host's cookie.
   *
   * @throws InvalidInputException if the value is not 43 base64url characters
   */
  public static DeviceToken of(String value) {
    return new DeviceToken(Ids.checkBearer(value, "device token"));
  }

  static DeviceToken fromTrusted(String value) {
    return new DeviceToken(value);
  }

  /** The cookie value. Grep for this call to audit where it goes. */
  public String reveal() {
    return value;
  }

  /** SHA-256 of the value, as stored. */
  public byte[] hash() {
    return Tokens.sha256(value);
  }

  @Override
  public String toString() {
    return "DeviceToken[redacted]";
  }
}
