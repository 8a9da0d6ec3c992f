package dev.mfa4j.sms;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local stand-in for Twilio's REST API on 127.0.0.1: the documented request shapes and the
 * documented responses (201 with a sid; 400 with code 21211; 429 with code 20429; 500; a response
 * that never comes).
 */
final class FakeTwilio implements AutoCloseable {
  static final String SID = "AC00000000000000000000000000000001";
  static final String TOKEN = "test-auth-token-0123456789";

  record Request(String method, String path, Map<String, List<String>> headers,
      Map<String, String> form) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicLong ids = new AtomicLong();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile MessageSenderContractTest.Scenario scenario = MessageSenderContractTest.Scenario.ACCEPT;
  volatile int status = 0; // if set, overrides the scenario with this status and a generic body

  FakeTwilio() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/2010-04-01/Accounts/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (!pair.isEmpty()) {
        String[] kv = pair.split("=", 2);
        form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
      }
    }
    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
        Map.copyOf(ex.getRequestHeaders()), form));
    String path = ex.getRequestURI().getPath();
    boolean messages = path.equals("/2010-04-01/Accounts/" + SID + "/Messages.json");
    boolean calls = path.equals("/2010-04-01/Accounts/" + SID + "/Calls.json");
    if (!ex.getRequestMethod().equals("POST") || !(messages || calls)) {
      respond(ex, 404, "{\"code\": 20404, \"message\": \"The requested resource was not found\","
          + " \"status\": 404}");
      return;
    }
    String expectedAuth = "Basic " + java.util.Base64.getEncoder()
        .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
    if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      respond(ex, 401, "{\"code\": 20003, \"message\": \"Authenticate\", \"more_info\":"
          + " \"https://www.twilio.com/docs/errors/20003\", \"status\": 401}");
      return;
    }
    if (status != 0) {
      respond(ex, status, "{\"status\": " + status + "}");
      return;
    }
    String to = form.getOrDefault("To", "");
    switch (scenario) {
      case ACCEPT -> {
        String sid = (messages ? "SM" : "CA") + String.format("%032x", ids.incrementAndGet());
        respond(ex, 201, "{\"account_sid\": \"" + SID + "\", \"api_version\": \"2010-04-01\","
            + " \"body\": \"" + form.getOrDefault("Body", "") + "\", \"from\": \""
            + form.get("From") + "\", \"sid\": \"" + sid + "\", \"status\": \"queued\","
            + " \"to\": \"" + to + "\"}");
      }
      case INVALID_NUMBER -> respond(ex, 400, "{\"code\": 21211, \"message\": \"The 'To' number "
          + to + " is not a valid phone number.\", \"more_info\":"
          + " \"https://www.twilio.com/docs/errors/21211\", \"status\": 400}");
      case RATE_LIMITED -> respond(ex, 429, "{\"code\": 20429, \"message\": \"Too Many Requests\","
          + " \"more_info\": \"https://www.twilio.com/docs/errors/20429\", \"status\": 429}");
      case SERVER_ERROR -> respond(ex, 500, "{\"code\": 20500, \"message\": \"An internal server"
          + " error has occurred\", \"more_info\": \"https://www.twilio.com/docs/errors/20500\","
          + " \"status\": 500}");
      case SLOW -> {
        try {
          release.await(); // until the test ends: the client must give up first
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        respond(ex, 201, "{\"sid\": \"SMlate\"}");
      }
      default -> throw new IllegalStateException();
    }
  }

  private static void respond(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
