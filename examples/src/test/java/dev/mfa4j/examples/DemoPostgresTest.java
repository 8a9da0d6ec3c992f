package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.tck.MutableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo on PostgreSQL when given a PostgreSQL JDBC URL (embedded PostgreSQL here). */
class DemoPostgresTest {
  @Test
  void postgresUrl_demoMigratesSeedsAndSignsIn() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1").start()) {
      DemoConfig config = DemoConfig.of(0, "jdbc:h2:unused")
          .withDatabase("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
              "postgres");
      try (Demo demo = DemoApp.start(config, MutableClock.at(Instant.now()), new SecureRandom())
          .awaitSeeded()) {
        WebClient c = new WebClient(demo.origin());
        c.get("/signin");
        DemoApp.Seed ada = DemoApp.SEEDS.get(0);
        assertThat(WebClient.location(c.post("/signin",
            Map.of("email", ada.user().email(), "password", ada.password())))).isEqualTo("/");
        assertThat(c.get("/admin").body()).contains("sam@sunrise.example");
      }
      try (Connection conn = pg.getPostgresDatabase().getConnection();
          Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM demo_user")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(DemoApp.SEEDS.size());
      }
      try (Connection conn = pg.getPostgresDatabase().getConnection();
          Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM mfa_audit")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the sign-in was audited in PostgreSQL").isPositive();
      }
    }
  }
}
