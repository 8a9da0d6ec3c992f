package dev.mfa4j.examples;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The demo on PostgreSQL when given a PostgreSQL JDBC URL (embedded PostgreSQL here). */
class DemoPostgresTest {
  @Test
  void postgresUrl_demoMigratesSeedsAndSignsIn() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1").start()) {
      DemoConfig config = new DemoConfig(0, "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
          Optional.of("postgres"), Optional.of("postgres"), Optional.empty(), Optional.empty());
      Demo demo = DemoApp.start(config, MutableClock.at(Instant.now()), new SecureRandom());
      try {
        WebClient c = new WebClient("http://localhost:" + demo.port());
        c.get("/signin");
        DemoApp.Seed ada = DemoApp.SEEDS.get(0);
        HttpResponse<String> r = c.post("/signin",
            Map.of("email", ada.user().email(), "password", ada.password()));
        assertThat(r.headers().firstValue("Location")).contains("/");
        assertThat(c.get("/admin").body()).contains("sam@sunrise.example");
      } finally {
        demo.stop();
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
