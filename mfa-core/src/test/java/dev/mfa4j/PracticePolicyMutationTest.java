package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every limit of {@link PracticePolicy} at its exact edge: the last allowed value builds, the first
 * value beyond it is a {@link PolicyViolationException}. Mutation testing showed the edges were
 * not pinned (a {@code <=} turned into {@code <} survived), and each edge is a NIST bound or a
 * guard against a policy that disables protection.
 */
class PracticePolicyMutationTest {
  private static Arguments edge(String name, UnaryOperator<PracticePolicy.Builder> allowed,
      UnaryOperator<PracticePolicy.Builder> refused) {
    return Arguments.of(name, allowed, refused);
  }

  static Stream<Arguments> edges() {
    Duration s30 = Duration.ofSeconds(30);
    Duration m10 = Duration.ofMinutes(10);
    return Stream.of(
        edge("rememberDevice 400 days", b -> b.rememberDevice(Duration.ofDays(400)),
            b -> b.rememberDevice(Duration.ofDays(400).plusSeconds(1))),
        edge("rememberDevice 0", b -> b.rememberDevice(Duration.ZERO),
            b -> b.rememberDevice(Duration.ofSeconds(-1))),
        edge("challengeLifetime 30 s", b -> b.challengeLifetime(s30),
            b -> b.challengeLifetime(s30.minusSeconds(1))),
        edge("challengeLifetime 10 min", b -> b.challengeLifetime(m10),
            b -> b.challengeLifetime(m10.plusSeconds(1))),
        edge("maxAttemptsPerChallenge 1", b -> b.maxAttemptsPerChallenge(1),
            b -> b.maxAttemptsPerChallenge(0)),
        edge("maxAttemptsPerChallenge 10", b -> b.maxAttemptsPerChallenge(10),
            b -> b.maxAttemptsPerChallenge(11)),
        edge("lockoutThreshold 1", b -> b.lockout(1, Duration.ofMinutes(1), Duration.ofHours(1)),
            b -> b.lockout(0, Duration.ofMinutes(1), Duration.ofHours(1))),
        edge("lockoutThreshold 100",
            b -> b.lockout(100, Duration.ofMinutes(1), Duration.ofHours(1)),
            b -> b.lockout(101, Duration.ofMinutes(1), Duration.ofHours(1))),
        edge("lockoutBase 1 s", b -> b.lockout(5, Duration.ofSeconds(1), Duration.ofHours(1)),
            b -> b.lockout(5, Duration.ofMillis(999), Duration.ofHours(1))),
        edge("lockoutMax = base", b -> b.lockout(5, Duration.ofMinutes(1), Duration.ofMinutes(1)),
            b -> b.lockout(5, Duration.ofMinutes(1), Duration.ofSeconds(59))),
        edge("factorFailureLimit 1", b -> b.factorFailureLimit(1),
            b -> b.factorFailureLimit(0)),
        edge("factorFailureLimit 100", b -> b.factorFailureLimit(100),
            b -> b.factorFailureLimit(101)),
        edge("codeLength 6", b -> b.codeLength(6), b -> b.codeLength(5)),
        edge("codeLength 8", b -> b.codeLength(8), b -> b.codeLength(9)),
        edge("codeLifetime 30 s", b -> b.codeLifetime(s30),
            b -> b.codeLifetime(s30.minusSeconds(1))),
        edge("codeLifetime 10 min", b -> b.codeLifetime(m10),
            b -> b.codeLifetime(m10.plusSeconds(1))),
        edge("totpWindow 0", b -> b.totpWindow(0), b -> b.totpWindow(-1)),
        edge("totpWindow 2", b -> b.totpWindow(2), b -> b.totpWindow(3)),
        edge("enrollmentGrace 0", b -> b.enrollmentGrace(0, Duration.ZERO),
            b -> b.enrollmentGrace(-1, Duration.ZERO)),
        edge("enrollmentGrace 100", b -> b.enrollmentGrace(100, Duration.ZERO),
            b -> b.enrollmentGrace(101, Duration.ZERO)),
        edge("enrollmentGracePeriod 0", b -> b.enrollmentGrace(3, Duration.ZERO),
            b -> b.enrollmentGrace(3, Duration.ofSeconds(-1))),
        edge("minPasswordLength 8", b -> b.minPasswordLength(8), b -> b.minPasswordLength(7)),
        edge("minPasswordLength 64", b -> b.minPasswordLength(64), b -> b.minPasswordLength(65)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edges")
  void build_limitAtEdge_acceptedAndOneBeyondRefused(String name,
      UnaryOperator<PracticePolicy.Builder> allowed,
      UnaryOperator<PracticePolicy.Builder> refused) {
    assertThatCode(() -> allowed.apply(PracticePolicy.builder()).build()).as(name)
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> refused.apply(PracticePolicy.builder()).build()).as(name)
        .isInstanceOf(PolicyViolationException.class);
  }
}
