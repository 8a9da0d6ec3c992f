package dev.mfa4j.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.MfaEngine;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spring.boot.MfaPurgeScheduler;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.Authentication;

/**
 * The beans this work added back off when the application defines its own, and the default
 * principal lookup serves the resolver's single practice.
 */
class BeanBackOffTest {
  @Test
  void principalLookup_default_overUserDetails_forTheResolversPractice() {
    WebFixture.runner().run(context -> {
      MfaPrincipalLookup lookup = context.getBean(MfaPrincipalLookup.class);
      assertThat(lookup.practice(new MockHttpServletRequest()))
          .contains(PracticeId.of("clinic"));
      assertThat(lookup.principal(PracticeId.of("clinic"), UserId.of("alice")))
          .hasValueSatisfying(a -> {
            assertThat(a.getName()).isEqualTo("alice");
            assertThat(a.getCredentials()).isNull();
          });
      assertThat(lookup.principal(PracticeId.of("clinic"), UserId.of("nobody"))).isEmpty();
      assertThat(lookup.principal(PracticeId.of("other"), UserId.of("alice"))).isEmpty();
      assertThat(context).hasSingleBean(MfaStepUpExceptionResolver.class);
    });
  }

  /** The application's own beans of the new types. */
  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final MfaPrincipalLookup LOOKUP = new MfaPrincipalLookup() {
      @Override
      public Optional<PracticeId> practice(HttpServletRequest request) {
        return Optional.empty();
      }

      @Override
      public Optional<Authentication> principal(PracticeId practice, UserId user) {
        return Optional.empty();
      }
    };

    @Bean
    MfaPrincipalLookup ownLookup() {
      return LOOKUP;
    }

    @Bean
    MfaStepUpExceptionResolver ownResolver(MfaFlow flow) {
      return new MfaStepUpExceptionResolver(flow);
    }

    @Bean
    MfaPurgeScheduler ownPurge(MfaEngine mfa) {
      return new MfaPurgeScheduler(mfa, Duration.ofMinutes(15));
    }
  }

  @Test
  void hostBeans_replaceThePrincipalLookup_stepUpResolverAndPurgeScheduler() {
    WebFixture.runner().withUserConfiguration(OwnBeans.class).run(context -> {
      assertThat(context).getBean(MfaPrincipalLookup.class).isSameAs(OwnBeans.LOOKUP);
      assertThat(context).getBeanNames(MfaStepUpExceptionResolver.class)
          .containsExactly("ownResolver");
      assertThat(context.getBean(MfaPurgeScheduler.class).interval())
          .isEqualTo(Duration.ofMinutes(15));
    });
  }
}
