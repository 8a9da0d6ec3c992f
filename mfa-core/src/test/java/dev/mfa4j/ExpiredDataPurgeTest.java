package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.ChallengePurpose;
import dev.mfa4j.spi.ChallengeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link MfaEngine#purgeExpired()}: what has expired goes, in batches; what is live stays. */
class ExpiredDataPurgeTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final PracticePolicy THIRTY_DAYS =
      PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build();

  @Test
  void purgeExpired_removesExpiredCeremoniesCountersAndDevices_keepsLiveOnes() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);
    assertThat(a.rememberedDevice()).isPresent();
    Instant now = fx.clock.instant();
    fx.store.counters().increment("purge-test", now, now.plusSeconds(60));

    assertThat(fx.engine.purgeExpired()).as("nothing expired yet: only enrollment ceremonies"
        + " are still open").isEqualTo(new ExpiredDataPurge(0, 0, 0));

    fx.clock.advance(Duration.ofDays(31));
    LoginStep.SecondFactorRequired open = fx.challenge(ALICE);
    ExpiredDataPurge purged = fx.engine.purgeExpired();

    assertThat(purged.challenges()).as("the enrollment and sign-in ceremonies").isEqualTo(2);
    assertThat(purged.counters()).isEqualTo(1);
    assertThat(purged.devices()).isEqualTo(1);
    assertThat(purged.total()).isEqualTo(4);
    assertThat(fx.store.devices().list(ALICE.practice(), ALICE.user())).isEmpty();
    assertThat(fx.store.counters().purgeExpired(fx.clock.instant(), 10)).isZero();
    assertThat(fx.answer(ALICE, open.challenge(), f.id(), f.code()))
        .as("a live ceremony is kept and can still be answered")
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.engine.purgeExpired()).isEqualTo(new ExpiredDataPurge(0, 0, 0));
  }

  @Test
  void purgeExpired_drainsABacklogLargerThanOneBatch() {
    Fixture fx = new Fixture();
    Instant now = fx.clock.instant();
    int backlog = Engine.PURGE_BATCH * 2 + 7;
    for (int i = 0; i < backlog; i++) {
      byte[] id = new byte[32];
      id[0] = (byte) (i >> 8);
      id[1] = (byte) i;
      fx.store.challenges().insert(new ChallengeRecord(id, ALICE.practice(), ALICE.user(),
          ChallengePurpose.SIGN_IN, Optional.empty(), now, now.plusSeconds(60), 0, 5,
          Optional.empty()));
    }
    fx.clock.advance(Duration.ofMinutes(2));

    assertThat(fx.engine.purgeExpired().challenges()).isEqualTo(backlog);
    assertThat(fx.store.challenges().purgeExpired(fx.clock.instant(), 10)).isZero();
  }

  @Test
  void purgeResult_refusesNegativeCounts() {
    assertThatThrownBy(() -> new ExpiredDataPurge(-1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
