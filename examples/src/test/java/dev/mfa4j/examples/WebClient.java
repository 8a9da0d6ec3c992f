package dev.mfa4j.examples;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A plain HTTP client that keeps the demo's cookies and the last page's CSRF token by hand, and
 * never follows redirects (the tests look at them).
 */
final class WebClient {
  private static final Pattern CSRF =
      Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"|name=\"csrf-token\" content=\"([^\"]+)\"");

  private final String base;
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).build();
  final Map<String, String> cookies = new LinkedHashMap<>();
  String csrf = "";

  WebClient(String base) {
    this.base = base;
  }

  /** The session cookie's value, or empty. */
  String session() {
    return cookies.getOrDefault("JSESSIONID", "");
  }

  HttpResponse<String> get(String path) throws Exception {
    return remember(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** A form post with the page's CSRF token and this site's Origin, as a browser sends it. */
  HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    Map<String, String> withToken = new LinkedHashMap<>(form);
    withToken.put("_csrf", csrf);
    return post(path, withToken, Optional.of(base));
  }

  /** A form post exactly as given (no CSRF token added). */
  HttpResponse<String> post(String path, Map<String, String> form, Optional<String> origin)
      throws Exception {
    HttpRequest.Builder b = request(path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    origin.ifPresent(o -> b.header("Origin", o));
    return remember(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
    if (!cookies.isEmpty()) {
      b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining("; ")));
    }
    return b;
  }

  private HttpResponse<String> remember(HttpResponse<String> r) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      String pair = c.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).strip();
      String value = pair.substring(eq + 1).strip();
      if (value.isEmpty() || c.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    Matcher m = CSRF.matcher(r.body());
    if (m.find()) {
      csrf = m.group(1) != null ? m.group(1) : m.group(2);
    }
    return r;
  }

  /** Where a redirect goes, as a path ("" if it is no redirect). */
  static String location(HttpResponse<String> r) {
    String l = r.headers().firstValue("Location").orElse("");
    String path = l.replaceFirst("^https?://[^/]+", "");
    return path;
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
        + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
