package dev.mfa4j.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Audience;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.Reauthentication;
import dev.mfa4j.TwoFactorRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract of {@link dev.mfa4j.spi.PolicyStore}; extend it and supply a store. */
public abstract class PolicyStoreContract extends StoreContractSupport {

  /** A policy whose every field differs from the defaults. */
  protected static PracticePolicy unusualPolicy() {
    return PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF_AND_CLIENTS)
        .staffMethods(Set.of(FactorKind.PASSKEY, FactorKind.BACKUP_CODE))
        .clientMethods(Set.of(FactorKind.TOTP, FactorKind.PHONE, FactorKind.of("custom_kind")))
        .rememberDevice(Duration.ofDays(30))
        .challengeLifetime(Duration.ofMinutes(7))
        .maxAttemptsPerChallenge(3)
        .lockout(7, Duration.ofSeconds(90), Duration.ofHours(2))
        .factorFailureLimit(50)
        .codeLength(8)
        .codeLifetime(Duration.ofMinutes(2))
        .totpWindow(2)
        .requireNonPhoneFactor(true)
        .enrollmentGrace(3, Duration.ofDays(14))
        .minPasswordLength(12)
        .passwordCharacterClasses(3)
        .passkeySignIn(Set.of(Audience.CLIENT))
        .reauthentication(Reauthentication.PASSWORD_AND_STEP_UP)
        .stepUpMaxAge(Duration.ofMinutes(15))
        .build();
  }

  @Test
  void find_practiceWithoutPolicy_isEmpty() {
    assertThat(store.policies().find(practice)).isEmpty();
  }

  @Test
  void put_thenFind_roundTripsEveryField() {
    PracticePolicy policy = unusualPolicy();
    assertThat(policy).isNotEqualTo(PracticePolicy.defaults());

    store.policies().put(practice, policy);

    assertThat(store.policies().find(practice)).contains(policy);
  }

  @Test
  void put_passkeySignInForNobody_roundTrips() {
    PracticePolicy policy = PracticePolicy.builder().passkeySignIn(Set.of())
        .reauthentication(Reauthentication.STEP_UP).build();

    store.policies().put(practice, policy);

    assertThat(store.policies().find(practice)).contains(policy);
    assertThat(store.policies().find(practice).orElseThrow().passkeySignIn()).isEmpty();
  }

  @Test
  void put_defaults_roundTrip() {
    store.policies().put(practice, PracticePolicy.defaults());

    assertThat(store.policies().find(practice)).contains(PracticePolicy.defaults());
  }

  @Test
  void put_again_replacesThePolicy_ofThatPracticeOnly() {
    store.policies().put(practice, unusualPolicy());
    store.policies().put(otherPractice, unusualPolicy());

    store.policies().put(practice, PracticePolicy.defaults());

    assertThat(store.policies().find(practice)).contains(PracticePolicy.defaults());
    assertThat(store.policies().find(otherPractice)).contains(unusualPolicy());
  }
}
