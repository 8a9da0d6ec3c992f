package dev.mfa4j.examples;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What a controller answers: a status, a body and headers. */
final class Response {
  final int status;
  final String contentType;
  final byte[] body;
  final String location;
  final List<String> cookies = new ArrayList<>();

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

  /** A 303 redirect: after a POST the browser follows with a GET. */
  static Response redirect(String location) {
    return new Response(303, null, new byte[0], location);
  }

  Response cookie(String setCookieHeader) {
    cookies.add(setCookieHeader);
    return this;
  }
}
