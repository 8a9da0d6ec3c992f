package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After enrolling an app factor and a phone, signing in with "remember this device", using a
 * backup code and leaving a challenge pending, the raw rows of every table hold no factor secret,
 * code, backup code, device token, challenge id or phone number — in text, hex or base64.
 */
class AtRestTest {
  private static final String PHONE = "+15551234567";

  private static List<String> rawValues(javax.sql.DataSource ds, List<String> tables)
      throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              if (v instanceof byte[] b) {
                values.add(HexFormat.of().formatHex(b));
                values.add(Base64.getEncoder().encodeToString(b));
                values.add(Base64.getUrlEncoder().encodeToString(b));
                values.add(new String(b, StandardCharsets.ISO_8859_1));
              } else if (v != null) {
                String text = String.valueOf(v);
                values.add(text);
                try {
                  values.add(java.net.URLDecoder.decode(text, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException notUrlEncoded) {
                  // the plain text was added above
                }
              }
            }
          }
        }
      }
    }
    return values;
  }

  private static long count(javax.sql.DataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection()) {
      return Jdbc.queryOne(c, sql, rs -> rs.getLong(1)).orElseThrow();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rawRows_holdNoPlaintextSecretCodeTokenOrPhoneNumber(Dialect dialect) throws Exception {
    javax.sql.DataSource ds = Databases.of(dialect);
    String prefix = Databases.freshPrefix();
    JdbcMfaStore store = JdbcMfaStore.builder(ds).tablePrefix(prefix).build();
    store.migrate();
    PracticePolicy policy = Nodes.permissive().toBuilder().rememberDevice(Duration.ofDays(30))
        .build();
    MfaEngine engine = new Nodes().engine(store, MutableClock.at("2026-03-04T10:00:00Z"), policy);
    UserRef user = UserRef.staff("atrest", "dana");

    Nodes.Enrolled app = Nodes.enroll(engine, user, Nodes.APP, Map.of());
    Nodes.Enrolled phone = Nodes.enroll(engine, user, FactorKind.PHONE, Map.of("phone", PHONE));
    ChallengeId c1 = Nodes.challenge(engine, user).challenge();
    LoginStep signedIn = engine.login().verify(user, c1, Answer.code(app.id(), app.code() + "#7"),
        RememberDevice.YES, Nodes.REQUEST);
    assertThat(signedIn).isInstanceOf(LoginStep.Authenticated.class);
    String deviceToken = ((LoginStep.Authenticated) signedIn).rememberedDevice().orElseThrow()
        .reveal();
    List<String> backupCodes = app.backupCodes().reveal();
    ChallengeId c2 = Nodes.challenge(engine, user).challenge();
    assertThat(engine.login().verify(user, c2, Answer.backupCode(backupCodes.get(0)),
        RememberDevice.NO, Nodes.REQUEST)).isInstanceOf(LoginStep.Authenticated.class);
    ChallengeId pending = Nodes.challenge(engine, user).challenge();

    List<String> secrets = new ArrayList<>(List.of(app.code(), phone.code(), PHONE,
        PHONE.substring(1), PHONE.substring(2), deviceToken, pending.reveal(), c1.reveal(),
        c2.reveal(), Nodes.PASSWORD));
    for (String code : backupCodes) {
      String compact = code.replace("-", "");
      secrets.add(code);
      secrets.add(compact);
      secrets.add(compact.substring(4));
    }

    List<String> raw = rawValues(ds, store.tableNames());
    for (String value : raw) {
      String lower = value.toLowerCase(Locale.ROOT);
      for (String secret : secrets) {
        assertThat(lower).as("a raw value").doesNotContain(secret.toLowerCase(Locale.ROOT));
      }
    }

    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "factor")).isEqualTo(2);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "backup_code")).isEqualTo(10);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "device")).isEqualTo(1);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "challenge")).isGreaterThanOrEqualTo(3);
    assertThat(count(ds, "SELECT COUNT(*) FROM " + prefix + "audit")).isGreaterThan(5);
    assertThat(raw).as("the scan saw the rows").hasSizeGreaterThan(100);
    assertThat(raw).as("positive control: non-secret attributes are scanned")
        .anyMatch(v -> v.contains("•••67"));
    assertThat(raw).as("positive control: backup lookup ids (first group) are scanned")
        .anyMatch(v -> v.equals(backupCodes.get(3).substring(0, 4)));
  }
}
