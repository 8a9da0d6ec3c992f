package dev.mfa4j.examples;

import dev.mfa4j.AuditSigner;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spring.boot.MfaEngineCustomizer;
import dev.mfa4j.webauthn.PasskeyFactor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the host adds to the engine the starter builds: its users and passwords, passkeys for its
 * own origin, a key that signs audit checkpoints and an optional live audit feed. The seeded
 * practice: {@link Seeding}. (The starter also schedules mfa4j's purge of expired data:
 * {@code mfa4j.purge.interval}.) The starter picks each bean up: a {@code PrimaryCredentials}
 * (the passwords), {@code FactorProvider}s (the passkey factor; it backs off its own), {@code
 * AuditListener}s and {@code MfaEngineCustomizer}s.
 */
@Configuration(proxyBeanMethods = false)
class HostConfiguration {
  /** The host's own user and practice tables, beside mfa4j's in the same database. */
  @Bean
  UserDirectory userDirectory(DataSource db) {
    UserDirectory users = new UserDirectory(db);
    users.createTables();
    return users;
  }

  /**
   * mfa4j's built-in passwords (module mfa-passwords: Argon2id, NIST rules); a host may keep its
   * own and implement {@code PrimaryCredentials}. Built over the whole store so that the failure
   * throttle limits online guessing at the sign-in form. mfa4j checks the password through them
   * before sensitive changes, and runs the forced change and the administrator's reset.
   */
  @Bean
  Passwords passwords(MfaStore store, Clock clock, SecureRandom random, UserDirectory users) {
    return Passwords.builder(store)
        .clock(clock)
        .random(random)
        .contextWords(u -> List.of(
            users.practiceName(u.practice().value()).orElse(u.practice().value()),
            users.find(u.practice().value(), u.user().value()).map(DemoUser::email)
                .orElse("")))
        .build();
  }

  /**
   * Passkeys, as the second step and as the first (passwordless) sign-in, bound to the demo's
   * origin. A passkey that checked it's the person (fingerprint, face, PIN) signs in alone where
   * the practice allows it; one that only saw a touch (a security key without a PIN) is accepted
   * as one factor and the password is asked too, hence PREFERRED rather than REQUIRED.
   */
  @Bean
  PasskeyFactor passkeyFactor(DemoConfig config) {
    Set<String> origins = new LinkedHashSet<>(Set.of(config.originOrDefault()));
    origins.addAll(config.relatedOrigins());
    return PasskeyFactor.builder()
        .relyingParty(URI.create(config.originOrDefault()).getHost(), DemoApp.PRACTICE_NAME)
        .origins(origins)
        .passwordless(true)
        .passwordlessUserVerification(PasskeyFactor.UserVerification.PREFERRED)
        .build();
  }

  /**
   * The key that signs checkpoints of the audit trail: a checkpoint kept outside the database is
   * what exposes a rewrite of the whole trail. The demo makes a new key at each start, with a new
   * id so that an earlier start's checkpoints in a persistent database are set aside rather than
   * failing. A real host loads its Ed25519 key pair from its secret store, never from the
   * database, and gives the public key to its auditors.
   */
  @Bean
  MfaEngineCustomizer auditSigning(SecureRandom random) {
    byte[] tag = new byte[4];
    random.nextBytes(tag);
    AuditSigner signer = AuditSigner.generate("demo-" + HexFormat.of().formatHex(tag));
    return builder -> builder.auditSigner(signer);
  }

  /** Every audit event also goes out live as a JSON line (the shape of a SIEM feed). */
  @Bean
  @ConditionalOnProperty("demo.audit-log")
  JsonLinesAuditForwarder auditForwarder(@Value("${demo.audit-log}") String file)
      throws IOException {
    return JsonLinesAuditForwarder.appendingTo(Path.of(file));
  }
}
