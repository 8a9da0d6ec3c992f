package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;

/** Plays someone with write access to the database who edits the audit table by hand. */
final class AuditTamper {
  private AuditTamper() {}

  /** Changes the IP address recorded in entry {@code seq} of the practice's activity log. */
  static void changeIp(Demo demo, String practice, long seq) throws Exception {
    try (Connection c = demo.db().getConnection();
        PreparedStatement st = c.prepareStatement(
            "UPDATE mfa_audit SET ip = '203.0.113.66' WHERE practice = ? AND seq = ?")) {
      st.setString(1, practice);
      st.setLong(2, seq);
      assertThat(st.executeUpdate()).as("audit rows changed").isEqualTo(1);
    }
  }
}
