package dev.mfa4j.spring.boot;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Checks the passkey origins at start-up: https, or http only on localhost. */
final class Origins {
  private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "[::1]");

  private Origins() {}

  static void check(List<String> origins) {
    for (String origin : origins) {
      URI uri;
      try {
        uri = new URI(origin.strip());
      } catch (URISyntaxException e) {
        throw new IllegalStateException("mfa4j: mfa4j.webauthn.origins holds a malformed origin: "
            + origin, e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
      boolean local = LOCAL.contains(host) || host.endsWith(".localhost");
      if (scheme.equals("https") || (scheme.equals("http") && local)) {
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
          throw new IllegalStateException("mfa4j: a WebAuthn origin is scheme, host and port"
              + " only, without a path: " + origin);
        }
        continue;
      }
      throw new IllegalStateException("mfa4j: insecure passkey origin " + origin + " in"
          + " mfa4j.webauthn.origins: browsers offer passkeys only to secure contexts, and an"
          + " http:// origin would let anyone on the network act as the site. Use https://"
          + " (http:// is accepted for localhost only).");
    }
  }
}
