package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Checklist row "constant-time comparisons": the code path that compares a typed code with the
 * expected ones uses {@code MessageDigest.isEqual} and no {@code equals}, {@code compareTo} or
 * integer comparison of codes. Reads the source, so a refactoring that reintroduces {@code
 * String.equals} fails here.
 */
class ConstantTimeSourceTest {
  static String source(String name) throws IOException {
    Path p = Path.of("src/main/java/dev/mfa4j/totp", name);
    assertThat(p).as("run from the mfa-totp module directory").exists();
    return Files.readString(p);
  }

  @Test
  void otp_comparesCodesWithMessageDigestIsEqualOnly() throws IOException {
    String otp = source("Otp.java");
    assertThat(otp).contains("MessageDigest.isEqual(expected, given)");
    assertThat(otp).doesNotContain(".equals(").doesNotContain("compareTo(")
        .doesNotContain("Integer.parseInt").doesNotContain("String.format");
  }

  @Test
  void provider_neverComparesCodesItself() throws IOException {
    String factor = source("TotpFactor.java");
    assertThat(factor).contains("Otp.verify(");
    assertThat(factor).doesNotContain("typed.equals").doesNotContain("reveal().equals")
        .doesNotContain("String.format");
  }
}
