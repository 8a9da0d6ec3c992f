package dev.mfa4j.spring.security;

import static dev.mfa4j.spring.security.WebFixture.enrollTotp;
import static dev.mfa4j.spring.security.WebFixture.json;
import static dev.mfa4j.spring.security.WebFixture.login;
import static dev.mfa4j.spring.security.WebFixture.mvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.spring.boot.MfaEngineCustomizer;
import dev.mfa4j.spring.boot.MfaMetrics;
import dev.mfa4j.spring.boot.Totp;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.GenericWebApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * mfa4j's meters where an application with Spring Boot Actuator looks for them: its metrics
 * endpoint, fed by the registry Actuator makes (the application declares none), behind the
 * application's own rules, tagged with kind and outcome only.
 */
class ActuatorMetricsTest {
  /** An application with Actuator on its class path and no meter registry of its own. */
  @EnableAutoConfiguration
  static class HostApp {
    @Bean
    MutableClock clock() {
      return MutableClock.at(TestApp.START);
    }

    @Bean
    DataSource dataSource() {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL("jdbc:h2:mem:actuator;DB_CLOSE_DELAY=-1");
      return ds;
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(User.withUsername("alice")
          .password("{noop}" + TestApp.PASSWORD).roles("STAFF").build());
    }

    @Bean
    MfaUserResolver mfaUsers() {
      return MfaUserResolver.singlePractice("clinic");
    }

    @Bean
    MfaEngineCustomizer fastBackupCodes() {
      return b -> b.backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1));
    }

    @Bean
    SecurityFilterChain app(HttpSecurity http) {
      return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .formLogin(Customizer.withDefaults()).build();
    }
  }

  @Test
  void signInMeters_onActuatorsMetricsEndpoint_taggedWithKindAndOutcomeOnly() throws Exception {
    // a servlet application on a mock servlet context, as Spring Boot's tests run one
    SpringApplication application = new SpringApplication(HostApp.class);
    application.setWebApplicationType(WebApplicationType.SERVLET);
    application.setApplicationContextFactory(
        type -> new GenericWebApplicationContext(new MockServletContext()));
    try (ConfigurableApplicationContext context = application.run(
        "--spring.main.banner-mode=off", "--mfa4j.secret.keys.k1=" + WebFixture.KEY,
        "--mfa4j.audit.log=false",
        "--mfa4j.purge.interval=0", "--management.endpoints.web.exposure.include=metrics",
        "--logging.level.root=WARN")) {
      WebApplicationContext web = (WebApplicationContext) context;
      MockMvc mvc = mvc(web);
      MutableClock clock = context.getBean(MutableClock.class);
      MfaSecurityFlowTest.App app = enrollTotp(web, "alice");
      clock.advance(Duration.ofMinutes(1));

      // not signed in: the endpoint is behind the application's rules
      assertThat(mvc.perform(get("/actuator/metrics")).andReturn().getResponse().getStatus())
          .isEqualTo(302);

      MockHttpSession session = new MockHttpSession();
      login(mvc, session, "alice");
      mvc.perform(get("/").session(session));
      mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value()).param("code", "000000"));
      mvc.perform(post("/mfa4j/verify").session(session).with(csrf())
          .param("factor", app.factor().value())
          .param("code", Totp.code(app.key(), clock.instant())));

      JsonNode names = json(mvc.perform(get("/actuator/metrics").session(session)).andReturn());
      List<String> meters = new ArrayList<>();
      names.get("names").forEach(n -> meters.add(n.asString()));
      assertThat(meters).contains(MfaMetrics.SIGN_IN, MfaMetrics.VERIFICATION);

      JsonNode verification = json(mvc.perform(get("/actuator/metrics/"
          + MfaMetrics.VERIFICATION).session(session)).andReturn());
      assertThat(count(verification)).isEqualTo(2.0);
      List<String> tags = new ArrayList<>();
      verification.get("availableTags").forEach(t -> {
        tags.add(t.get("tag").asString());
        if (t.get("tag").asString().equals("kind")) {
          assertThat(t.get("values").toString()).contains("totp");
        }
        if (t.get("tag").asString().equals("outcome")) {
          assertThat(t.get("values").toString()).contains("accepted", "retry");
        }
      });
      // no user, practice or phone number in a tag
      assertThat(tags).containsExactlyInAnyOrder("kind", "outcome");
      assertThat(verification.toString()).doesNotContain("alice", "clinic");
    }
  }

  private static double count(JsonNode metric) {
    for (JsonNode m : metric.get("measurements")) {
      if (m.get("statistic").asString().equals("COUNT")) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no COUNT in " + metric);
  }
}
