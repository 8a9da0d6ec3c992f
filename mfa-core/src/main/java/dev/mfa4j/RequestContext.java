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
 * @param userAgent the User-Agent header, truncated to 512 characters; {@code ""} if absent
 * @param deviceToken the remembered-device cookie, if any
 */
public record RequestContext(String ip, String userAgent, Optional<DeviceToken> deviceToken) {
  /** Validates and truncates. */
  public RequestContext {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(deviceToken, "deviceToken");
    if (ip.length() > 64) {
      throw new InvalidInputException("ip is longer than 64 characters");
    }
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
    return new RequestContext(ip, userAgent, Optional.of(token));
  }

  /** A context for calls made by the system itself (no HTTP request). */
  public static RequestContext system() {
    return new RequestContext("", "mfa4j", Optional.empty());
  }
}
