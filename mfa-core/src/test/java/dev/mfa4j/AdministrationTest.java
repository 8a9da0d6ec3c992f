package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AdministrationTest {
  private static final UserRef ADMIN = UserRef.admin("p1", "admin");
  private static final UserRef OTHER_ADMIN = UserRef.admin("p2", "admin2");
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final UserRef BOB = UserRef.staff("p1", "bob");

  @Test
  void disableTwoFactor_samepractice_revokesEverythingAuditsWithActorAndNotifies() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).rememberDevice(Duration.ofDays(30)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    fx.engine.login().verify(ALICE, s.challenge(), Answer.code(f.id(), f.code()),
        RememberDevice.YES, fx.request);

    fx.engine.admin(ADMIN).disableTwoFactor(ALICE, "Lost phone, verified by call", fx.request);

    assertThat(fx.store.factors().list(ALICE.practice(), ALICE.user())).isEmpty();
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isZero();
    assertThat(fx.engine.account(ALICE).rememberedDevices()).isEmpty();
    AuditEvent e = fx.events.stream().filter(x -> x.type() == AuditType.TWO_FACTOR_DISABLED)
        .findFirst().orElseThrow();
    assertThat(e.actor()).contains(ADMIN.user());
    assertThat(e.subject()).contains(ALICE.user());
    assertThat(e.details()).containsEntry("reason", "Lost phone, verified by call");
    assertThat(fx.noticeCount(NotificationType.TWO_FACTOR_DISABLED)).isEqualTo(1);
    assertThat(fx.engine.login().afterPrimary(ALICE, fx.request))
        .isInstanceOf(LoginStep.EnrollmentRequired.class);
  }

  @Test
  void disableTwoFactor_crossPractice_deniedAuditedNothingChanged() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);

    assertThatThrownBy(() -> fx.engine.admin(OTHER_ADMIN).disableTwoFactor(ALICE, "because",
        fx.request)).isInstanceOf(AccessDeniedException.class);

    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isTrue();
    AuditEvent denied = fx.events.stream().filter(x -> x.type() == AuditType.ACCESS_DENIED)
        .findFirst().orElseThrow();
    assertThat(denied.actor()).contains(OTHER_ADMIN.user());
    assertThat(denied.details()).containsEntry("actor_practice", "p2");
  }

  @Test
  void nonAdmin_deniedEverywhere() {
    Fixture fx = new Fixture();
    UserRef bob = UserRef.staff("p1", "bob");
    Administration admin = fx.engine.admin(bob);

    assertThatThrownBy(admin::policy).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> admin.setPolicy(PracticePolicy.defaults(), fx.request))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> admin.disableTwoFactor(ALICE, "x", fx.request))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> admin.twoFactorStatus(List.of(ALICE)))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> admin.activity(ALICE, OptionalLong.empty(), 10))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(fx.auditCount(AuditType.ACCESS_DENIED)).isEqualTo(5);
  }

  @Test
  void crossPractice_readsDenied() {
    Fixture fx = new Fixture();
    assertThatThrownBy(() -> fx.engine.admin(OTHER_ADMIN).activity(ALICE, OptionalLong.empty(), 10))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> fx.engine.admin(OTHER_ADMIN).twoFactorStatus(List.of(ALICE)))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void disableTwoFactor_reasonRequired() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    for (String bad : new String[] {"", "   ", "x".repeat(257), "line\nbreak"}) {
      assertThatThrownBy(() -> fx.engine.admin(ADMIN).disableTwoFactor(ALICE, bad, fx.request))
          .isInstanceOf(InvalidInputException.class);
    }
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isTrue();
  }

  @Test
  void setPolicy_requiredWithOnlyMethodsThisEngineCannotSetUp_refusedAndNothingStored() {
    Fixture fx = new Fixture(); // app and phone providers, no passkey provider
    PracticePolicy onlyPasskeys = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF)
        .staffMethods(java.util.Set.of(FactorKind.PASSKEY, FactorKind.BACKUP_CODE)).build();

    assertThatThrownBy(() -> fx.engine.admin(ADMIN).setPolicy(onlyPasskeys, fx.request))
        .isInstanceOf(PolicyViolationException.class)
        .hasMessageContaining("required for staff");
    assertThat(fx.engine.admin(ADMIN).policy()).isEqualTo(PracticePolicy.defaults());
    assertThat(fx.events).noneMatch(x -> x.type() == AuditType.POLICY_CHANGED);
  }

  @Test
  void setPolicy_storedAndAudited() {
    Fixture fx = new Fixture();
    PracticePolicy p = PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF_AND_CLIENTS).build();

    fx.engine.admin(ADMIN).setPolicy(p, fx.request);

    assertThat(fx.engine.admin(ADMIN).policy()).isEqualTo(p);
    assertThat(fx.engine.admin(OTHER_ADMIN).policy()).isEqualTo(PracticePolicy.defaults());
    AuditEvent e = fx.events.stream().filter(x -> x.type() == AuditType.POLICY_CHANGED)
        .findFirst().orElseThrow();
    assertThat(e.actor()).contains(ADMIN.user());
    assertThat(e.practice()).isEqualTo(ADMIN.practice());
  }

  @Test
  void twoFactorStatus_showsMethodsRequirementAndLastSignIn() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build());
    UserRef client = UserRef.client("p1", "carol");
    UserRef bob = UserRef.staff("p1", "bob");
    Fixture.Enrolled f = fx.enroll(ALICE);
    fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), f.code());

    List<UserTwoFactorStatus> status =
        fx.engine.admin(ADMIN).twoFactorStatus(List.of(ALICE, bob, client));

    assertThat(status.get(0).enabled()).isTrue();
    assertThat(status.get(0).methods()).containsExactly(FactorKind.TOTP);
    assertThat(status.get(0).lastSignIn()).contains(fx.clock.instant());
    assertThat(status.get(1).missingRequiredEnrollment()).isTrue();
    assertThat(status.get(2).required()).isFalse();
  }

  @Test
  void activity_lastSignInAndPagedEvents() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    for (int i = 0; i < 3; i++) {
      fx.clock.advance(Duration.ofMinutes(1));
      fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), f.code());
    }

    SecurityActivity page1 = fx.engine.admin(ADMIN).activity(ALICE, OptionalLong.empty(), 4);
    SecurityActivity page2 = fx.engine.admin(ADMIN).activity(ALICE, page1.next(), 4);

    assertThat(page1.lastSignIn().get().at()).isEqualTo(fx.clock.instant());
    assertThat(page1.lastSignIn().get().ip()).isEqualTo("127.0.0.1");
    assertThat(page1.events()).hasSize(4).isSortedAccordingTo(
        (a, b) -> b.at().compareTo(a.at()));
    assertThat(page1.next()).isPresent();
    assertThat(page2.events()).isNotEmpty()
        .allMatch(e -> !e.at().isAfter(page1.events().get(3).at()))
        .doesNotContainAnyElementsOf(page1.events());
    assertThatThrownBy(() -> fx.engine.admin(ADMIN).activity(ALICE, OptionalLong.empty(), 0))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.admin(ADMIN).activity(ALICE, OptionalLong.empty(), 501))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> fx.engine.admin(ADMIN).activity(ALICE, OptionalLong.of(0), 5))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void activity_pagesPastEventsThatShareOneInstant() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    for (int i = 0; i < 4; i++) { // below the lockout
      fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), "000000");
    }
    List<String> all = fx.audit(ALICE).stream().map(e -> e.id()).toList();
    assertThat(fx.audit(ALICE)).extracting(e -> e.at()).as("the clock never moved")
        .containsOnly(fx.clock.instant());

    List<String> paged = new java.util.ArrayList<>();
    OptionalLong cursor = OptionalLong.empty();
    int pages = 0;
    do {
      SecurityActivity page = fx.engine.admin(ADMIN).activity(ALICE, cursor, 3);
      page.events().forEach(e -> paged.add(e.id()));
      cursor = page.next();
      pages++;
    } while (cursor.isPresent() && pages < 100);

    assertThat(all).hasSizeGreaterThan(7);
    assertThat(paged).as("every event exactly once").doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(pages).isEqualTo((all.size() + 2) / 3 + (all.size() % 3 == 0 ? 1 : 0));
  }

  @Test
  void practiceActivity_listsEveryUsersEvents_onlyForTheAdministrator() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    fx.enroll(BOB);

    AuditPage page = fx.engine.admin(ADMIN).practiceActivity(OptionalLong.empty(), 500);

    assertThat(page.events()).extracting(e -> e.subject().orElseThrow().value())
        .contains(ALICE.user().value(), BOB.user().value());
    assertThat(page.next()).isEmpty();
    assertThatThrownBy(() -> fx.engine.admin(ALICE).practiceActivity(OptionalLong.empty(), 10))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void securityState_showsFailuresLockAndEachFactorsState() {
    PracticePolicy strict = PracticePolicy.builder().factorFailureLimit(3).build();
    Fixture fx = new Fixture(strict);
    Fixture.Enrolled app = fx.enroll(ALICE, Fixture.APP);
    Fixture.Enrolled phone = fx.enroll(ALICE, Fixture.PHONE);
    for (int i = 0; i < 3; i++) {
      fx.answer(ALICE, fx.challenge(ALICE).challenge(), app.id(), "000000");
    }

    UserSecurityOverview view = fx.engine.admin(ADMIN).securityState(ALICE);

    assertThat(view.user()).isEqualTo(ALICE);
    assertThat(view.consecutiveFailures()).isEqualTo(3);
    assertThat(view.factors()).extracting(FactorSummary::id)
        .containsExactly(app.id(), phone.id());
    FactorSummary disabled = view.factors().get(0);
    assertThat(disabled.state()).isEqualTo(FactorState.DISABLED);
    assertThat(disabled.failures()).isEqualTo(3);
    assertThat(disabled.active()).isFalse();
    assertThat(view.factors().get(1).state()).isEqualTo(FactorState.ACTIVE);
    assertThat(view.factors().get(1).failures()).isZero();
    assertThat(view.twoFactorEnabled()).isTrue();
    assertThat(view.backupCodesRemaining()).isEqualTo(10);
    assertThat(view.at()).isEqualTo(fx.clock.instant());
    assertThat(fx.engine.account(ALICE).factors()).extracting(FactorSummary::state)
        .as("the user sees the disabled factor as disabled")
        .containsExactly(FactorState.DISABLED, FactorState.ACTIVE);
  }

  @Test
  void securityState_showsTheLockUntilItEnds() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    PracticePolicy policy = fx.engine.admin(ADMIN).policy();
    Instant until = null;
    for (int i = 0; i < policy.lockoutThreshold() + 2 && until == null; i++) {
      try {
        fx.answer(ALICE, fx.challenge(ALICE).challenge(), f.id(), "000000");
      } catch (RateLimitedException e) {
        until = e.retryAfter().orElseThrow();
      }
      until = until != null ? until
          : fx.engine.admin(ADMIN).securityState(ALICE).lockedUntil().orElse(null);
    }

    UserSecurityOverview locked = fx.engine.admin(ADMIN).securityState(ALICE);
    assertThat(locked.locked()).isTrue();
    assertThat(locked.lockedUntil()).contains(until);
    assertThat(locked.consecutiveFailures()).isGreaterThanOrEqualTo(policy.lockoutThreshold());

    fx.clock.advance(Duration.between(fx.clock.instant(), until).plusSeconds(1));
    assertThat(fx.engine.admin(ADMIN).securityState(ALICE).lockedUntil())
        .as("an ended lock is not shown").isEmpty();
  }

  @Test
  void securityState_refusesAnyoneButThePracticesAdministrator_andAudits() {
    Fixture fx = new Fixture();

    assertThatThrownBy(() -> fx.engine.admin(ALICE).securityState(BOB))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> fx.engine.admin(OTHER_ADMIN).securityState(ALICE))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(fx.auditCount(AuditType.ACCESS_DENIED)).isEqualTo(2);
  }
}
