package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the engine lends a provider: bound to one user, one factor and one ceremony. */
class FactorContextTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  /** A passkey stand-in that hands its context out for inspection and sets a lookup key. */
  static final class Probe implements FactorProvider {
    final AtomicReference<FactorContext> last = new AtomicReference<>();
    final AtomicReference<FactorRecord> lastRecord = new AtomicReference<>();
    /** When set, verify reports that this factor answered and advances its counter to 5. */
    final AtomicReference<FactorRecord> answeredBy = new AtomicReference<>();
    /** Whether verify advances the answering factor's counter. */
    volatile boolean advance = true;

    @Override
    public FactorKind kind() {
      return FactorKind.PASSKEY;
    }

    @Override
    public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> p) {
      last.set(ctx);
      lastRecord.set(pending);
      return new Enrollment(pending, "options");
    }

    @Override
    public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
      last.set(ctx);
      lastRecord.set(pending);
      ctx.audit(AuditType.CREDENTIAL_CLONE_SUSPECTED, AuditOutcome.SUCCESS, Map.of("x", "y"));
      ctx.notifyUser(NotificationType.PHONE_CHANGED, Map.of());
      return Verification.accepted(pending.withLookupKey(java.util.Optional.of("cred-"
          + pending.id().value())).withAttributes(Map.of("aaguid", "test")), Map.of());
    }

    @Override
    public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> p) {
      return Prompt.none();
    }

    @Override
    public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
      last.set(ctx);
      FactorRecord other = answeredBy.get();
      if (other == null) {
        return Verification.accepted(Map.of());
      }
      if (advance && other.user().equals(ctx.user().user()) && other.kind().equals(kind())
          && other.state() == dev.mfa4j.spi.FactorState.ACTIVE) {
        ctx.advanceCounter(other, 5);
      }
      return Verification.accepted(other, Map.of());
    }
  }

  private static FactorId enroll(Fixture fx, String label) {
    EnrollmentStart start = fx.engine.account(ALICE).beginEnrollment(FactorKind.PASSKEY, label,
        Fixture.password(), Map.of(), fx.request);
    assertThat(start.details(String.class)).isEqualTo("options");
    assertThat(fx.engine.account(ALICE).confirmEnrollment(start.ceremony(),
        Answer.response(start.factor(), "{}"), fx.request))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
    return start.factor();
  }

  @Test
  void confirm_providerRecordStoredActiveWithLookupKeyAndAttributes() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);

    FactorId id = enroll(fx, "YubiKey");

    FactorRecord stored = fx.store.factors().find(ALICE.practice(), ALICE.user(), id)
        .orElseThrow();
    assertThat(stored.state()).isEqualTo(dev.mfa4j.spi.FactorState.ACTIVE);
    assertThat(stored.lookupKey()).contains("cred-" + id.value());
    assertThat(stored.attributes()).containsEntry("aaguid", "test");
    assertThat(stored.label()).isEqualTo("YubiKey");
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.CREDENTIAL_CLONE_SUSPECTED
        && id.value().equals(e.details().get("factor")) && "y".equals(e.details().get("x")));
    assertThat(fx.noticeCount(NotificationType.PHONE_CHANGED)).isEqualTo(1);
  }

  @Test
  void context_boundToItsUserAndFactor() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId first = enroll(fx, "Key 1");
    enroll(fx, "Key 2");
    FactorContext ctx = probe.last.get();
    FactorRecord own = probe.lastRecord.get();
    FactorRecord other = fx.store.factors().find(ALICE.practice(), ALICE.user(), first)
        .orElseThrow();

    List<FactorRecord> others = ctx.factorsOfKind();

    assertThat(others).extracting(FactorRecord::id).containsExactly(first, own.id());
    assertThat(ctx.user()).isEqualTo(ALICE);
    assertThat(ctx.clock().instant()).isEqualTo(fx.clock.instant());
    assertThatThrownBy(() -> ctx.seal(other, new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ctx.open(other)).isInstanceOf(IllegalArgumentException.class);
    byte[] sealed = ctx.seal(own, new byte[] {7});
    assertThat(ctx.open(own.withSealedSecret(sealed))).containsExactly(7);
  }

  @Test
  void signIn_withResponseAnswer_routedToProvider() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId id = enroll(fx, "Key");
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    LoginStep done = fx.engine.login().verify(ALICE, s.challenge(), Answer.response(id, "{}"),
        RememberDevice.NO, fx.request);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(((LoginStep.Authenticated) done).method()).contains(FactorKind.PASSKEY);
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), id).get().lastUsed())
        .contains(fx.clock.instant());
  }

  @Test
  void signIn_anotherOfTheUsersFactorsOfTheKindAnswers_useRecordedOnThatOne() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId picked = enroll(fx, "Phone passkey");
    FactorId other = enroll(fx, "YubiKey");
    probe.answeredBy.set(fx.store.factors().find(ALICE.practice(), ALICE.user(), other)
        .orElseThrow());
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    LoginStep done = fx.engine.login().verify(ALICE, s.challenge(),
        Answer.response(picked, "{}"), RememberDevice.NO, fx.request);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    FactorRecord used = fx.store.factors().find(ALICE.practice(), ALICE.user(), other).get();
    assertThat(used.counter()).isEqualTo(5);
    assertThat(used.lastUsed()).contains(fx.clock.instant());
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), picked).get().lastUsed())
        .isEmpty();
    assertThat(fx.audit(ALICE)).filteredOn(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED
            && e.details().containsKey("factor"))
        .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("factor",
            other.value()));
  }

  @Test
  void signIn_providerNamesAnotherUsersOrADisabledFactor_failsClosedChallengeOpen() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId picked = enroll(fx, "Phone passkey");
    FactorId disabled = enroll(fx, "Lost key");
    assertThat(fx.store.factors().transition(ALICE.practice(), ALICE.user(), disabled,
        dev.mfa4j.spi.FactorState.ACTIVE, dev.mfa4j.spi.FactorState.DISABLED)).isTrue();
    FactorRecord own = fx.store.factors().find(ALICE.practice(), ALICE.user(), picked)
        .orElseThrow();
    UserRef bob = UserRef.staff("p1", "bob");
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    probe.answeredBy.set(copy(own, bob.user(), own.kind()));
    assertThatThrownBy(() -> fx.engine.login().verify(ALICE, s.challenge(),
        Answer.response(picked, "{}"), RememberDevice.NO, fx.request))
        .isInstanceOf(IllegalStateException.class);
    probe.answeredBy.set(fx.store.factors().find(ALICE.practice(), ALICE.user(), disabled)
        .orElseThrow());
    assertThatThrownBy(() -> fx.engine.login().verify(ALICE, s.challenge(),
        Answer.response(picked, "{}"), RememberDevice.NO, fx.request))
        .isInstanceOf(IllegalStateException.class);
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), disabled).get().counter())
        .isZero();

    probe.answeredBy.set(null);
    assertThat(fx.engine.login().verify(ALICE, s.challenge(), Answer.response(picked, "{}"),
        RememberDevice.NO, fx.request)).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void context_advanceCounter_onlyTheUsersFactorsOfItsKind() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId first = enroll(fx, "Key 1");
    enroll(fx, "Key 2");
    FactorContext ctx = probe.last.get();
    FactorRecord sibling = fx.store.factors().find(ALICE.practice(), ALICE.user(), first)
        .orElseThrow();
    FactorRecord otherKind = copy(sibling, sibling.user(), FactorKind.TOTP);
    FactorRecord otherUser = copy(sibling, UserId.of("bob"), sibling.kind());

    assertThatThrownBy(() -> ctx.advanceCounter(otherKind, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ctx.advanceCounter(otherUser, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ctx.advanceCounter(sibling, 3)).isTrue();
    fx.store.factors().transition(ALICE.practice(), ALICE.user(), first,
        dev.mfa4j.spi.FactorState.ACTIVE, dev.mfa4j.spi.FactorState.DISABLED);
    assertThatThrownBy(() -> ctx.advanceCounter(sibling, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), first).get().counter())
        .isEqualTo(3);
  }

  private static FactorRecord copy(FactorRecord r, UserId user, FactorKind kind) {
    return new FactorRecord(r.id(), r.practice(), user, kind, r.label(), r.state(), r.created(),
        r.lastUsed(), r.counter(), r.failures(), r.lookupKey(), r.sealedSecret(), r.attributes());
  }

  @Test
  void signIn_providerUpdatesThePromptedFactor_newAttributesStored() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId id = enroll(fx, "Key");
    FactorRecord own = fx.store.factors().find(ALICE.practice(), ALICE.user(), id).orElseThrow();
    probe.advance = false;
    probe.answeredBy.set(own.withAttributes(Map.of("aaguid", "test", "backedUp", "true")));

    assertThat(fx.engine.login().verify(ALICE, fx.challenge(ALICE).challenge(),
        Answer.response(id, "{}"), RememberDevice.NO, fx.request))
        .isInstanceOf(LoginStep.Authenticated.class);

    FactorRecord stored = fx.store.factors().find(ALICE.practice(), ALICE.user(), id).get();
    assertThat(stored.attributes()).containsEntry("backedUp", "true");
    assertThat(stored.lastUsed()).contains(fx.clock.instant());
  }

  @Test
  void signIn_providerNamesAFactorOfAnotherKindUnderItsOwnKind_failsClosed() {
    Probe probe = new Probe();
    Fixture fx = new Fixture(PracticePolicy.defaults(), b -> b.factor(probe), null);
    FactorId passkey = enroll(fx, "Key");
    FactorId app = fx.enroll(ALICE).id();
    FactorRecord appRecord = fx.store.factors().find(ALICE.practice(), ALICE.user(), app)
        .orElseThrow();
    probe.advance = false;
    probe.answeredBy.set(copy(appRecord, ALICE.user(), FactorKind.PASSKEY));
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);

    assertThatThrownBy(() -> fx.engine.login().verify(ALICE, s.challenge(),
        Answer.response(passkey, "{}"), RememberDevice.NO, fx.request))
        .isInstanceOf(IllegalStateException.class);
    assertThat(fx.store.factors().find(ALICE.practice(), ALICE.user(), app).get().lastUsed())
        .isEmpty();
  }
}
