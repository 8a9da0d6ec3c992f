package dev.mfa4j;

import java.util.Objects;
import java.util.Optional;

/**
 * What the host knows about the HTTP request behind a call: the client's IP address, its
 * User-Agent, and the remembered-device cookie if the browser sent one. Used for audit, for "sign-in
 * from a new device" notices, and to skip the second step on a remembered device.
 *
 * @param ip the client IP as the host determined it (after its own proxy handling); at most 64
 *     characters, {@code ""} if unknown
 * @param userAgent the User-Agent header without its invisible and direction-changing characters
 *     (Unicode category Cf, such as U+202E or U+200B, are removed), then truncated to 512
 *     characters; {@code ""} if absent. Remembered devices are labelled from it, so a device's
 *     label cannot be made to read as something else
 * @param deviceToken the remembered-device cookie, if any
 */
public record RequestContext(String ip, String userAgent, Optional<DeviceToken> deviceToken) {
  /**
   * Validates, strips the User-Agent of invisible and direction-changing characters, truncates.
   *
   * @throws NullPointerException if a component is null, naming it
   * @throws InvalidInputException if {@code ip} is longer than 64 characters
   */
  public RequestContext {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(deviceToken, "deviceToken");
    if (ip.length() > 64) {
      throw new InvalidInputException("ip is longer than 64 characters");
    }
    userAgent = Ids.stripInvisible(userAgent);
    if (userAgent.length() > 512) {
      userAgent = userAgent.substring(0, 512);
    }
  }

  /** A request with no remembered-device cookie. */
  public static RequestContext of(String ip, String userAgent) {
    return new RequestContext(ip, userAgent, Optional.empty());
  }

  /** A copy carrying the given remembered-device cookie. */
  public RequestContext withDeviceToken(DeviceToken token) {
    Objects.requireNonNull(token, "token");
    return new RequestContext(ip, userAgent, Optional.of(token));
  }

  /** A context for calls made by the system itself (no HTTP request). */
  public static RequestContext system() {
    return new RequestContext("", "mfa4j", Optional.empty());
  }
}
