package dev.mfa4j.spring.security;

import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.spring.boot.MfaEngineCustomizer;
import dev.mfa4j.tck.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AllRequiredFactorsAuthorizationManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The host application of the security tests: an H2 database, users in memory with passwords,
 * form login, every page behind authentication (and so behind mfa4j's completed sign-in), and
 * {@code /chart/export} behind a step-up rule: an authenticator-app code within 5 minutes, by the
 * same mutable clock the engine uses.
 */
@Configuration(proxyBeanMethods = false)
class TestApp {
  static final String PASSWORD = "correct-horse-battery-staple";
  static final Instant START = Instant.parse("2026-11-23T09:00:00Z");
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Bean
  MutableClock clock() {
    return MutableClock.at(START);
  }

  @Bean
  DataSource dataSource() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:security" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  @Bean
  MeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }

  @Bean
  UserDetailsService users() {
    InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
    for (String name : new String[] {"alice", "bob", "carol", "erin"}) {
      users.createUser(User.withUsername(name).password("{noop}" + PASSWORD).roles("STAFF")
          .build());
    }
    return users;
  }

  @Bean
  MfaUserResolver mfaUsers() {
    return MfaUserResolver.singlePractice("clinic");
  }

  /** Cheap backup-code hashing: these tests are not about its cost. */
  @Bean
  MfaEngineCustomizer fastBackupCodes() {
    return b -> b.backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1));
  }

  @Bean
  SecurityFilterChain app(HttpSecurity http, Clock clock) {
    AllRequiredFactorsAuthorizationManager<RequestAuthorizationContext> recentTotp =
        AllRequiredFactorsAuthorizationManager.<RequestAuthorizationContext>builder()
            .requireFactor(f -> f.authority(MfaAuthorities.TOTP)
                .validDuration(Duration.ofMinutes(5)))
            .build();
    recentTotp.setClock(clock);
    return http
        .authorizeHttpRequests(a -> a
            .requestMatchers("/chart/export").access(recentTotp)
            .anyRequest().authenticated())
        .formLogin(Customizer.withDefaults())
        .build();
  }

  /** The host's pages (a member class of this configuration: Spring registers it). */
  @RestController
  static class Pages {
    @GetMapping("/")
    String home() {
      return "home";
    }

    @GetMapping("/chart/export")
    String export() {
      return "export";
    }

    /** The principal's authorities, one per line, with the issue time of factor authorities. */
    @GetMapping("/whoami")
    String whoami(Authentication auth) {
      return auth.getName() + "\n" + auth.getAuthorities().stream()
          .map(a -> a.getAuthority() + (a instanceof FactorGrantedAuthority f
              ? "@" + f.getIssuedAt() : ""))
          .sorted().collect(Collectors.joining("\n"));
    }
  }
}
