package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every lookup the engine makes is served by an index (checked on PostgreSQL's plans, with
 * sequential scans disabled so that a missing index shows as a Seq Scan). Where two indexes serve
 * a query equally, either is accepted ({@code a / b}).
 */
class IndexUsageTest {
  private static final String PREFIX = "idx_";

  @BeforeAll
  static void migrate() {
    JdbcMfaStore.builder(Databases.postgres()).tablePrefix(PREFIX).build().migrate();
  }

  private static String plan(String sql) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = Databases.postgres().getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        s.execute("SET LOCAL enable_seqscan = off");
        try (ResultSet rs = s.executeQuery("EXPLAIN " + sql.replace("${p}", PREFIX))) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    return String.join("\n", lines);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "factor by owner and id | SELECT * FROM ${p}factor WHERE practice = 'p' AND user_id = 'u'"
          + " AND id = 'f' | ${p}factor_pkey / ${p}factor_user",
      "factors of a user, oldest first | SELECT * FROM ${p}factor WHERE practice = 'p'"
          + " AND user_id = 'u' ORDER BY created, id | ${p}factor_user",
      "factor by lookup key | SELECT * FROM ${p}factor WHERE kind = 'passkey'"
          + " AND lookup_hash = '\\x00'::bytea | ${p}factor_lookup",
      "challenge by id hash | SELECT * FROM ${p}challenge WHERE id_hash = '\\x00'::bytea"
          + " | ${p}challenge_pkey",
      "expired challenges | SELECT * FROM ${p}challenge WHERE expires < now()::timestamp"
          + " | ${p}challenge_expires",
      "challenge state | SELECT state_value FROM ${p}challenge_state WHERE id_hash = '\\x00'::bytea"
          + " AND state_key = 'k' | ${p}challenge_state_pkey",
      "backup code | SELECT * FROM ${p}backup_code WHERE practice = 'p' AND user_id = 'u'"
          + " AND lookup_id = 'ABCD' | ${p}backup_code_pkey",
      "unused backup codes | SELECT COUNT(*) FROM ${p}backup_code WHERE practice = 'p'"
          + " AND user_id = 'u' AND used IS NULL | ${p}backup_code_pkey",
      "device by token hash | SELECT * FROM ${p}device WHERE token_hash = '\\x00'::bytea"
          + " | ${p}device_token",
      "devices of a user | SELECT * FROM ${p}device WHERE practice = 'p' AND user_id = 'u'"
          + " ORDER BY created DESC, id DESC | ${p}device_user",
      "user state and last sign-in | SELECT * FROM ${p}user_state WHERE practice = 'p'"
          + " AND user_id = 'u' | ${p}user_state_pkey",
      "audit of a practice, newest first | SELECT * FROM ${p}audit WHERE practice = 'p'"
          + " ORDER BY occurred DESC, id DESC LIMIT 50 | ${p}audit_practice",
      "audit of a user, next page | SELECT * FROM ${p}audit WHERE practice = 'p' AND subject = 'u'"
          + " AND occurred < now()::timestamp ORDER BY occurred DESC, id DESC LIMIT 50"
          + " | ${p}audit_subject",
      "policy | SELECT policy FROM ${p}policy WHERE practice = 'p' | ${p}policy_pkey",
      "counter | SELECT hits FROM ${p}counter WHERE counter_key = 'k' | ${p}counter_pkey",
      "password | SELECT * FROM ${p}password WHERE practice = 'p' AND user_id = 'u'"
          + " | ${p}password_pkey"})
  void lookup_usesAnIndex(String name, String sql, String index) throws Exception {
    String plan = plan(sql);

    assertThat(plan).as(name).doesNotContain("Seq Scan");
    List<String> accepted = new ArrayList<>();
    for (String alternative : index.split("/")) {
      accepted.add(alternative.strip().replace("${p}", PREFIX));
    }
    assertThat(accepted).as("%s: one of the indexes is used in%n%s", name, plan)
        .anyMatch(plan::contains);
  }
}
