package dev.mfa4j.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A completed sign-in, as shown in Security &amp; Activity.
 *
 * @param at when
 * @param ip from which address
 * @param userAgent with which browser (its User-Agent)
 */
public record SignIn(Instant at, String ip, String userAgent) {
  /** A completed sign-in; time, address and user agent are required (either text may be empty). */
  public SignIn {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
  }
}
