package dev.mfa4j.examples;

import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.spi.MfaStore;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.context.ConfigurableApplicationContext;

/** The running demo: its Spring context, and the parts tests reach into. */
final class Demo implements AutoCloseable {
  private final ConfigurableApplicationContext context;
  private final DemoConfig config;

  Demo(ConfigurableApplicationContext context, DemoConfig config) {
    this.context = context;
    this.config = config;
  }

  DemoConfig config() {
    return config;
  }

  int port() {
    return config.port();
  }

  String origin() {
    return config.originOrDefault();
  }

  MfaEngine mfa() {
    return context.getBean(MfaEngine.class);
  }

  UserDirectory users() {
    return context.getBean(UserDirectory.class);
  }

  Passwords passwords() {
    return context.getBean(Passwords.class);
  }

  Clock clock() {
    return context.getBean(Clock.class);
  }

  /** The host's database (mfa4j's tables and the demo's); tests reach it to play an intruder. */
  DataSource db() {
    return context.getBean(DataSource.class);
  }

  /** The developer outbox: only in the {@code dev} profile. */
  Optional<DemoOutbox> outbox() {
    return context.getBeanProvider(DemoOutbox.class).stream().findFirst();
  }

  /** Waits until the seeded users exist. */
  Demo awaitSeeded() {
    context.getBean(Seeding.class).await();
    return this;
  }

  /** The practice's policy as mfa4j applies it. */
  PracticePolicy policy(String practice) {
    return context.getBean(MfaStore.class).policies().find(PracticeId.of(practice))
        .orElse(context.getBean(PracticePolicy.class));
  }

  @Override
  public void close() {
    context.close();
  }
}
