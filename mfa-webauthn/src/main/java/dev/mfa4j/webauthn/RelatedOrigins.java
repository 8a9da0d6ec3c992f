package dev.mfa4j.webauthn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code /.well-known/webauthn} document of WebAuthn Level 3 §5.11 (related origin requests):
 * it lets pages on other sites (say {@code https://sunrise-therapy.example.de}) use passkeys of the
 * RP id (say {@code sunrise-therapy.example}).
 *
 * <pre>{@code
 * Set<String> related = Set.of("https://sunrise-therapy.example.de", "https://app.sunrise.example");
 * String wellKnown = RelatedOrigins.wellKnownJson(related);
 * // serve it at https://sunrise-therapy.example/.well-known/webauthn, Content-Type: application/json
 * PasskeyFactor passkeys = PasskeyFactor.builder()
 *     .relyingParty("sunrise-therapy.example", "Sunrise Therapy")
 *     .origins(Set.of("https://sunrise-therapy.example", "https://sunrise-therapy.example.de",
 *         "https://app.sunrise.example"))                     // the server accepts them too
 *     .build();
 * }</pre>
 *
 * <p>A browser that finds the page's origin is not within the RP id fetches {@code
 * https://<rpId>/.well-known/webauthn} (it must answer {@code 200} with {@code Content-Type:
 * application/json}, without redirects) and allows the request if the page's origin is listed. It
 * reads the list in order and counts the distinct <em>labels</em> it meets, a label being the name
 * just before the public suffix ({@code example} of {@code app.example.co.uk}); past the fifth
 * label Chrome ignores every origin of a new label, so origins of more than five sites cannot all
 * work. {@link #wellKnownJson} refuses more than five. It counts a label as the second-to-last DNS
 * label, taking the last two labels as the registrable domain (no public suffix list is
 * consulted): under a multi-label public suffix ({@code co.uk}, {@code github.io}) it counts
 * {@code co} or {@code github} for every site there, fewer than the browser does, so keep such
 * lists well below five sites. Single-label hosts ({@code localhost}) have no registrable domain;
 * browsers do not count them and neither does this check.
 *
 * <p>The document is for browsers. The server still compares each ceremony's origin exactly with
 * {@link PasskeyFactor.Builder#origins}: list the related origins there as well.
 */
public final class RelatedOrigins {
  /** The most distinct labels Chrome honours (WebAuthn Level 3 lets browsers choose, at least 5). */
  static final int MAX_LABELS = 5;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private RelatedOrigins() {}

  /**
   * The {@code /.well-known/webauthn} JSON for {@code origins}: {@code {"origins":[…]}}, sorted,
   * so every node serves the same bytes.
   *
   * @param origins each an origin as browsers write it: {@code https://host} or {@code
   *     https://host:port} (not {@code :443}), or {@code http://localhost[:port]} for
   *     development; lower case, no path (not even {@code /}), query, fragment or user info
   * @throws IllegalArgumentException if {@code origins} is empty, an origin is not of that form,
   *     or they span more than five labels (see the class description)
   */
  public static String wellKnownJson(Set<String> origins) {
    Objects.requireNonNull(origins, "origins");
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("at least one related origin is required");
    }
    Set<String> sorted = new TreeSet<>();
    Set<String> labels = new TreeSet<>();
    for (String origin : origins) {
      Objects.requireNonNull(origin, "origin");
      label(host(origin)).ifPresent(labels::add);
      sorted.add(origin);
    }
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException("related origins span " + labels.size()
          + " labels; browsers honour at most " + MAX_LABELS);
    }
    ObjectNode doc = Json.MAPPER.createObjectNode();
    ArrayNode list = doc.putArray("origins");
    sorted.forEach(list::add);
    return Json.write(doc);
  }

  /** The host of a well-formed origin. */
  private static String host(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an origin: " + origin);
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "an origin is scheme://host[:port] with no path, query or fragment: " + origin);
    }
    boolean https = scheme.equals("https");
    if (!https && !(scheme.equals("http") && host.equals("localhost"))) {
      throw new IllegalArgumentException(
          "an origin must be https:// (or http://localhost in development): " + origin);
    }
    int port = uri.getPort();
    if (port == 0 || port > 65535 || (https && port == 443) || (!https && port == 80)) {
      throw new IllegalArgumentException("an origin's port is 1 to 65535 and not the scheme's"
          + " default (browsers leave the default out): " + origin);
    }
    if (!origin.equals(origin.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("an origin is written in lower case: " + origin);
    }
    String[] dnsLabels = host.split("\\.", -1);
    if (host.length() > 253
        || !Arrays.stream(dnsLabels).allMatch(l -> DNS_LABEL.matcher(l).matches())
        || dnsLabels[dnsLabels.length - 1].chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "an origin's host is a DNS name, not an IP address (IDNs as xn--): " + origin);
    }
    if (dnsLabels.length == 1 && !host.equals("localhost")) {
      throw new IllegalArgumentException("an origin's host is a full domain name: " + origin);
    }
    String canonical = scheme + "://" + host + (port == -1 ? "" : ":" + port);
    if (!origin.equals(canonical)) {
      throw new IllegalArgumentException("not an origin as browsers write it: " + origin);
    }
    return host;
  }

  /** The second-to-last DNS label; none for a single-label host. */
  private static Optional<String> label(String host) {
    String[] l = host.split("\\.");
    return l.length < 2 ? Optional.empty() : Optional.of(l[l.length - 2]);
  }
}
