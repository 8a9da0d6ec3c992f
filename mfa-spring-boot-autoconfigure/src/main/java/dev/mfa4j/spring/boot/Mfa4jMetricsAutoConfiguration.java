package dev.mfa4j.spring.boot;

import dev.mfa4j.MfaEngine;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * mfa4j's {@link MfaMetrics} when Micrometer and a {@link MeterRegistry} bean are present (with
 * Spring Boot Actuator, the metrics endpoint and every exporter show them).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"},
    beforeName = "dev.mfa4j.spring.boot.Mfa4jAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, MfaEngine.class})
@ConditionalOnBean(MeterRegistry.class)
public class Mfa4jMetricsAutoConfiguration {
  /** Creates the configuration; Spring calls it. */
  public Mfa4jMetricsAutoConfiguration() {}

  /** The meters; also an audit listener of the engine. */
  @Bean
  @ConditionalOnMissingBean(MfaMetrics.class)
  MfaMetrics mfa4jMetrics(MeterRegistry registry) {
    return new MfaMetrics(registry);
  }
}
