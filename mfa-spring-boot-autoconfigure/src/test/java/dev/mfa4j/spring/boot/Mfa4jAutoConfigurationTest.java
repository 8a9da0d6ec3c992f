package dev.mfa4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.TwoFactorRequirement;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.MessageSender;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.sms.SendResult;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PrimaryCredentials;
import dev.mfa4j.spi.SecretProtector;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.webauthn.PasskeyFactor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class Mfa4jAutoConfigurationTest {
  static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(Mfa4jAutoConfiguration.class,
          Mfa4jMetricsAutoConfiguration.class))
      .withUserConfiguration(Credentials.class);

  private final ApplicationContextRunner withDatabase = runner
      .withUserConfiguration(Database.class)
      .withPropertyValues("mfa4j.secret.keys.k1=" + KEY);

  @Configuration(proxyBeanMethods = false)
  static class Credentials {
    @Bean
    PrimaryCredentials credentials() {
      return (user, password) -> false;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Database {
    @Bean
    DataSource dataSource() {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL("jdbc:h2:mem:autoconfig" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
      return ds;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Sender {
    @Bean
    MessageSender sender() {
      return message -> SendResult.accepted("id-1");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class HostBeans {
    @Bean
    TotpFactor hostTotp() {
      return TotpFactor.builder().issuer("Host's own").build();
    }

    @Bean
    MfaStore hostStore() {
      return new InMemoryMfaStore();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    MeterRegistry registry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void engine_withDataSourceAndKey_hasJdbcStoreAndAuthenticatorAppsOnly() {
    withDatabase.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(MfaEngine.class);
      assertThat(context).hasSingleBean(JdbcMfaStore.class);
      assertThat(context).hasSingleBean(TotpFactor.class);
      assertThat(context).doesNotHaveBean(PasskeyFactor.class);
      assertThat(context).doesNotHaveBean(OneTimeCodeFactor.class);
      assertThat(context.getBean(MfaEngine.class).kinds()).containsExactly(FactorKind.TOTP);
    });
  }

  @Test
  void passkeys_onlyWithRpId() {
    withDatabase.withPropertyValues("mfa4j.webauthn.rp-id=localhost",
        "mfa4j.webauthn.origins=http://localhost:8080").run(context -> {
          assertThat(context).hasSingleBean(PasskeyFactor.class);
          PasskeyFactor passkeys = context.getBean(PasskeyFactor.class);
          assertThat(passkeys.rpId()).isEqualTo("localhost");
          assertThat(passkeys.origins()).containsExactly("http://localhost:8080");
          assertThat(context.getBean(MfaEngine.class).kinds())
              .containsExactlyInAnyOrder(FactorKind.TOTP, FactorKind.PASSKEY);
        });
  }

  @Test
  void passwordlessUserVerification_requiredByDefault_preferredWhenSet() {
    ApplicationContextRunner passwordless = withDatabase.withPropertyValues(
        "mfa4j.webauthn.rp-id=localhost", "mfa4j.webauthn.origins=http://localhost:8080",
        "mfa4j.webauthn.passwordless=true");
    passwordless.run(context -> {
      assertThat(context.getBean(Mfa4jProperties.class).getWebauthn()
          .getPasswordlessUserVerification())
          .isEqualTo(Mfa4jProperties.Webauthn.UserVerification.REQUIRED);
      assertThat(passwordlessRequest(context.getBean(PasskeyFactor.class)))
          .contains("\"userVerification\":\"required\"");
    });
    passwordless.withPropertyValues("mfa4j.webauthn.passwordless-user-verification=preferred")
        .run(context -> assertThat(passwordlessRequest(context.getBean(PasskeyFactor.class)))
            .contains("\"userVerification\":\"preferred\""));
    passwordless.withPropertyValues("mfa4j.webauthn.passwordless-user-verification=sometimes")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("mfa4j.webauthn.passwordless-user-verification"));
  }

  private static String passwordlessRequest(PasskeyFactor passkeys) {
    FakeFactorContext ctx = FakeFactorContext.of(UserRef.staff("clinic", "alice"),
        FactorKind.PASSKEY, Clock.systemUTC());
    return passkeys.passwordlessPrompt(ctx).orElseThrow().clientJson().orElseThrow();
  }

  @Test
  void phone_onlyWithMessageSenderBean() {
    withDatabase.withUserConfiguration(Sender.class).run(context -> {
      assertThat(context).hasSingleBean(OneTimeCodeFactor.class);
      assertThat(context.getBean(MfaEngine.class).kinds()).contains(FactorKind.PHONE);
    });
  }

  @Test
  void noDataSource_noJdbcStore_andRefusedWithClearMessage() {
    runner.withPropertyValues("mfa4j.secret.keys.k1=" + KEY).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("no MfaStore").hasMessageContaining("DataSource");
    });
  }

  @Test
  void devMode_withoutDataSourceOrKey_startsInMemoryWithEphemeralKey() {
    runner.withPropertyValues("mfa4j.dev-mode=true").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(InMemoryMfaStore.class);
      assertThat(context).doesNotHaveBean(JdbcMfaStore.class);
      assertThat(((AesGcmSecretProtector) context.getBean(SecretProtector.class))
          .currentKeyId()).isEqualTo("dev-ephemeral");
    });
  }

  @Test
  void missingKey_refusedAtStartWithClearMessage() {
    runner.withUserConfiguration(Database.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("no secret key is configured")
          .hasMessageContaining("mfa4j.secret.keys.<id>");
    });
  }

  @Test
  void shortKey_refused() {
    runner.withUserConfiguration(Database.class)
        .withPropertyValues("mfa4j.secret.keys.k1=" + Base64.getEncoder()
            .encodeToString(new byte[16]))
        .run(context -> assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("decodes to 16 bytes"));
  }

  @Test
  void insecureOrigin_refusedAtStartWithClearMessage() {
    withDatabase.withPropertyValues("mfa4j.webauthn.rp-id=app.example.com",
        "mfa4j.webauthn.origins=http://app.example.com").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("insecure passkey origin http://app.example.com")
              .hasMessageContaining("https://");
        });
  }

  @Test
  void keys_fromEnvironmentVariables_throughRelaxedBinding() {
    runner.withUserConfiguration(Database.class)
        // Boot maps names like MFA4J_SECRET_KEYS_K1 only in the source it treats as the
        // environment, so the variables replace it here
        .withInitializer(c -> c.getEnvironment().getPropertySources().replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "MFA4J_SECRET_KEYS_OLD", KEY,
                "MFA4J_SECRET_KEYS_NEW", Base64.getEncoder().encodeToString(new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}),
                "MFA4J_SECRET_CURRENT", "new",
                "MFA4J_SECRET_MAC_KEY", "old"))))
        .run(context -> {
          assertThat(context).hasNotFailed();
          AesGcmSecretProtector p = (AesGcmSecretProtector) context.getBean(SecretProtector.class);
          assertThat(p.currentKeyId()).isEqualTo("new");
          assertThat(p.macKeyId()).isEqualTo("old");
        });
  }

  @Test
  void hostBeans_win() {
    withDatabase.withUserConfiguration(HostBeans.class).run(context -> {
      assertThat(context).hasSingleBean(TotpFactor.class);
      assertThat(context.getBean(TotpFactor.class).toString()).contains("Host's own");
      assertThat(context).doesNotHaveBean(JdbcMfaStore.class);
      assertThat(context).hasSingleBean(MfaStore.class);
    });
  }

  @Test
  void policyProperties_bound() {
    withDatabase.withPropertyValues("mfa4j.policy.requirement=all-staff",
        "mfa4j.policy.remember-device=30d", "mfa4j.policy.staff-methods=totp,passkey",
        "mfa4j.policy.lockout-threshold=7", "mfa4j.policy.step-up-max-age=10m",
        "mfa4j.totp.issuer=Sunrise Therapy").run(context -> {
          PracticePolicy p = context.getBean(PracticePolicy.class);
          assertThat(p.requirement()).isEqualTo(TwoFactorRequirement.ALL_STAFF);
          assertThat(p.rememberDevice()).isEqualTo(Duration.ofDays(30));
          assertThat(p.staffMethods()).isEqualTo(Set.of(FactorKind.TOTP, FactorKind.PASSKEY));
          assertThat(p.lockoutThreshold()).isEqualTo(7);
          assertThat(p.stepUpMaxAge()).isEqualTo(Duration.ofMinutes(10));
          assertThat(context.getBean(TotpFactor.class).toString()).contains("Sunrise Therapy");
        });
  }

  @Test
  void storeMigrate_trueCreatesTables_falseLeavesThemToTheHost() {
    withDatabase.run(context -> assertThat(hasTable(context.getBean(DataSource.class),
        "MFA_FACTOR")).isTrue());
    withDatabase.withPropertyValues("mfa4j.store.migrate=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(hasTable(context.getBean(DataSource.class), "MFA_FACTOR")).isFalse();
    });
  }

  @Test
  void metrics_onlyWithMeterRegistry() {
    withDatabase.run(context -> assertThat(context).doesNotHaveBean(MfaMetrics.class));
    withDatabase.withUserConfiguration(Meters.class)
        .run(context -> assertThat(context).hasSingleBean(MfaMetrics.class));
  }

  @Test
  void configurationMetadata_generatedWithDescriptions() throws IOException {
    try (InputStream in = getClass()
        .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the configuration processor's output").isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(json).contains("\"mfa4j.secret.keys\"", "\"mfa4j.secret.current\"",
          "\"mfa4j.store.migrate\"", "\"mfa4j.dev-mode\"", "\"mfa4j.webauthn.rp-id\"",
          "\"mfa4j.webauthn.origins\"", "\"mfa4j.totp.issuer\"", "\"mfa4j.policy.requirement\"",
          "\"mfa4j.policy.remember-device\"", "\"mfa4j.web.device-cookie-same-site\"",
          "\"mfa4j.web.csrf-session-safe\"",
          "\"mfa4j.webauthn.passwordless-user-verification\"",
          "\"mfa4j.webauthn.related-origins\"");
      assertThat(json).contains("Whether mfa4j runs its own schema migrations at start-up");
    }
  }

  private static boolean hasTable(DataSource ds, String table) throws SQLException {
    try (Connection c = ds.getConnection();
        ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
      return rs.next();
    }
  }
}
