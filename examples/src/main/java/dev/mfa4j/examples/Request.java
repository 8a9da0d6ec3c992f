package dev.mfa4j.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.mfa4j.DeviceToken;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.RequestContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as the controllers see it: parsed query, form, cookies, and its session. */
final class Request {
  /** Largest request body read (a WebAuthn response is the largest thing posted). */
  static final int MAX_BODY = 128 * 1024;

  private final HttpExchange exchange;
  private final Map<String, String> query;
  private final Map<String, String> form;
  private final String body;
  private final Map<String, String> cookies;
  /** The path of a replayed form (see {@link #replay}); null for the request as received. */
  private String replayedPath;
  /** A password typed on the "Confirm it's you" page for a replayed change; never stored. */
  private dev.mfa4j.Password reauthPassword;
  Session session;

  private Request(HttpExchange exchange, Map<String, String> query, String body,
      Map<String, String> form, Map<String, String> cookies) {
    this.exchange = exchange;
    this.query = query;
    this.body = body;
    this.form = form;
    this.cookies = cookies;
  }

  static Request read(HttpExchange exchange) throws IOException {
    Map<String, String> query = parseUrlEncoded(exchange.getRequestURI().getRawQuery());
    String body = "";
    Map<String, String> form = Map.of();
    if ("POST".equals(exchange.getRequestMethod())) {
      body = readBody(exchange.getRequestBody());
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
        form = parseUrlEncoded(body);
      }
    }
    return new Request(exchange, query, body, form, parseCookies(exchange));
  }

  private static String readBody(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new InvalidInputException("request body is too large");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Map<String, String> parseUrlEncoded(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("malformed form encoding");
      }
    }
    return out;
  }

  private static Map<String, String> parseCookies(HttpExchange exchange) {
    Map<String, String> out = new HashMap<>();
    for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          out.putIfAbsent(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
      }
    }
    return out;
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String path() {
    return replayedPath != null ? replayedPath : exchange.getRequestURI().getPath();
  }

  /**
   * The same browser's earlier form, run again after the user confirmed it's them: its path and
   * fields, this request's session and context, and the password typed to confirm, if any.
   */
  Request replay(String path, Map<String, String> fields, Optional<dev.mfa4j.Password> password) {
    Request again = new Request(exchange, Map.of(), "", Map.copyOf(fields), cookies);
    again.replayedPath = path;
    again.reauthPassword = password.orElse(null);
    again.session = session;
    return again;
  }

  /** The password given on the "Confirm it's you" page for this replayed change. */
  Optional<dev.mfa4j.Password> reauthPassword() {
    return Optional.ofNullable(reauthPassword);
  }

  /** The form's fields without the CSRF token or a password, to replay later. */
  Map<String, String> fieldsToReplay() {
    Map<String, String> kept = new LinkedHashMap<>(form);
    kept.remove("_csrf");
    kept.remove("password");
    return kept;
  }

  /** A query parameter, or "" if absent. */
  String query(String name) {
    return query.getOrDefault(name, "");
  }

  /** A form field, or "" if absent. */
  String form(String name) {
    return form.getOrDefault(name, "");
  }

  /** The raw body (for JSON posts). */
  String body() {
    return body;
  }

  Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  /**
   * What mfa4j needs to know about this request: the client's address (the socket's peer; a host
   * behind a proxy would use its trusted proxy's header instead), its browser, and the
   * remembered-device cookie if one was sent and is well formed.
   */
  RequestContext context() {
    String ip = exchange.getRemoteAddress().getAddress().getHostAddress();
    String agent = header("User-Agent").orElse("");
    RequestContext ctx = RequestContext.of(ip, agent.length() > 512 ? agent.substring(0, 512) : agent);
    Optional<String> device = cookie(Cookies.DEVICE);
    if (device.isPresent()) {
      try {
        ctx = ctx.withDeviceToken(DeviceToken.of(device.get()));
      } catch (InvalidInputException malformed) {
        // a tampered or stale cookie is simply ignored
      }
    }
    return ctx;
  }
}
