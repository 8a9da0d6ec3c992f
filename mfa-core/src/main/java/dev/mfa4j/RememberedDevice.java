package dev.mfa4j;

import java.time.Instant;
import java.util.Objects;

/**
 * A remembered browser, as listed to its user.
 *
 * @param id the id to revoke it by
 * @param label the browser
 * @param ip where it was remembered from
 * @param created when
 * @param expires when it stops skipping the second step
 * @param lastSeen when it last did
 */
public record RememberedDevice(
    String id, String label, String ip, Instant created, Instant expires, Instant lastSeen) {
  /** A remembered device as listed to its user; every component is required. */
  public RememberedDevice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
