package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BrowserSmokeTest {
  @Test
  void chromium_servedPage_rendersText() throws Exception {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] b = "<!doctype html><title>t</title><p id=x>hello chromium</p>"
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.start();
    try (Browser b = Browser.start("http://127.0.0.1:" + server.getAddress().getPort())) {
      b.open("/");
      assertThat(b.text("#x")).isEqualTo("hello chromium");
    } finally {
      server.stop(0);
    }
  }
}
