package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class BrowserTest {
  @Test
  void requireExecutable_missingBrowser_failsLoudlyWithTheInstallStep() {
    assertThatThrownBy(() -> Browser.requireExecutable(Paths.get("/nonexistent/chromium")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(".ci/install-browser.sh")
        .hasMessageContaining("never skip");
  }
}
