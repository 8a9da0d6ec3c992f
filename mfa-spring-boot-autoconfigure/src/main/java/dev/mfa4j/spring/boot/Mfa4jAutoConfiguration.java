package dev.mfa4j.spring.boot;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.Slf4jAuditListener;
import dev.mfa4j.sms.MessageSender;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.spi.AuditListener;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PrimaryCredentials;
import dev.mfa4j.spi.SecretProtector;
import dev.mfa4j.spi.SecurityListener;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.webauthn.PasskeyFactor;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The mfa4j engine from {@code mfa4j.*} properties: the secret protector, the JDBC store on the
 * application's {@link DataSource}, the factor providers (authenticator apps always; passkeys when
 * {@code mfa4j.webauthn.rp-id} is set; phone codes when a {@link MessageSender} bean exists), the
 * audit log and the {@link MfaEngine}. Every bean backs off when the application defines its own.
 *
 * <p>The engine also takes, from the context: every {@link FactorProvider}, {@link AuditListener}
 * and {@link SecurityListener} bean, the {@link PrimaryCredentials} bean (see {@code
 * Mfa4jSecurityAutoConfiguration} for one over Spring Security's {@code UserDetailsService}), a
 * unique {@link Clock} bean, and every {@link MfaEngineCustomizer}.
 *
 * <p>Expired data is purged on a schedule ({@link MfaPurgeScheduler}, {@code
 * mfa4j.purge.interval}).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"})
@ConditionalOnClass(MfaEngine.class)
@EnableConfigurationProperties(Mfa4jProperties.class)
public class Mfa4jAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(Mfa4jAutoConfiguration.class);

  static final String NO_STORE = "mfa4j: no MfaStore. Add a DataSource (spring-boot-starter-jdbc"
      + " and a JDBC driver) with mfa-store-jdbc on the class path, define an MfaStore bean, or,"
      + " for development only, set mfa4j.dev-mode=true for an in-memory store.";
  static final String NO_CREDENTIALS = "mfa4j: no PrimaryCredentials. The engine checks the"
      + " user's password before sensitive changes: define a PrimaryCredentials bean (e.g."
      + " dev.mfa4j.passwords.Passwords, or your own password check), or a Spring Security"
      + " UserDetailsService bean, which mfa4j then uses.";

  /** Creates the configuration; Spring calls it. */
  public Mfa4jAutoConfiguration() {}

  /** The secret protector: AES-256-GCM with the keys of {@code mfa4j.secret.*}. */
  @Bean
  @ConditionalOnMissingBean(SecretProtector.class)
  SecretProtector mfa4jSecretProtector(Mfa4jProperties properties) {
    return SecretKeys.protector(properties.getSecret(), properties.isDevMode(),
        new SecureRandom());
  }

  /** Authenticator apps: always registered. */
  @Bean
  @ConditionalOnMissingBean(TotpFactor.class)
  TotpFactor mfa4jTotpFactor(Mfa4jProperties properties, Environment environment) {
    return TotpFactor.builder().issuer(issuer(properties, environment)).build();
  }

  /** The default practice policy from {@code mfa4j.policy.*}. */
  @Bean
  @ConditionalOnMissingBean(PracticePolicy.class)
  PracticePolicy mfa4jDefaultPolicy(Mfa4jProperties properties) {
    return Policies.of(properties.getPolicy());
  }

  /** Every audit event as a log line on {@code dev.mfa4j.audit}. */
  @Bean
  @ConditionalOnMissingBean(Slf4jAuditListener.class)
  @ConditionalOnBooleanProperty(name = "mfa4j.audit.log", matchIfMissing = true)
  Slf4jAuditListener mfa4jAuditLog() {
    return new Slf4jAuditListener();
  }

  /** The in-memory store: development mode without a DataSource only. */
  @Bean
  @ConditionalOnMissingBean({MfaStore.class, DataSource.class})
  @ConditionalOnBooleanProperty(name = "mfa4j.dev-mode")
  MfaStore mfa4jInMemoryStore() {
    LOG.warn("*** mfa4j DEV MODE: no DataSource; using an IN-MEMORY store. Every enrollment is"
        + " lost at a restart. ***");
    return new InMemoryMfaStore();
  }

  /** The engine. */
  @Bean
  @ConditionalOnMissingBean(MfaEngine.class)
  MfaEngine mfa4jEngine(ObjectProvider<MfaStore> store, SecretProtector protector,
      ObjectProvider<PrimaryCredentials> credentials, ObjectProvider<FactorProvider> factors,
      ObjectProvider<AuditListener> auditListeners,
      ObjectProvider<SecurityListener> securityListeners, PracticePolicy defaultPolicy,
      ObjectProvider<Clock> clock, ObjectProvider<MfaEngineCustomizer> customizers) {
    MfaEngine.Builder b = MfaEngine.builder()
        .store(available(store.getIfAvailable(), NO_STORE))
        .secretProtector(protector)
        .primaryCredentials(available(credentials.getIfAvailable(), NO_CREDENTIALS))
        .defaultPolicy(defaultPolicy)
        .clock(clock.getIfUnique(Clock::systemUTC));
    // one provider per kind: the same bean may be found twice through aliases
    for (FactorProvider f : new LinkedHashSet<>(factors.orderedStream().toList())) {
      b.factor(f);
    }
    auditListeners.orderedStream().forEach(b::auditListener);
    securityListeners.orderedStream().forEach(b::securityListener);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** {@code MfaEngine.purgeExpired()} every {@code mfa4j.purge.interval} (0: never). */
  @Bean
  @ConditionalOnMissingBean(MfaPurgeScheduler.class)
  MfaPurgeScheduler mfa4jPurgeScheduler(MfaEngine mfa, Mfa4jProperties properties) {
    return new MfaPurgeScheduler(mfa, properties.getPurge().getInterval());
  }

  private static <T> T available(T bean, String message) {
    if (bean == null) {
      throw new IllegalStateException(message);
    }
    return bean;
  }

  static String issuer(Mfa4jProperties properties, Environment environment) {
    String issuer = properties.getTotp().getIssuer();
    if (issuer == null || issuer.isBlank()) {
      issuer = environment.getProperty("spring.application.name", "mfa4j");
    }
    return issuer;
  }

  /** The JDBC store on the application's DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcMfaStore.class)
  @ConditionalOnBean(DataSource.class)
  static class JdbcStoreConfiguration {
    @Bean
    @ConditionalOnMissingBean(MfaStore.class)
    JdbcMfaStore mfa4jJdbcStore(DataSource dataSource, Mfa4jProperties properties,
        ObjectProvider<Clock> clock) {
      JdbcMfaStore store = JdbcMfaStore.builder(dataSource)
          .tablePrefix(properties.getStore().getTablePrefix())
          .clock(clock.getIfUnique(Clock::systemUTC))
          .build();
      if (properties.getStore().isMigrate()) {
        store.migrate();
      } else {
        LOG.info("mfa4j.store.migrate=false: mfa4j's schema ({}) is left to the application's"
            + " migrations (scripts in {})", store.tablePrefix() + "*",
            store.dialect().migrationsLocation());
      }
      return store;
    }
  }

  /** Passkeys, when {@code mfa4j.webauthn.rp-id} is set. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(PasskeyFactor.class)
  @ConditionalOnProperty(name = "mfa4j.webauthn.rp-id")
  static class PasskeyConfiguration {
    @Bean
    @ConditionalOnMissingBean(PasskeyFactor.class)
    PasskeyFactor mfa4jPasskeyFactor(Mfa4jProperties properties, Environment environment) {
      Mfa4jProperties.Webauthn w = properties.getWebauthn();
      List<String> origins = w.getOrigins().isEmpty()
          ? List.of("https://" + w.getRpId()) : w.getOrigins();
      Origins.check(origins);
      String name = w.getRpName() == null || w.getRpName().isBlank()
          ? issuer(properties, environment) : w.getRpName();
      return PasskeyFactor.builder()
          .relyingParty(w.getRpId(), name)
          .origins(new LinkedHashSet<>(origins.stream().map(String::strip).toList()))
          .passwordless(w.isPasswordless())
          .passwordlessUserVerification(PasskeyFactor.UserVerification.valueOf(
              w.getPasswordlessUserVerification().name()))
          .build();
    }
  }

  /** Codes by text message or voice call, when the application provides a MessageSender. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OneTimeCodeFactor.class)
  @ConditionalOnBean(MessageSender.class)
  static class PhoneConfiguration {
    @Bean
    @ConditionalOnMissingBean(OneTimeCodeFactor.class)
    OneTimeCodeFactor mfa4jPhoneFactor(MessageSender sender, Mfa4jProperties properties) {
      OneTimeCodeFactor.Builder b = OneTimeCodeFactor.builder().sender(sender);
      Mfa4jProperties.Phone p = properties.getPhone();
      if (p.getDefaultRegion() != null && !p.getDefaultRegion().isBlank()) {
        b.defaultRegion(p.getDefaultRegion().strip());
      }
      if (!p.getAllowedRegions().isEmpty()) {
        b.allowedRegions(p.getAllowedRegions());
      }
      return b.build();
    }
  }
}
