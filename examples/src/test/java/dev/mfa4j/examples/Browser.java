package dev.mfa4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium from Debian's packages, driven through Debian's chromedriver. Nothing
 * is downloaded: both paths are fixed, and a missing binary fails the test (install them with
 * {@code .ci/install-browser.sh}).
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;
  private final String baseUrl;

  private Browser(ChromeDriver driver, Path profile, String baseUrl) {
    this.driver = driver;
    this.profile = profile;
    this.baseUrl = baseUrl;
  }

  /** Starts a fresh browser with an empty profile; every request goes to {@code baseUrl}. */
  static Browser start(String baseUrl) {
    requireExecutable(CHROMIUM);
    requireExecutable(CHROMEDRIVER);
    Path profile;
    try {
      profile = Files.createTempDirectory("mfa4j-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1200,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Browser(driver, profile, baseUrl);
  }

  static void requireExecutable(Path p) {
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " is missing: run .ci/install-browser.sh"
          + " (Debian packages chromium and chromium-driver). The browser tests never skip.");
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens a path of the demo. */
  /** The page (its html element) a click happened on, until a wait has seen it replaced. */
  private WebElement pageAtClick;

  void open(String path) {
    pageAtClick = null;
    driver.get(baseUrl + path);
  }

  String path() {
    String url = driver.getCurrentUrl();
    String rest = url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
    int q = rest.indexOf('?');
    return q < 0 ? rest : rest.substring(0, q);
  }

  WebElement find(String css) {
    return wait(Duration.ofSeconds(30)).until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  boolean exists(String css) {
    return !driver.findElements(By.cssSelector(css)).isEmpty();
  }

  /** Types into a field, replacing what it held. */
  void type(String css, String text) {
    onAttachedNode(() -> {
      WebElement e = find(css);
      e.clear();
      e.sendKeys(text);
      return null;
    });
  }

  /**
   * Clicks an element. The page it was clicked on is remembered, so that a following {@link
   * #waitForPath} waits for the next page even when its path is the same (a form that posts back
   * to the page it is on).
   */
  void click(String css) {
    onAttachedNode(() -> {
      WebElement target = find(css);
      pageAtClick = driver.findElement(By.tagName("html"));
      target.click();
      return null;
    });
  }

  /**
   * Runs a find-then-act step again (at most twice more) when the element was replaced while it
   * was acted on: the page was still settling after a navigation. The act did not happen then,
   * so repeating it is safe.
   */
  private <T> T onAttachedNode(java.util.function.Supplier<T> step) {
    for (int attempt = 0; ; attempt++) {
      try {
        return step.get();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt >= 2) {
          throw e;
        }
      } catch (org.openqa.selenium.WebDriverException e) {
        if (attempt >= 2 || !detached(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * Whether the page's root node is gone. Chromium reports a replaced node either as a stale
   * reference or, while the next document is being attached, as an inspector error saying the node
   * "does not belong to the document": both mean the old page is gone.
   */
  private static boolean stale(WebElement page) {
    try {
      page.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (detached(e)) {
        return true;
      }
      throw e;
    }
  }

  private static boolean detached(org.openqa.selenium.WebDriverException e) {
    String m = e.getMessage();
    return m != null && m.contains("does not belong to the document");
  }

  String text(String css) {
    return onAttachedNode(() -> find(css).getText());
  }

  String bodyText() {
    return find("body").getText();
  }

  /** Waits until the page's path is {@code path}; fails with the page text otherwise. */
  void waitForPath(String path) {
    WebElement before = pageAtClick;
    pageAtClick = null;
    try {
      wait(Duration.ofSeconds(30)).until(d -> (before == null || stale(before))
          && path().equals(path));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("expected page " + path + " but was " + path() + ":\n"
          + bodyText(), e);
    }
  }

  WebDriverWait wait(Duration timeout) {
    WebDriverWait w = new WebDriverWait(driver, timeout);
    w.pollingEvery(Duration.ofMillis(50));
    return w;
  }

  /** An attribute of an element, or null if it has none (yet). */
  String attribute(String css, String name) {
    return onAttachedNode(() -> find(css).getAttribute(name));
  }

  /** Waits until an attribute of an element is set, and returns it. */
  String waitForAttribute(String css, String name) {
    try {
      return wait(Duration.ofSeconds(30)).until(d -> {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("no " + name + " on " + css + " of " + path() + ":\n"
          + bodyText(), e);
    }
  }

  /** Saves downloads, without asking, into a new directory, which it returns. */
  Path downloadsTo() {
    try {
      Path dir = Files.createTempDirectory(profile, "downloads-");
      driver.executeCdpCommand("Browser.setDownloadBehavior",
          java.util.Map.of("behavior", "allow", "downloadPath", dir.toString()));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code dir} holds the finished file {@code name}, and returns its text. */
  String waitForDownload(Path dir, String name) {
    Path file = dir.resolve(name);
    try {
      wait(Duration.ofSeconds(30)).until(d -> Files.isRegularFile(file));
      return Files.readString(file);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("no download " + name + " while on " + path() + ":\n"
          + bodyText(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forgets every cookie (the session and any remembered device), as a new browser would. */
  void forgetCookies() {
    driver.manage().deleteAllCookies();
  }

  /** Scrolls so that the element is in the middle of the window (before a screenshot). */
  void scrollTo(String css) {
    driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", find(css));
  }

  /** Saves a PNG of the page under {@code target/screenshots}. */
  void screenshot(String name) {
    Path dir = Paths.get(System.getProperty("screenshots.dir", "target/screenshots"));
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp profile is harmless
    }
  }
}
