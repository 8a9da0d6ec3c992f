package dev.mfa4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mfa4j.AccessDeniedException;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP plumbing a careful host has anyway: routing, server-side sessions, CSRF checks on every
 * POST, security headers, and errors that never leak internals. mfa4j is not involved here.
 */
final class DemoServer {
  private static final Logger log = LoggerFactory.getLogger(DemoServer.class);

  /** A controller method. */
  @FunctionalInterface
  interface Handler {
    Response handle(Request r) throws Exception;
  }

  private static final String CSP = "default-src 'self'; img-src 'self' data:; "
      + "style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'; object-src 'none'";

  private final Map<String, Handler> routes = new HashMap<>();
  private final SessionStore sessions;
  private final Cookies cookies;
  private final String origin;
  private final Layout layout;
  private HttpServer server;
  private ExecutorService executor;

  DemoServer(SessionStore sessions, Cookies cookies, String origin, Layout layout) {
    this.sessions = sessions;
    this.cookies = cookies;
    this.origin = origin;
    this.layout = layout;
  }

  void get(String path, Handler h) {
    routes.put("GET " + path, h);
  }

  void post(String path, Handler h) {
    routes.put("POST " + path, h);
  }

  /** The handler of a form's POST, to run a change again once the user confirmed it's them. */
  Optional<Handler> postHandler(String path) {
    return Optional.ofNullable(routes.get("POST " + path));
  }

  /** Listens on {@code address}; port 0 picks a free one. */
  int start(InetSocketAddress address) throws IOException {
    server = HttpServer.create(address, 64);
    executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "demo-http");
      t.setDaemon(false);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
    return server.getAddress().getPort();
  }

  void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      Response response;
      Request r = null;
      String oldSessionId = null;
      try {
        r = Request.read(ex);
        Optional<Session> existing = r.cookie(cookies.sessionName()).flatMap(sessions::find);
        r.session = existing.orElseGet(sessions::create);
        oldSessionId = existing.map(s -> s.id).orElse(null);
        response = route(r);
      } catch (InvalidInputException e) {
        response = error(r, 400, "That request was not valid: " + e.getMessage());
      } catch (AccessDeniedException e) {
        response = error(r, 403, "You may not do that.");
      } catch (NotFoundException e) {
        response = error(r, 404, "Not found.");
      } catch (Exception e) {
        log.error("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
        response = error(r, 500, "Something went wrong. Please try again.");
      }
      if (r != null && r.session != null && !r.session.id.equals(oldSessionId)) {
        response.cookie(cookies.session(r.session.id));
      }
      write(ex, response);
    }
  }

  private Response route(Request r) throws Exception {
    String path = r.path();
    if ("GET".equals(r.method()) && path.startsWith("/static/")) {
      return staticFile(path.substring("/static/".length()));
    }
    Handler h = routes.get(r.method() + " " + path);
    if (h == null) {
      return error(r, 404, "Not found.");
    }
    if ("POST".equals(r.method())) {
      // Every POST carries the session's CSRF token (a form field, or a header for fetch()),
      // and, when the browser says where it comes from, comes from our own origin.
      String token = r.form("_csrf");
      if (token.isEmpty()) {
        token = r.header("X-CSRF-Token").orElse("");
      }
      Optional<String> from = r.header("Origin");
      if (!SessionStore.csrfMatches(r.session, token)
          || (from.isPresent() && !from.get().equals(origin))) {
        return error(r, 403, "This form has expired. Go back, reload the page and try again.");
      }
    }
    return h.handle(r);
  }

  private Response error(Request r, int status, String message) {
    if (r == null || r.session == null) {
      return Response.html(status, "<!doctype html><title>Error</title><p>" + Html.h(message));
    }
    return Response.html(status, layout.page(r, "Sorry",
        "<p id=\"error\" class=\"error\">" + Html.h(message) + "</p><p><a href=\"/\">Start page</a>"));
  }

  private static Response staticFile(String name) throws IOException {
    String type;
    if (name.equals("demo.css")) {
      type = "text/css; charset=utf-8";
    } else if (name.equals("webauthn.js")) {
      type = "text/javascript; charset=utf-8";
    } else {
      throw new NotFoundException("no such file");
    }
    try (InputStream in = DemoServer.class.getResourceAsStream("static/" + name)) {
      if (in == null) {
        throw new NotFoundException("no such file");
      }
      return Response.bytes(type, in.readAllBytes());
    }
  }

  private static void write(HttpExchange ex, Response response) throws IOException {
    var headers = ex.getResponseHeaders();
    headers.set("Content-Security-Policy", CSP);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "same-origin"); // "no-referrer" would make Origin "null"
    headers.set("Cache-Control", "no-store");
    if (response.contentType != null) {
      headers.set("Content-Type", response.contentType);
    }
    if (response.location != null) {
      headers.set("Location", response.location);
    }
    response.headers.forEach(headers::set);
    for (String c : response.cookies) {
      headers.add("Set-Cookie", c);
    }
    ex.sendResponseHeaders(response.status, response.body.length == 0 ? -1 : response.body.length);
    if (response.body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(response.body);
      }
    }
  }
}
