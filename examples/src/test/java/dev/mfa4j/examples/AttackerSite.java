package dev.mfa4j.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Another site (127.0.0.1, not localhost: a different site for the browser) whose page posts a
 * form to the demo as soon as it loads: a cross-site request forgery.
 */
final class AttackerSite implements AutoCloseable {
  private final HttpServer server;

  private AttackerSite(HttpServer server) {
    this.server = server;
  }

  static AttackerSite start(String target) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = ("<!doctype html><title>Win a prize</title><form id=f method=post action=\""
        + target + "\"><input name=x value=1></form>"
        + "<script>document.getElementById('f').submit();</script>")
        .getBytes(StandardCharsets.UTF_8);
    s.createContext("/", ex -> {
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, page.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(page);
      }
    });
    s.start();
    return new AttackerSite(s);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
