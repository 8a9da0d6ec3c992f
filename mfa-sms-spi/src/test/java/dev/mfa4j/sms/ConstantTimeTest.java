package dev.mfa4j.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Codes are compared as keyed hashes with {@code MessageDigest.isEqual}, never with equals. */
class ConstantTimeTest {
  @Test
  void source_comparesCodeHashesInConstantTime() throws IOException {
    String src = Files.readString(
        Path.of("src/main/java/dev/mfa4j/sms/StoredCode.java"), StandardCharsets.UTF_8);
    assertThat(src).contains("MessageDigest.isEqual(s.hash, hash(");
    for (String file : new String[] {"StoredCode.java", "OneTimeCodeFactor.java"}) {
      assertThat(Files.readString(Path.of("src/main/java/dev/mfa4j/sms/" + file),
              StandardCharsets.UTF_8))
          .as(file)
          .doesNotContainPattern("(typed|code|hash|reveal\\(\\))\\s*\\.equals\\(")
          .doesNotContainPattern("Arrays\\.equals\\(");
    }
  }
}
