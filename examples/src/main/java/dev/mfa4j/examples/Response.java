package dev.mfa4j.examples;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a controller answers: a status, a body and headers. */
final class Response {
  final int status;
  final String contentType;
  final byte[] body;
  final String location;
  final List<String> cookies = new ArrayList<>();
  final Map<String, String> headers = new LinkedHashMap<>();

  private Response(int status, String contentType, byte[] body, String location) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.location = location;
  }

  static Response html(int status, String html) {
    return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8),
        null);
  }

  static Response ok(String html) {
    return html(200, html);
  }

  static Response json(int status, String json) {
    return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
  }

  static Response bytes(String contentType, byte[] body) {
    return new Response(200, contentType, body, null);
  }

  /**
   * A file the browser saves as {@code filename} (letters, digits, dot, dash and underscore only)
   * rather than shows.
   */
  static Response download(String contentType, String filename, byte[] body) {
    if (!filename.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("unsafe download file name");
    }
    Response r = new Response(200, contentType, body, null);
    r.headers.put("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return r;
  }

  /** A 303 redirect: after a POST the browser follows with a GET. */
  static Response redirect(String location) {
    return new Response(303, null, new byte[0], location);
  }

  Response cookie(String setCookieHeader) {
    cookies.add(setCookieHeader);
    return this;
  }
}
