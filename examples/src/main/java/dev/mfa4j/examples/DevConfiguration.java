package dev.mfa4j.examples;

import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.spi.SecurityListener;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The {@code dev} profile: codes by text message and voice call, "sent" to the developer outbox
 * instead of phones, and the security notices mfa4j asks the host to e-mail shown there too. A
 * real host defines a {@code MessageSender} bean of its SMS provider instead, and the starter
 * registers text and voice codes with it.
 */
@Configuration(proxyBeanMethods = false)
@Profile("dev")
class DevConfiguration {
  @Bean
  DemoOutbox demoOutbox(Clock clock) {
    return new DemoOutbox(clock);
  }

  /** Text and voice codes, with the practice's name in each message (the starter backs off). */
  @Bean
  OneTimeCodeFactor phoneFactor(DemoOutbox outbox, UserDirectory users) {
    return OneTimeCodeFactor.builder()
        .sender(outbox)
        .practiceName(p -> users.practiceName(p.value()).orElse(p.value()))
        .defaultRegion("US")
        .build();
  }

  /** Security notices: a real host e-mails the user; the demo shows them in the outbox. */
  @Bean
  SecurityListener emailNotices(DemoOutbox outbox, UserDirectory users) {
    return notice -> users.find(notice.user().practice().value(), notice.user().user().value())
        .ifPresent(u -> outbox.email(u.email(), notice));
  }
}
