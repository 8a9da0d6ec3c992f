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

/** A plain HTTP client that keeps the demo's session cookie and CSRF token by hand. */
final class WebClient {
  private final String base;

  WebClient(String base) {
    this.base = base;
  }

  final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).build();
  String session = "";
  String csrf = "";

  HttpResponse<String> get(String path) throws Exception {
    return remember(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  HttpResponse<String> post(String path, Map<String, String> form, Optional<String> origin)
      throws Exception {
    HttpRequest.Builder b = request(path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    origin.ifPresent(o -> b.header("Origin", o));
    return remember(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    Map<String, String> withToken = new LinkedHashMap<>(form);
    withToken.put("_csrf", csrf);
    return post(path, withToken, Optional.of(base));
  }

  /** A script's JSON POST: the CSRF token in its header, as the demo's page script sends it. */
  HttpResponse<String> postJson(String path, String json) throws Exception {
    return remember(http.send(request(path)
        .header("Content-Type", "application/json")
        .header("X-CSRF-Token", csrf)
        .header("Origin", base)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (!session.isEmpty()) {
      b.header("Cookie", "session=" + session);
    }
    return b;
  }

  private HttpResponse<String> remember(HttpResponse<String> r) {
    r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("session="))
        .findFirst().ifPresent(c -> session = c.substring(8, c.indexOf(';')));
    Matcher m = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(r.body());
    if (m.find()) {
      csrf = m.group(1);
    }
    return r;
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
        + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
