package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PracticePolicyTest {
  @Test
  void defaults_areTheDocumentedOnes() {
    PracticePolicy p = PracticePolicy.defaults();
    assertThat(p.requirement()).isEqualTo(TwoFactorRequirement.NONE);
    assertThat(p.rememberDevice()).isEqualTo(Duration.ZERO);
    assertThat(p.challengeLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.maxAttemptsPerChallenge()).isEqualTo(5);
    assertThat(p.lockoutThreshold()).isEqualTo(5);
    assertThat(p.lockoutBase()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.lockoutMax()).isEqualTo(Duration.ofHours(1));
    assertThat(p.factorFailureLimit()).isEqualTo(100);
    assertThat(p.codeLength()).isEqualTo(6);
    assertThat(p.codeLifetime()).isEqualTo(Duration.ofMinutes(3));
    assertThat(p.enrollmentGraceSignIns()).isZero();
    assertThat(p.staffMethods()).contains(FactorKind.TOTP, FactorKind.PASSKEY,
        FactorKind.BACKUP_CODE, FactorKind.PHONE);
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }

  @Test
  void requires_perAudience() {
    UserRef staff = UserRef.staff("p", "s");
    UserRef client = UserRef.client("p", "c");
    PracticePolicy staffOnly = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build();
    assertThat(staffOnly.requires(staff)).isTrue();
    assertThat(staffOnly.requires(client)).isFalse();
    assertThat(PracticePolicy.builder().requirement(TwoFactorRequirement.ALL_STAFF_AND_CLIENTS)
        .build().requires(client)).isTrue();
    assertThat(PracticePolicy.defaults().requires(staff)).isFalse();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("remember > 400 days",
            (UnaryOperator<PracticePolicy.Builder>) b -> b.rememberDevice(Duration.ofDays(401))),
        Arguments.of("negative remember",
            (UnaryOperator<PracticePolicy.Builder>) b -> b.rememberDevice(Duration.ofDays(-1))),
        Arguments.of("challenge > 10 min", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.challengeLifetime(Duration.ofMinutes(10).plusSeconds(1))),
        Arguments.of("challenge < 30 s", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.challengeLifetime(Duration.ofSeconds(29))),
        Arguments.of("0 attempts",
            (UnaryOperator<PracticePolicy.Builder>) b -> b.maxAttemptsPerChallenge(0)),
        Arguments.of("11 attempts",
            (UnaryOperator<PracticePolicy.Builder>) b -> b.maxAttemptsPerChallenge(11)),
        Arguments.of("lockout 0", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.lockout(0, Duration.ofMinutes(1), Duration.ofHours(1))),
        Arguments.of("lockout max < base", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.lockout(5, Duration.ofMinutes(10), Duration.ofMinutes(1))),
        Arguments.of("factor limit 101",
            (UnaryOperator<PracticePolicy.Builder>) b -> b.factorFailureLimit(101)),
        Arguments.of("code length 5", (UnaryOperator<PracticePolicy.Builder>) b -> b.codeLength(5)),
        Arguments.of("code lifetime 11 min", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.codeLifetime(Duration.ofMinutes(11))),
        Arguments.of("negative grace", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.enrollmentGrace(-1, Duration.ZERO)),
        Arguments.of("password length 7",
            (UnaryOperator<PracticePolicy.Builder>) b -> b.minPasswordLength(7)),
        Arguments.of("staff SMS only", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.staffMethods(Set.of(FactorKind.PHONE))),
        Arguments.of("clients SMS and backup codes only", (UnaryOperator<PracticePolicy.Builder>)
            b -> b.clientMethods(Set.of(FactorKind.PHONE, FactorKind.BACKUP_CODE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void build_ruleBroken_policyViolation(String name, UnaryOperator<PracticePolicy.Builder> change) {
    assertThatThrownBy(() -> change.apply(PracticePolicy.builder()).build())
        .isInstanceOf(PolicyViolationException.class);
  }

  @Test
  void build_boundaryValues_accepted() {
    PracticePolicy p = PracticePolicy.builder()
        .rememberDevice(Duration.ofDays(365))
        .challengeLifetime(PracticePolicy.MAX_CODE_LIFETIME)
        .maxAttemptsPerChallenge(10)
        .lockout(100, Duration.ofSeconds(1), Duration.ofSeconds(1))
        .factorFailureLimit(100)
        .codeLength(8)
        .staffMethods(Set.of(FactorKind.PHONE, FactorKind.TOTP))
        .build();
    assertThat(p.methodsFor(Audience.STAFF)).containsExactlyInAnyOrder(FactorKind.PHONE,
        FactorKind.TOTP);
  }

  @Test
  void warnings_defaultsDepartOnlyOnPhoneAlone() {
    assertThat(PracticePolicy.defaults().warnings()).singleElement()
        .asString().contains("RESTRICTED");
    assertThat(PracticePolicy.builder().requireNonPhoneFactor(true).build().warnings()).isEmpty();
  }

  @Test
  void warnings_noPasskeyUnderRequirement_phishingResistantWarning() {
    PracticePolicy p = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF)
        .staffMethods(java.util.Set.of(FactorKind.TOTP, FactorKind.BACKUP_CODE))
        .requireNonPhoneFactor(true)
        .build();
    assertThat(p.warnings()).singleElement().asString().contains("phishing-resistant")
        .startsWith("Staff");
    assertThat(p.toBuilder().requirement(TwoFactorRequirement.NONE).build().warnings()).isEmpty();
  }

  @Test
  void warnings_rememberDeviceBeyondADay_departureNamed() {
    PracticePolicy p = PracticePolicy.builder().requireNonPhoneFactor(true)
        .rememberDevice(java.time.Duration.ofDays(365)).build();
    assertThat(p.warnings()).singleElement().asString().contains("365 days").contains("24 hours");
    assertThat(p.toBuilder().rememberDevice(java.time.Duration.ofHours(24)).build().warnings())
        .isEmpty();
  }

  @Test
  void build_requiredWithNoMethodForThatAudience_refusedNamingTheAudience() {
    assertThatThrownBy(() -> PracticePolicy.builder().requirement(TwoFactorRequirement.ALL_STAFF)
        .staffMethods(Set.of()).build())
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("staff");
    assertThatThrownBy(() -> PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF_AND_CLIENTS)
        .clientMethods(Set.of()).build())
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("clients");
    // backup codes come only with another factor, so they alone satisfy no requirement
    assertThatThrownBy(() -> PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF_AND_CLIENTS)
        .clientMethods(Set.of(FactorKind.BACKUP_CODE)).build())
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("clients")
        .hasMessageContaining("backup codes");
  }

  @Test
  void build_noMethodForAnAudienceNotRequired_accepted() {
    assertThat(PracticePolicy.builder().requirement(TwoFactorRequirement.ALL_STAFF)
        .clientMethods(Set.of()).build().clientMethods()).isEmpty();
    assertThat(PracticePolicy.builder().staffMethods(Set.of()).clientMethods(Set.of()).build()
        .requirement()).isEqualTo(TwoFactorRequirement.NONE);
  }

  @Test
  void build_nullMethods_npeNamingTheParameter() {
    assertThatThrownBy(() -> PracticePolicy.builder().staffMethods(null).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("staffMethods");
    assertThatThrownBy(() -> PracticePolicy.builder().clientMethods(null).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("clientMethods");
  }
}
