package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.passwords.PasswordOutcome;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.SecurityNotification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The engine's password steps over the built-in {@link Passwords}: forced change after a temporary
 * password, the user's own change, an administrator's reset.
 */
class PasswordFlowTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");
  private static final UserRef ADMIN = UserRef.admin("sunrise", "boss");
  private static final UserRef OTHER_ADMIN = UserRef.admin("moonrise", "mallory");
  private static final String NEW = "lantern by the quiet harbour";

  private final InMemoryMfaStore store = new InMemoryMfaStore();
  private Passwords passwords;
  private Fixture fx;

  /** The engine's clock, read late: the fixture builds it before the test can reach it. */
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return fx.clock.instant();
    }
  };

  private PasswordFlowTest start(PracticePolicy policy, UnaryOperator<Passwords.Builder> custom) {
    passwords = custom.apply(Passwords.builder(store.passwords()).clock(clock).argon2id(256, 1, 1))
        .build();
    fx = new Fixture(policy, b -> b.primaryCredentials(passwords), store);
    // Every user starts with the fixture's password as a permanent one.
    store.passwords().put(permanent(JANE, Fixture.PASSWORD));
    return this;
  }

  private PasswordFlowTest start() {
    return start(PracticePolicy.defaults(), UnaryOperator.identity());
  }

  private dev.mfa4j.spi.PasswordRecord permanent(UserRef user, String password) {
    return new dev.mfa4j.spi.PasswordRecord(user.practice(), user.user(),
        dev.mfa4j.internal.Argon2id.hash(password,
            new dev.mfa4j.internal.Argon2id.Params(256, 1, 1), new java.security.SecureRandom()),
        Instant.parse("2026-01-01T00:00:00Z"), false, Optional.empty());
  }

  private AccountSecurity account(UserRef user) {
    return fx.engine.account(user);
  }

  private LoginStep.PasswordChangeRequired changeRequired(UserRef user) {
    LoginStep step = fx.engine.login().afterPrimary(user, fx.request);
    assertThat(step).isInstanceOf(LoginStep.PasswordChangeRequired.class);
    return (LoginStep.PasswordChangeRequired) step;
  }

  private long events(AuditType type, AuditOutcome outcome) {
    return fx.events.stream().filter(e -> e.type() == type && e.outcome() == outcome).count();
  }

  private DeviceToken rememberDevice(UserRef user, Fixture.Enrolled factor) {
    LoginStep.SecondFactorRequired s = fx.challenge(user);
    LoginStep step = fx.engine.login().verify(user, s.challenge(),
        Answer.code(factor.id(), factor.code()), RememberDevice.YES, fx.request);
    return ((LoginStep.Authenticated) step).rememberedDevice().orElseThrow();
  }

  private static PracticePolicy remembering() {
    return PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build();
  }

  // ---- the forced change after a temporary password -----------------------------------------

  @Test
  void afterPrimary_temporaryPassword_passwordChangeRequiredBeforeSecondFactor() {
    start();
    fx.enroll(JANE);
    TemporaryPassword t = fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    assertThat(passwords.authenticate(JANE, Password.of(t.reveal())))
        .isEqualTo(PasswordOutcome.TEMPORARY);

    LoginStep.PasswordChangeRequired p = changeRequired(JANE);

    assertThat(p.problems()).isEmpty();
    assertThat(p.minLength()).isEqualTo(8);
    assertThat(p.expiresAt()).isAfter(fx.clock.instant());
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.CHALLENGE_ISSUED
        && "sign_in_password_change".equals(e.details().get("purpose")));
  }

  @Test
  void afterPrimary_temporaryPasswordUnderRequiringPolicy_passwordChangeBeforeEnrollment() {
    start(PracticePolicy.builder().requirement(TwoFactorRequirement.ALL_STAFF).build(),
        UnaryOperator.identity());
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);
    assertThat(p.minLength()).isEqualTo(15);

    LoginStep next = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of(NEW), fx.request);

    assertThat(next).isInstanceOf(LoginStep.EnrollmentRequired.class);
  }

  @Test
  void afterPrimary_noTemporaryPassword_noPasswordChange() {
    start();
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void completePasswordChange_accepted_continuesToSecondFactorAndSignsIn() {
    start();
    Fixture.Enrolled factor = fx.enroll(JANE);
    TemporaryPassword t = fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);

    LoginStep next = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of(NEW), fx.request);

    assertThat(next).isInstanceOf(LoginStep.SecondFactorRequired.class);
    LoginStep done = fx.answer(JANE, ((LoginStep.SecondFactorRequired) next).challenge(),
        factor.id(), factor.code());
    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(passwords.authenticate(JANE, Password.of(NEW))).isEqualTo(PasswordOutcome.ACCEPTED);
    assertThat(passwords.verify(JANE, Password.of(t.reveal()))).isFalse();
    assertThat(passwords.changeRequired(JANE)).isFalse();
    assertThat(events(AuditType.PASSWORD_CHANGED, AuditOutcome.SUCCESS)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isEqualTo(1);
    // The next sign-in goes straight to the second factor.
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
  }

  @Test
  void completePasswordChange_refused_sameChallengeWithReasonsThenAccepted() {
    start();
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);

    LoginStep refused = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of("password1"), fx.request);

    assertThat(refused).isInstanceOf(LoginStep.PasswordChangeRequired.class);
    LoginStep.PasswordChangeRequired again = (LoginStep.PasswordChangeRequired) refused;
    assertThat(again.challenge()).isEqualTo(p.challenge());
    assertThat(again.problems()).extracting(PasswordCheck.Problem::reason)
        .contains(PasswordCheck.Reason.BLOCKLISTED, PasswordCheck.Reason.TOO_SHORT);
    assertThat(passwords.changeRequired(JANE)).isTrue();
    assertThat(events(AuditType.PASSWORD_CHANGED, AuditOutcome.FAILURE)).isEqualTo(1);

    LoginStep next = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of(NEW), fx.request);
    assertThat(next).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(passwords.verify(JANE, Password.of(NEW))).isTrue();
  }

  @Test
  void completePasswordChange_challengeUsedTwice_secondRejected() {
    start();
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);
    assertThat(fx.engine.login().completePasswordChange(JANE, p.challenge(), Password.of(NEW),
        fx.request)).isInstanceOf(LoginStep.Authenticated.class);

    LoginStep second = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of("another quiet harbour lantern"), fx.request);

    assertThat(second).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
    assertThat(passwords.verify(JANE, Password.of(NEW))).isTrue();
  }

  @Test
  void completePasswordChange_anotherUsersChallenge_rejected() {
    start();
    UserRef john = UserRef.staff("sunrise", "john");
    store.passwords().put(permanent(john, Fixture.PASSWORD));
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);

    LoginStep step = fx.engine.login().completePasswordChange(john, p.challenge(),
        Password.of(NEW), fx.request);

    assertThat(step).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(passwords.verify(john, Password.of(Fixture.PASSWORD))).isTrue();
    assertThat(passwords.changeRequired(JANE)).isTrue();
  }

  @Test
  void completePasswordChange_signInChallengeOfOtherPurpose_rejected() {
    start();
    fx.enroll(JANE);
    LoginStep.SecondFactorRequired s = fx.challenge(JANE);
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);

    LoginStep step = fx.engine.login().completePasswordChange(JANE, s.challenge(),
        Password.of(NEW), fx.request);

    assertThat(step).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(passwords.changeRequired(JANE)).isTrue();
  }

  @Test
  void completePasswordChange_expiredChallenge_rejected() {
    start();
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);
    fx.clock.advance(PracticePolicy.MAX_CODE_LIFETIME);

    LoginStep step = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of(NEW), fx.request);

    assertThat(step).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.EXPIRED));
    assertThat(passwords.changeRequired(JANE)).isTrue();
  }

  @Test
  void completePasswordChange_temporaryExpiredMeanwhile_rejected() {
    start(PracticePolicy.defaults(), b -> b.temporaryLifetime(Duration.ofMinutes(5)));
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);
    fx.clock.advance(Duration.ofMinutes(6));

    LoginStep step = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of(NEW), fx.request);

    assertThat(step).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(passwords.verify(JANE, Password.of(NEW))).isFalse();
  }

  @Test
  void completePasswordChange_attemptsExhausted_rejected() {
    start();
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);
    LoginStep last = null;
    for (int i = 0; i < PasswordFlow.CHANGE_ATTEMPTS; i++) {
      last = fx.engine.login().completePasswordChange(JANE, p.challenge(), Password.of("short"),
          fx.request);
    }
    assertThat(last).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ATTEMPTS_EXHAUSTED));
    assertThat(fx.engine.login().completePasswordChange(JANE, p.challenge(), Password.of(NEW),
        fx.request)).isInstanceOf(LoginStep.Rejected.class);
    assertThat(passwords.changeRequired(JANE)).isTrue();
  }

  // ---- the user's own change ----------------------------------------------------------------

  @Test
  void changePassword_rightCurrent_storedAuditedNotifiedDevicesRevoked() {
    start(remembering(), UnaryOperator.identity());
    Fixture.Enrolled factor = fx.enroll(JANE);
    DeviceToken device = rememberDevice(JANE, factor);
    assertThat(store.devices().list(JANE.practice(), JANE.user())).hasSize(1);

    PasswordCheck check = account(JANE).changePassword(Password.of(Fixture.PASSWORD),
        Password.of(NEW), fx.request);

    assertThat(check.accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(NEW))).isTrue();
    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isFalse();
    assertThat(store.devices().list(JANE.practice(), JANE.user())).isEmpty();
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request.withDeviceToken(device)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
    AuditEvent changed = fx.events.stream().filter(e -> e.type() == AuditType.PASSWORD_CHANGED)
        .findFirst().orElseThrow();
    assertThat(changed.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(changed.subject()).contains(JANE.user());
    assertThat(changed.ip()).isEqualTo("127.0.0.1");
    assertThat(changed.details().toString()).doesNotContain(NEW).doesNotContain("argon2");
    SecurityNotification n = fx.notices.stream()
        .filter(x -> x.type() == NotificationType.PASSWORD_CHANGED).findFirst().orElseThrow();
    assertThat(n.user()).isEqualTo(JANE);
    assertThat(fx.auditCount(AuditType.DEVICE_REVOKED)).isEqualTo(1);
  }

  @Test
  void setPassword_replacesAuditsNotifiesAndRevokesDevices() {
    start(remembering(), b -> b.revokeDevicesOnChange(false));
    Fixture.Enrolled factor = fx.enroll(JANE);
    DeviceToken device = rememberDevice(JANE, factor);

    PasswordCheck check = fx.engine.setPassword(JANE, Password.of(NEW), fx.request);

    assertThat(check.accepted()).isTrue();
    assertThat(passwords.verify(JANE, Password.of(NEW))).isTrue();
    assertThat(store.devices().list(JANE.practice(), JANE.user())).isEmpty();
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request.withDeviceToken(device)))
        .isInstanceOf(LoginStep.SecondFactorRequired.class);
    AuditEvent changed = fx.events.stream().filter(e -> e.type() == AuditType.PASSWORD_CHANGED)
        .findFirst().orElseThrow();
    assertThat(changed.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(changed.details()).containsEntry("via", "host")
        .containsEntry("devices_revoked", "true");
    assertThat(changed.details().toString()).doesNotContain(NEW);
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.DEVICE_REVOKED)).isEqualTo(1);
  }

  @Test
  void setPassword_refusedPassword_nothingChangesAndTheFailureIsAudited() {
    start(remembering(), UnaryOperator.identity());
    Fixture.Enrolled factor = fx.enroll(JANE);
    rememberDevice(JANE, factor);

    assertThat(fx.engine.setPassword(JANE, Password.of("password1"), fx.request).accepted())
        .isFalse();

    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isTrue();
    assertThat(store.devices().list(JANE.practice(), JANE.user())).hasSize(1);
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.PASSWORD_CHANGED
        && e.outcome() == AuditOutcome.FAILURE);
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isZero();
  }

  @Test
  void rawSet_cannotReplaceAPassword_soNoChangeSkipsAuditNoticeOrRevocation() {
    start(remembering(), UnaryOperator.identity());
    Fixture.Enrolled factor = fx.enroll(JANE);
    rememberDevice(JANE, factor);

    assertThatThrownBy(() -> passwords.set(JANE, Password.of(NEW), PracticePolicy.defaults(),
        true)).isInstanceOf(IllegalStateException.class);

    assertThat(passwords.verify(JANE, Password.of(NEW))).isFalse();
    assertThat(store.devices().list(JANE.practice(), JANE.user())).hasSize(1);
  }

  @Test
  void setPassword_endsTheHardCapOfTheThrottle() {
    start();
    dev.mfa4j.spi.PasswordRecord p = permanent(JANE, Fixture.PASSWORD);
    store.passwords().put(new dev.mfa4j.spi.PasswordRecord(p.practice(), p.user(), p.hash(),
        p.changed(), false, Optional.empty(), 28, Passwords.MAX_CONSECUTIVE_FAILURES,
        Optional.empty()));
    assertThat(passwords.authenticate(JANE, Password.of(Fixture.PASSWORD)))
        .isEqualTo(PasswordOutcome.THROTTLED);

    assertThat(fx.engine.setPassword(JANE, Password.of(NEW), fx.request).accepted()).isTrue();

    assertThat(passwords.authenticate(JANE, Password.of(NEW))).isEqualTo(PasswordOutcome.ACCEPTED);
  }

  private void storeWithLength(UserRef user, int length) {
    dev.mfa4j.spi.PasswordRecord p = permanent(user, Fixture.PASSWORD);
    store.passwords().put(new dev.mfa4j.spi.PasswordRecord(p.practice(), p.user(), p.hash(),
        p.changed(), false, Optional.empty(), length, 0, Optional.empty()));
  }

  @Test
  void disableTwoFactor_byUser_passwordShorterThanFifteen_mustChangeAtNextSignIn() {
    start(PracticePolicy.builder().minPasswordLength(8).build(), UnaryOperator.identity());
    storeWithLength(JANE, 10);
    fx.enroll(JANE);

    account(JANE).disableTwoFactor(Password.of(Fixture.PASSWORD), fx.request);

    assertThat(passwords.changeRequired(JANE)).isTrue();
    assertThat(changeRequired(JANE).minLength()).isEqualTo(15);
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.TWO_FACTOR_DISABLED
        && "true".equals(e.details().get("password_change_required")));
  }

  @Test
  void disableTwoFactor_byAdministrator_passwordShorterThanFifteen_mustChangeAtNextSignIn() {
    start();
    storeWithLength(JANE, 12);
    fx.enroll(JANE);

    fx.engine.admin(ADMIN).disableTwoFactor(JANE, "lost phone", fx.request);

    assertThat(passwords.changeRequired(JANE)).isTrue();
    assertThat(changeRequired(JANE).minLength()).isEqualTo(15);
  }

  @Test
  void disableTwoFactor_passwordOfFifteenOrMore_noChangeRequired() {
    start();
    storeWithLength(JANE, 15);
    fx.enroll(JANE);

    account(JANE).disableTwoFactor(Password.of(Fixture.PASSWORD), fx.request);

    assertThat(passwords.changeRequired(JANE)).isFalse();
  }

  @Test
  void changePassword_revocationTurnedOff_devicesKept() {
    start(remembering(), b -> b.revokeDevicesOnChange(false));
    Fixture.Enrolled factor = fx.enroll(JANE);
    rememberDevice(JANE, factor);

    assertThat(account(JANE).changePassword(Password.of(Fixture.PASSWORD), Password.of(NEW),
        fx.request).accepted()).isTrue();

    assertThat(store.devices().list(JANE.practice(), JANE.user())).hasSize(1);
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isEqualTo(1);
  }

  @Test
  void changePassword_wrongCurrent_rejectedAuditedNothingChanged() {
    start();
    assertThatThrownBy(() -> account(JANE).changePassword(Password.of("not my password"),
        Password.of(NEW), fx.request)).isInstanceOf(PasswordRejectedException.class);

    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isTrue();
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.PASSWORD_REJECTED
        && "change_password".equals(e.details().get("action")));
    assertThat(fx.auditCount(AuditType.PASSWORD_CHANGED)).isZero();
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isZero();
    assertThat(store.users().find(JANE.practice(), JANE.user()).orElseThrow()
        .consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void changePassword_refusedNewPassword_verdictReturnedOldKept() {
    start();
    PasswordCheck check = account(JANE).changePassword(Password.of(Fixture.PASSWORD),
        Password.of("password1"), fx.request);

    assertThat(check.accepted()).isFalse();
    assertThat(check.has(PasswordCheck.Reason.BLOCKLISTED)).isTrue();
    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isTrue();
    assertThat(events(AuditType.PASSWORD_CHANGED, AuditOutcome.FAILURE)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isZero();
  }

  @Test
  void changePassword_minimumFollowsSecondFactor() {
    start();
    String fourteen = "mqtzvhorkelpdu";
    PasswordCheck alone = account(JANE).changePassword(Password.of(Fixture.PASSWORD),
        Password.of(fourteen), fx.request);
    assertThat(alone.has(PasswordCheck.Reason.TOO_SHORT)).isTrue();
    assertThat(alone.minLength()).isEqualTo(15);

    fx.enroll(JANE);
    PasswordCheck withTwoFactor = account(JANE).changePassword(Password.of(Fixture.PASSWORD),
        Password.of(fourteen), fx.request);
    assertThat(withTwoFactor.accepted()).isTrue();
    assertThat(withTwoFactor.minLength()).isEqualTo(8);
  }

  @Test
  void changePassword_practiceMinimum_applies() {
    start(PracticePolicy.builder().minPasswordLength(20).build(), UnaryOperator.identity());
    PasswordCheck check = account(JANE).changePassword(Password.of(Fixture.PASSWORD),
        Password.of(NEW.substring(0, 19)), fx.request);
    assertThat(check.has(PasswordCheck.Reason.TOO_SHORT)).isTrue();
    assertThat(check.minLength()).isEqualTo(20);
  }

  // ---- an administrator's reset --------------------------------------------------------------

  @Test
  void resetPassword_samepractice_temporaryShownOnceAuditedNotifiedDevicesRevoked() {
    start(remembering(), UnaryOperator.identity());
    Fixture.Enrolled factor = fx.enroll(JANE);
    rememberDevice(JANE, factor);

    TemporaryPassword t = fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);

    assertThat(t.toString()).doesNotContain(t.reveal());
    assertThat(t.expiresAt()).isEqualTo(fx.clock.instant().plus(Duration.ofHours(72)));
    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isFalse();
    assertThat(passwords.authenticate(JANE, Password.of(t.reveal())))
        .isEqualTo(PasswordOutcome.TEMPORARY);
    assertThat(store.devices().list(JANE.practice(), JANE.user())).isEmpty();
    AuditEvent reset = fx.events.stream().filter(e -> e.type() == AuditType.PASSWORD_RESET)
        .findFirst().orElseThrow();
    assertThat(reset.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(reset.actor()).contains(ADMIN.user());
    assertThat(reset.subject()).contains(JANE.user());
    assertThat(reset.practice()).isEqualTo(JANE.practice());
    assertThat(reset.details().toString()).doesNotContain(t.reveal());
    SecurityNotification n = fx.notices.stream()
        .filter(x -> x.type() == NotificationType.PASSWORD_RESET).findFirst().orElseThrow();
    assertThat(n.user()).isEqualTo(JANE);
    assertThat(n.details().toString()).doesNotContain(t.reveal());
  }

  @Test
  void resetPassword_otherPractice_deniedAuditedNothingChanged() {
    start();
    UserRef victim = JANE;

    assertThatThrownBy(() -> fx.engine.admin(OTHER_ADMIN).resetPassword(victim, fx.request))
        .isInstanceOf(AccessDeniedException.class);

    assertThat(passwords.verify(victim, Password.of(Fixture.PASSWORD))).isTrue();
    assertThat(passwords.changeRequired(victim)).isFalse();
    AuditEvent denied = fx.events.stream().filter(e -> e.type() == AuditType.ACCESS_DENIED)
        .findFirst().orElseThrow();
    assertThat(denied.actor()).contains(OTHER_ADMIN.user());
    assertThat(denied.subject()).contains(victim.user());
    assertThat(denied.details()).containsEntry("action", "reset_password");
    assertThat(fx.auditCount(AuditType.PASSWORD_RESET)).isZero();
    assertThat(fx.noticeCount(NotificationType.PASSWORD_RESET)).isZero();
  }

  @Test
  void resetPassword_notAnAdministrator_denied() {
    start();
    UserRef colleague = UserRef.staff("sunrise", "colleague");
    assertThatThrownBy(() -> fx.engine.admin(colleague).resetPassword(JANE, fx.request))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(passwords.verify(JANE, Password.of(Fixture.PASSWORD))).isTrue();
    assertThat(fx.auditCount(AuditType.ACCESS_DENIED)).isEqualTo(1);
  }

  @Test
  void listener_receivesPasswordResetThenPasswordChanged() {
    start();
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    LoginStep.PasswordChangeRequired p = changeRequired(JANE);
    fx.engine.login().completePasswordChange(JANE, p.challenge(), Password.of(NEW), fx.request);

    assertThat(fx.notices).extracting(SecurityNotification::type)
        .containsSubsequence(NotificationType.PASSWORD_RESET, NotificationType.PASSWORD_CHANGED);
    assertThat(fx.events).extracting(AuditEvent::type)
        .containsSubsequence(AuditType.PASSWORD_RESET, AuditType.PASSWORD_CHANGED);
  }

  // ---- "sign-in from a new device" ----------------------------------------------------------

  @Test
  void signIn_fromNewBrowser_newDeviceNoticeFires() {
    start();
    Fixture.Enrolled factor = fx.enroll(JANE);
    LoginStep.SecondFactorRequired s = fx.challenge(JANE);
    assertThat(fx.answer(JANE, s.challenge(), factor.id(), factor.code()))
        .isInstanceOf(LoginStep.Authenticated.class);
    RequestContext otherBrowser = RequestContext.of("127.0.0.2", "Other Browser/2.0");
    LoginStep second = fx.engine.login().afterPrimary(JANE, otherBrowser);
    LoginStep done = fx.engine.login().verify(JANE,
        ((LoginStep.SecondFactorRequired) second).challenge(),
        Answer.code(factor.id(), factor.code()), RememberDevice.NO, otherBrowser);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.notices).filteredOn(n -> n.type() == NotificationType.NEW_DEVICE_SIGN_IN)
        .singleElement().satisfies(n -> assertThat(n.userAgent()).isEqualTo("Other Browser/2.0"));
  }

  @Test
  void signIn_passwordOnlyFromNewBrowser_newDeviceNoticeFires() {
    start();
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.noticeCount(NotificationType.NEW_DEVICE_SIGN_IN)).isZero();

    RequestContext otherBrowser = RequestContext.of("127.0.0.2", "Other Browser/2.0");
    assertThat(fx.engine.login().afterPrimary(JANE, otherBrowser))
        .isInstanceOf(LoginStep.Authenticated.class);

    assertThat(fx.notices).filteredOn(n -> n.type() == NotificationType.NEW_DEVICE_SIGN_IN)
        .singleElement().satisfies(n -> assertThat(n.ip()).isEqualTo("127.0.0.2"));
  }

  @Test
  void completePasswordChange_fromNewBrowser_newDeviceNoticeFires() {
    start();
    fx.engine.login().afterPrimary(JANE, fx.request);
    fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    RequestContext otherBrowser = RequestContext.of("127.0.0.2", "Other Browser/2.0");
    LoginStep step = fx.engine.login().afterPrimary(JANE, otherBrowser);
    LoginStep done = fx.engine.login().completePasswordChange(JANE,
        ((LoginStep.PasswordChangeRequired) step).challenge(), Password.of(NEW), otherBrowser);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.noticeCount(NotificationType.NEW_DEVICE_SIGN_IN)).isEqualTo(1);
  }
}
