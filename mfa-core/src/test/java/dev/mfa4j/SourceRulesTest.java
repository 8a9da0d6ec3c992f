package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules read off the main sources: secrets are compared in constant time, time comes from the
 * injected clock, randomness from the injected SecureRandom.
 */
class SourceRulesTest {
  private static List<Path> mainSources() throws IOException {
    Path root = Path.of("src/main/java");
    assertThat(root).as("run from the module directory").isDirectory();
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void mainSources_noVariableTimeComparisonOfSecrets() throws IOException {
    for (Path p : mainSources()) {
      String src = Files.readString(p);
      assertThat(src).as(p.toString())
          .doesNotContain("reveal().equals(")
          .doesNotContain("Arrays.equals(")
          .doesNotContain("chars().equals(");
    }
    assertThat(Files.readString(Path.of("src/main/java/dev/mfa4j/internal/Argon2id.java")))
        .contains("MessageDigest.isEqual");
  }

  @Test
  void mainSources_noWallClockNoWeakRandom() throws IOException {
    for (Path p : mainSources()) {
      String src = Files.readString(p);
      assertThat(src).as(p.toString())
          .doesNotContain("Instant.now()")
          .doesNotContain("System.currentTimeMillis")
          .doesNotContain("new Random(")
          .doesNotContain("Math.random");
    }
  }
}
