package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.DeviceRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RememberedDeviceTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final PracticePolicy THIRTY_DAYS =
      PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build();

  private static DeviceToken remember(Fixture fx, UserRef user, Fixture.Enrolled f) {
    LoginStep.SecondFactorRequired s = fx.challenge(user);
    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(user,
        s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);
    return a.rememberedDevice().orElseThrow();
  }

  @Test
  void rememberYes_policyZero_noToken() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    LoginStep.Authenticated a = (LoginStep.Authenticated) fx.engine.login().verify(ALICE,
        s.challenge(), Answer.code(f.id(), f.code()), RememberDevice.YES, fx.request);

    assertThat(a.rememberedDevice()).isEmpty();
    assertThat(fx.store.devices().list(ALICE.practice(), ALICE.user())).isEmpty();
  }

  @Test
  void rememberNo_policyAllows_noToken() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep a = fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), f.code());
    assertThat(((LoginStep.Authenticated) a).rememberedDevice()).isEmpty();
  }

  @Test
  void rememberedDevice_skipsSecondStepUntilExpiry() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    DeviceToken token = remember(fx, ALICE, f);
    RequestContext withCookie = fx.request.withDeviceToken(DeviceToken.of(token.reveal()));

    fx.clock.advance(Duration.ofDays(29));
    LoginStep step = fx.engine.login().afterPrimary(ALICE, withCookie);
    assertThat(step).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(((LoginStep.Authenticated) step).viaRememberedDevice()).isTrue();
    assertThat(fx.engine.account(ALICE).rememberedDevices().get(0).lastSeen())
        .isEqualTo(fx.clock.instant());

    fx.clock.advance(Duration.ofDays(1));
    assertThat(fx.engine.login().afterPrimary(ALICE, withCookie))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
  }

  @Test
  void rememberedDevice_storedHashNotToken() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    DeviceToken token = remember(fx, ALICE, f);

    List<DeviceRecord> rows = fx.store.devices().list(ALICE.practice(), ALICE.user());

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).tokenHash())
        .isEqualTo(dev.mfa4j.internal.Tokens.sha256(token.reveal()))
        .isNotEqualTo(token.reveal().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(rows.get(0).toString()).doesNotContain(token.reveal());
    assertThat(rows.get(0).label()).isEqualTo("JUnit Browser/1.0");
    assertThat(rows.get(0).ip()).isEqualTo("127.0.0.1");
    assertThat(token.toString()).doesNotContain(token.reveal());
    assertThat(fx.auditCount(AuditType.DEVICE_REMEMBERED)).isEqualTo(1);
  }

  @Test
  void rememberedDevice_ignoredForAnotherUserAndPractice() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    DeviceToken token = remember(fx, ALICE, f);
    UserRef bob = UserRef.staff("p1", "bob");
    UserRef aliceElsewhere = UserRef.staff("p2", "alice");
    fx.enroll(bob);
    fx.enroll(aliceElsewhere);
    fx.setPolicy(aliceElsewhere.practice(), THIRTY_DAYS);
    RequestContext withCookie = fx.request.withDeviceToken(token);

    assertThat(fx.engine.login().afterPrimary(bob, withCookie))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(fx.engine.login().afterPrimary(aliceElsewhere, withCookie))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
  }

  @Test
  void rememberedDevice_revokedWhenFactorAddedOrRemoved() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    DeviceToken first = remember(fx, ALICE, f);
    Fixture.Enrolled second = fx.enroll(ALICE, Fixture.PHONE);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request.withDeviceToken(first)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);

    DeviceToken again = remember(fx, ALICE, f);
    fx.engine.account(ALICE).remove(second.id(), Fixture.password(), fx.request);

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request.withDeviceToken(again)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(fx.engine.account(ALICE).rememberedDevices()).isEmpty();
  }

  @Test
  void rememberedDevice_policyTurnedOff_noLongerSkips() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    DeviceToken token = remember(fx, ALICE, f);
    fx.setPolicy(ALICE.practice(), PracticePolicy.defaults());

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request.withDeviceToken(token)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
  }

  @Test
  void revokeDevice_listedThenRevoked() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    DeviceToken one = remember(fx, ALICE, f);
    fx.clock.advance(Duration.ofMinutes(1));
    DeviceToken two = remember(fx, ALICE, f);
    List<RememberedDevice> devices = fx.engine.account(ALICE).rememberedDevices();
    assertThat(devices).hasSize(2);
    assertThat(devices.get(0).created()).isAfter(devices.get(1).created());

    fx.engine.account(ALICE).revokeDevice(devices.get(0).id(), fx.request);

    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request.withDeviceToken(two)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request.withDeviceToken(one)))
        .isInstanceOf(LoginStep.Authenticated.class);
    fx.engine.account(ALICE).revokeAllDevices(fx.request);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request.withDeviceToken(one)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
    assertThat(fx.auditCount(AuditType.DEVICE_REVOKED)).isEqualTo(2);
  }

  @Test
  void revokeDevice_ofAnotherUser_notFoundAndKept() {
    Fixture fx = new Fixture(THIRTY_DAYS);
    Fixture.Enrolled f = fx.enroll(ALICE);
    remember(fx, ALICE, f);
    String id = fx.engine.account(ALICE).rememberedDevices().get(0).id();

    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        fx.engine.account(UserRef.staff("p1", "mallory")).revokeDevice(id, fx.request))
        .isInstanceOf(NotFoundException.class);
    assertThat(fx.engine.account(ALICE).rememberedDevices()).hasSize(1);
  }
}
