package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditForwarderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AuditEvent event(String id, AuditType type, Optional<UserId> actor,
      Map<String, String> details) {
    return new AuditEvent(id, Instant.parse("2026-11-29T10:15:30.123456Z"), PracticeId.of("sunrise"),
        Optional.of(UserId.of("u-sam")), actor, type, AuditOutcome.SUCCESS, "127.0.0.1",
        "Firefox \"quoted\"\nnewline", details);
  }

  @Test
  void eachEvent_isOneJsonLine_withEveryField() throws Exception {
    StringWriter out = new StringWriter();
    JsonLinesAuditForwarder f = new JsonLinesAuditForwarder(out);
    f.onEvent(event("e1", AuditType.SIGN_IN_SUCCEEDED, Optional.empty(),
        Map.of("method", "totp", "device", "remembered")));
    f.onEvent(event("e2", AuditType.AUDIT_EXPORTED, Optional.of(UserId.of("u-ada")),
        Map.of("after", "0", "through", "41")));

    List<String> lines = out.toString().lines().toList();
    assertThat(out.toString()).endsWith("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("schema").asText()).isEqualTo(JsonLinesAuditForwarder.SCHEMA);
    assertThat(first.get("id").asText()).isEqualTo("e1");
    assertThat(first.get("at").asText()).isEqualTo("2026-11-29T10:15:30.123456Z");
    assertThat(first.get("practice").asText()).isEqualTo("sunrise");
    assertThat(first.get("subject").asText()).isEqualTo("u-sam");
    assertThat(first.get("actor").isNull()).isTrue();
    assertThat(first.get("type").asText()).isEqualTo("SIGN_IN_SUCCEEDED");
    assertThat(first.get("outcome").asText()).isEqualTo("SUCCESS");
    assertThat(first.get("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(first.get("userAgent").asText()).isEqualTo("Firefox \"quoted\"\nnewline");
    assertThat(first.get("details").get("method").asText()).isEqualTo("totp");
    assertThat(first.get("details").fieldNames()).toIterable().containsExactly("device", "method");
    // the live feed has no chain fields: those are in the export
    assertThat(first.has("seq")).isFalse();
    assertThat(first.has("digest")).isFalse();

    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("actor").asText()).isEqualTo("u-ada");
    assertThat(second.get("type").asText()).isEqualTo("AUDIT_EXPORTED");
  }

  @Test
  void aFailingWriter_neverThrowsIntoTheEngine_andTheNextEventIsTried() {
    class Flaky extends Writer {
      final StringBuilder written = new StringBuilder();
      boolean fail = true;

      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        if (fail) {
          fail = false;
          throw new IOException("collector down");
        }
        written.append(buf, off, len);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    }
    Flaky out = new Flaky();
    JsonLinesAuditForwarder f = new JsonLinesAuditForwarder(out);
    f.onEvent(event("lost", AuditType.CODE_SENT, Optional.empty(), Map.of()));
    f.onEvent(event("kept", AuditType.CODE_SENT, Optional.empty(), Map.of()));
    assertThat(out.written.toString()).contains("\"id\":\"kept\"").doesNotContain("lost");
  }

  @Test
  void appendingTo_keepsWhatTheFileHeld(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.writeString(file, "{\"earlier\":true}\n");
    try (JsonLinesAuditForwarder f = JsonLinesAuditForwarder.appendingTo(file)) {
      f.onEvent(event("e3", AuditType.POLICY_CHANGED, Optional.empty(), Map.of()));
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines.get(1)).get("id").asText()).isEqualTo("e3");
  }

  @Test
  void demo_withAuditLogSetting_forwardsItsEventsLive(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demo-audit.jsonl");
    DemoApp.Seed ada = DemoApp.SEEDS.get(0);
    try (Demo demo = DemoApp.start(DemoConfig.of(0, "jdbc:h2:mem:forward-" + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1").withAuditLog(file.toString()),
        dev.mfa4j.tck.MutableClock.at(Instant.now()), new java.security.SecureRandom())) {
      WebClient c = new WebClient(demo.origin());
      c.get("/signin");
      c.post("/signin", Map.of("email", ada.user().email(), "password", ada.password()));
    }
    List<JsonNode> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .map(l -> {
          try {
            return JSON.readTree(l);
          } catch (IOException e) {
            throw new AssertionError(l, e);
          }
        }).toList();
    assertThat(lines).anySatisfy(n -> {
      assertThat(n.get("type").asText()).isEqualTo("SIGN_IN_SUCCEEDED");
      assertThat(n.get("subject").asText()).isEqualTo(ada.user().id());
    });
  }
}
