package dev.mfa4j.examples;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import ua_parser.CachingParser;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * "Chrome on Windows" from a User-Agent header, with the maintained ua-parser patterns
 * (uap-java). Reading its patterns takes a moment, so it happens in the background once the
 * demo is up, never on the way to the first page.
 */
@Component
final class Browsers {
  private final CompletableFuture<Parser> parser = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean loading =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Starts reading the patterns a few seconds after the application is ready, so that the
   * first pages do not share the processor with it.
   */
  @EventListener(ApplicationReadyEvent.class)
  void warmUp() {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      load();
    }, "ua-parser");
    t.setDaemon(true);
    t.start();
  }

  private void load() {
    if (!loading.compareAndSet(false, true)) {
      return;
    }
    try {
      parser.complete(new CachingParser());
    } catch (RuntimeException e) {
      parser.completeExceptionally(e);
    }
  }

  /** "Chrome on Windows", "Safari on iOS", or "Unknown browser". */
  String describe(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return "Unknown browser";
    }
    Client c;
    try {
      load(); // if asked before the warm-up began: read them now
      c = parser.get(10, TimeUnit.SECONDS).parse(userAgent);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "Unknown browser";
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return "Unknown browser";
    }
    String browser = switch (c.userAgent.family) {
      case "Other" -> "Unknown browser";
      case "HeadlessChrome" -> "Chrome (headless)";
      case "Chrome Mobile" -> "Chrome";
      case "Mobile Safari" -> "Safari";
      default -> c.userAgent.family;
    };
    String os = c.os.family;
    if (os == null || os.equals("Other")) {
      return browser;
    }
    if (os.toLowerCase(Locale.ROOT).startsWith("mac os")) {
      os = "macOS";
    }
    return browser + " on " + os;
  }
}
