package dev.mfa4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.FactorKind;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.PrimaryCredentials;
import dev.mfa4j.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The scheduled {@code MfaEngine.purgeExpired()}: runs every {@code mfa4j.purge.interval} from
 * the context's start to its stop, deletes an expired ceremony, and is off at 0.
 */
class MfaPurgeSchedulerTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(Mfa4jAutoConfiguration.class))
      .withBean(PrimaryCredentials.class, () -> (user, password) -> true)
      .withBean(MutableClock.class, () -> MutableClock.at(Instant.parse("2026-11-23T09:00:00Z")))
      .withPropertyValues("mfa4j.dev-mode=true", "mfa4j.audit.log=false",
          "mfa4j.secret.keys.k1=" + Mfa4jAutoConfigurationTest.KEY);

  @Test
  void purge_shortInterval_deletesAnExpiredCeremony_andStopsWithTheContext() {
    runner.withPropertyValues("mfa4j.purge.interval=50ms").run(context -> {
      MfaPurgeScheduler scheduler = context.getBean(MfaPurgeScheduler.class);
      assertThat(scheduler.isRunning()).isTrue();
      assertThat(scheduler.interval()).isEqualTo(Duration.ofMillis(50));
      MfaEngine mfa = context.getBean(MfaEngine.class);
      // an enrollment begun and never confirmed: its ceremony expires
      mfa.account(UserRef.staff("clinic", "alice")).beginEnrollment(FactorKind.TOTP, "Phone",
          Password.of("anything"), Map.of(), RequestContext.of("127.0.0.1", "test"));
      context.getBean(MutableClock.class).advance(Duration.ofHours(1));

      assertThat(awaitPurge(scheduler)).isTrue();
      assertThat(scheduler.totalPurged().challenges()).isGreaterThanOrEqualTo(1);
      assertThat(scheduler.lastPurge()).isPresent();
      context.stop();
      assertThat(scheduler.isRunning()).isFalse();
    });
  }

  @Test
  void purge_zeroInterval_isOff() {
    runner.withPropertyValues("mfa4j.purge.interval=0").run(context -> {
      MfaPurgeScheduler scheduler = context.getBean(MfaPurgeScheduler.class);
      assertThat(scheduler.isRunning()).isFalse();
      assertThat(scheduler.lastPurge()).isEmpty();
    });
  }

  @Test
  void purge_defaultInterval_isOneHour() {
    runner.run(context -> assertThat(context.getBean(MfaPurgeScheduler.class).interval())
        .isEqualTo(Duration.ofHours(1)));
  }

  /** Whether some run deleted something within 10 seconds. */
  private static boolean awaitPurge(MfaPurgeScheduler scheduler) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (scheduler.totalPurged().total() > 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
