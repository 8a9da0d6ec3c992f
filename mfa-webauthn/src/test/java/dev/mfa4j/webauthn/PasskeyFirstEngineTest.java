package dev.mfa4j.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.Answer;
import dev.mfa4j.Assurance;
import dev.mfa4j.Audience;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordlessStart;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Passkeys first: a passkey that verified the person signs in alone where the practice allows
 * it, otherwise the password follows; a removed or foreign credential; step-up with a passkey;
 * the advice for a device-bound passkey. Uses {@link PasswordlessEngineTest}'s engine, store and
 * software authenticators.
 */
class PasskeyFirstEngineTest {
  final PasswordlessEngineTest fx = new PasswordlessEngineTest();
  final UserRef alice = fx.alice;

  PasswordlessStart begin() {
    return fx.begin();
  }

  LoginStep finish(PasswordlessStart s, String json) {
    return fx.finish(s, json);
  }

  @Test
  void practiceDoesNotLetAPasskeyAloneSignIn_passwordFollows_andTheRecordIsAal2() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = fx.enroll(alice, passkey, "iPhone");
    fx.policy(PracticePolicy.builder().passkeySignIn(Set.of()));
    PasswordlessStart s = begin();
    Instant passkeyAt = fx.clock.instant();

    LoginStep step = finish(s, passkey.assertion(PasswordlessEngineTest.options(s),
        PasswordlessEngineTest.ORIGIN));

    assertThat(step).isInstanceOf(LoginStep.PasswordRequired.class);
    LoginStep.PasswordRequired p = (LoginStep.PasswordRequired) step;
    assertThat(p.user()).isEqualTo(alice);
    assertThat(fx.record(alice, f).lastUsed()).contains(passkeyAt);
    assertThat(fx.state(alice).lastSignIn()).isEmpty();
    // a wrong password counts like a wrong code; the same challenge takes the right one
    assertThat(fx.mfa.login().completeWithPassword(alice, p.challenge(),
        Password.of("not it"), RememberDevice.NO, fx.request))
        .isEqualTo(new LoginStep.Retry(p.challenge(), 4));
    assertThat(fx.state(alice).consecutiveFailures()).isEqualTo(1);
    fx.clock.advance(Duration.ofSeconds(20));
    LoginStep done = fx.mfa.login().completeWithPassword(alice, p.challenge(),
        Password.of(PasswordlessEngineTest.PASSWORD), RememberDevice.NO, fx.request);

    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    Assurance a = ((LoginStep.Authenticated) done).assurance();
    assertThat(a.level()).isEqualTo(Assurance.Level.AAL2);
    assertThat(a.proofs()).containsExactly(
        new Assurance.Proof(Assurance.Type.FACTOR, Optional.of(FactorKind.PASSKEY), true,
            passkeyAt),
        new Assurance.Proof(Assurance.Type.PASSWORD, Optional.empty(), false,
            fx.clock.instant()));
    assertThat(fx.state(alice).lastSignIn()).isPresent();
    assertThat(fx.state(alice).consecutiveFailures()).isZero();
    assertThat(fx.audit(alice)).filteredOn(e -> e.type() == AuditType.SIGN_IN_SUCCEEDED)
        .singleElement().satisfies(
            e -> assertThat(e.details()).containsEntry("via", "passkey_and_password"));
    // answered once
    assertThat(fx.mfa.login().completeWithPassword(alice, p.challenge(),
        Password.of(PasswordlessEngineTest.PASSWORD), RememberDevice.NO, fx.request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.ALREADY_COMPLETE));
  }

  @Test
  void userVerificationPreferred_touchOnlyKeyIsOneFactor_passwordFollows() {
    SoftwareAuthenticator touch = SoftwareAuthenticator.touchOnlyKey();
    FactorId f = fx.enroll(alice, touch, "Old key");
    MfaEngine preferred = fx.node(PasskeyFactor.builder()
        .relyingParty("app.example.com", "Sunrise Therapy")
        .origins(Set.of(PasswordlessEngineTest.ORIGIN))
        .passwordless(true)
        .passwordlessUserVerification(PasskeyFactor.UserVerification.PREFERRED)
        .build());
    PasswordlessStart s = preferred.login().beginPasswordless(alice.practice(), fx.request);

    LoginStep step = preferred.login().finishPasswordless(alice.practice(), s.ceremony(),
        touch.assertion(PasswordlessEngineTest.options(s), PasswordlessEngineTest.ORIGIN),
        fx.users, RememberDevice.NO, fx.request);

    assertThat(step).isInstanceOf(LoginStep.PasswordRequired.class);
    assertThat(fx.record(alice, f).lastUsed()).isPresent();
    LoginStep done = preferred.login().completeWithPassword(alice,
        ((LoginStep.PasswordRequired) step).challenge(),
        Password.of(PasswordlessEngineTest.PASSWORD), RememberDevice.NO, fx.request);
    Assurance a = ((LoginStep.Authenticated) done).assurance();
    assertThat(a.level()).isEqualTo(Assurance.Level.AAL2);
    assertThat(a.proofs()).filteredOn(p -> p.type() == Assurance.Type.FACTOR).singleElement()
        .satisfies(p -> assertThat(p.userVerified()).isFalse());
    // the same key under the default (user verification required) is refused and counted
    PasswordlessStart strict = fx.begin();
    assertThat(fx.finish(strict, touch.assertion(PasswordlessEngineTest.options(strict),
        PasswordlessEngineTest.ORIGIN))).isEqualTo(PasswordlessEngineTest.REFUSED);
    assertThat(fx.state(alice).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void passkeySignInForStaffOnly_aClientsPasskeyIsOneFactor() {
    SoftwareAuthenticator staffKey = SoftwareAuthenticator.syncedPasskey();
    SoftwareAuthenticator clientKey = SoftwareAuthenticator.syncedPasskey();
    UserRef cleo = UserRef.client("clinic-1", "cleo");
    fx.enroll(alice, staffKey, "Staff phone");
    fx.enroll(cleo, clientKey, "Client phone");
    fx.policy(PracticePolicy.builder().passkeySignIn(Set.of(Audience.STAFF)));

    PasswordlessStart s1 = begin();
    assertThat(finish(s1, staffKey.assertion(PasswordlessEngineTest.options(s1),
        PasswordlessEngineTest.ORIGIN))).isInstanceOf(LoginStep.Authenticated.class);
    PasswordlessStart s2 = begin();
    LoginStep clients = fx.mfa.login().finishPasswordless(alice.practice(), s2.ceremony(),
        clientKey.assertion(PasswordlessEngineTest.options(s2), PasswordlessEngineTest.ORIGIN),
        id -> id.equals(cleo.user()) ? Optional.of(cleo) : Optional.empty(), RememberDevice.NO,
        fx.request);
    assertThat(clients).isInstanceOf(LoginStep.PasswordRequired.class);
    assertThat(((LoginStep.PasswordRequired) clients).user()).isEqualTo(cleo);
  }

  @Test
  void passwordRequiredChallenge_answersNothingElse_andNothingElseAnswersIt() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = fx.enroll(alice, passkey, "iPhone");
    fx.policy(PracticePolicy.builder().passkeySignIn(Set.of()));
    PasswordlessStart s = begin();
    LoginStep.PasswordRequired p = (LoginStep.PasswordRequired) finish(s,
        passkey.assertion(PasswordlessEngineTest.options(s), PasswordlessEngineTest.ORIGIN));

    assertThat(fx.mfa.login().verify(alice, p.challenge(), Answer.response(f, "{}"),
        RememberDevice.NO, fx.request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    assertThat(fx.mfa.login().completeWithPassword(fx.bob, p.challenge(),
        Password.of(PasswordlessEngineTest.PASSWORD), RememberDevice.NO, fx.request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
    LoginStep.SecondFactorRequired second =
        (LoginStep.SecondFactorRequired) fx.mfa.login().afterPrimary(alice, fx.request);
    assertThat(fx.mfa.login().completeWithPassword(alice, second.challenge(),
        Password.of(PasswordlessEngineTest.PASSWORD), RememberDevice.NO, fx.request))
        .isEqualTo(new LoginStep.Rejected(LoginStep.Reason.INVALID_CHALLENGE));
  }

  @Test
  void removedPasskey_isUnknown_andRemovalTellsTheBrowser() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    SoftwareAuthenticator other = SoftwareAuthenticator.securityKey();
    FactorId f = fx.enroll(alice, passkey, "iPhone");
    FactorId kept = fx.enroll(alice, other, "YubiKey");

    List<ClientSignal> signals = fx.mfa.account(alice).remove(f,
        Password.of(PasswordlessEngineTest.PASSWORD), fx.request);
    PasswordlessStart s = begin();
    LoginStep step = finish(s, passkey.assertion(PasswordlessEngineTest.options(s),
        PasswordlessEngineTest.ORIGIN));

    assertThat(step).isEqualTo(new LoginStep.Rejected(LoginStep.Reason.UNKNOWN_CREDENTIAL));
    assertThat(fx.state(alice).consecutiveFailures()).isZero();
    assertThat(signals).singleElement().satisfies(sig -> {
      assertThat(sig.method()).isEqualTo(ClientSignal.ALL_ACCEPTED_CREDENTIALS);
      assertThat(sig.json()).contains(other.credentialId()).doesNotContain(
          passkey.credentialId()).contains(passkey.userHandle());
    });
    assertThat(fx.record(alice, kept).lookupKey()).contains(other.credentialId());
  }

  @Test
  void anotherPracticesPasskey_refusedButNeverCalledUnknown() {
    SoftwareAuthenticator elsewhere = SoftwareAuthenticator.syncedPasskey();
    UserRef dana = UserRef.staff("clinic-2", "dana");
    fx.enroll(dana, elsewhere, "Dana's phone");
    PasswordlessStart s = begin();

    LoginStep step = finish(s, elsewhere.assertion(PasswordlessEngineTest.options(s),
        PasswordlessEngineTest.ORIGIN));

    assertThat(step).isEqualTo(PasswordlessEngineTest.REFUSED);
    assertThat(fx.state(dana).consecutiveFailures()).isZero();
    assertThat(fx.heard).filteredOn(e -> e.type() == AuditType.SECOND_FACTOR_FAILED)
        .extracting(e -> e.details().get("reason")).contains("other_practice");
  }

  @Test
  void stepUpWithAPasskey_afterAPasswordlessSignIn_isFreshAgain() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    FactorId f = fx.enroll(alice, passkey, "iPhone");
    PasswordlessStart s = begin();
    Assurance signedIn = ((LoginStep.Authenticated) finish(s, passkey.assertion(
        PasswordlessEngineTest.options(s), PasswordlessEngineTest.ORIGIN))).assurance();
    assertThat(fx.mfa.stepUp().isFresh(signedIn, Duration.ofMinutes(5))).isTrue();
    fx.clock.advance(Duration.ofMinutes(30));
    assertThat(fx.mfa.stepUp().isFresh(signedIn, Duration.ofMinutes(5))).isFalse();

    LoginStep.SecondFactorRequired up = (LoginStep.SecondFactorRequired) fx.mfa.stepUp()
        .begin(alice, signedIn, "export_chart", fx.request);
    String json = fx.mfa.stepUp().prompt(alice, up.challenge(), f, Map.of(), fx.request)
        .clientJson().orElseThrow();
    LoginStep done = fx.mfa.stepUp().verify(alice, up.challenge(),
        Answer.response(f, passkey.assertion(json, PasswordlessEngineTest.ORIGIN)), fx.request);

    Assurance fresh = ((LoginStep.Authenticated) done).assurance();
    assertThat(fx.mfa.stepUp().isFresh(fresh, Duration.ofMinutes(5))).isTrue();
    assertThat(fresh.proofs()).singleElement().satisfies(p -> {
      assertThat(p.userVerified()).isTrue();
      assertThat(p.at()).isEqualTo(fx.clock.instant());
    });
    AuditEvent e = fx.audit(alice).stream()
        .filter(x -> x.type() == AuditType.STEP_UP_SUCCEEDED).findFirst().orElseThrow();
    assertThat(e.details()).containsEntry("action", "export_chart");
  }

  @Test
  void stepUp_passkeyOfAnotherUser_refusedAndCounted() {
    SoftwareAuthenticator mine = SoftwareAuthenticator.syncedPasskey();
    SoftwareAuthenticator bobs = SoftwareAuthenticator.syncedPasskey();
    FactorId f = fx.enroll(alice, mine, "iPhone");
    fx.enroll(fx.bob, bobs, "Bob's phone");
    PasswordlessStart s = begin();
    Assurance signedIn = ((LoginStep.Authenticated) finish(s, mine.assertion(
        PasswordlessEngineTest.options(s), PasswordlessEngineTest.ORIGIN))).assurance();
    LoginStep.SecondFactorRequired up = (LoginStep.SecondFactorRequired) fx.mfa.stepUp()
        .begin(alice, signedIn, "export_chart", fx.request);
    String json = fx.mfa.stepUp().prompt(alice, up.challenge(), f, Map.of(), fx.request)
        .clientJson().orElseThrow();

    LoginStep step = fx.mfa.stepUp().verify(alice, up.challenge(),
        Answer.response(f, bobs.assertion(json, PasswordlessEngineTest.ORIGIN)), fx.request);

    assertThat(step).isEqualTo(new LoginStep.Retry(up.challenge(), 4));
    assertThat(fx.state(alice).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void advice_onlyADeviceBoundPasskey_suggestsASecondOne_aSyncedOneNeedsNone() {
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    fx.enroll(alice, key, "YubiKey");
    assertThat(fx.mfa.account(alice).advice())
        .containsExactly(AccountSecurity.Advice.ADD_BACKUP_FOR_DEVICE_BOUND_PASSKEY);

    UserRef bob = fx.bob;
    fx.enroll(bob, SoftwareAuthenticator.syncedPasskey(), "iPhone");
    assertThat(fx.mfa.account(bob).advice()).isEmpty();

    fx.enroll(alice, SoftwareAuthenticator.syncedPasskey(), "iPhone");
    assertThat(fx.mfa.account(alice).advice()).isEmpty();
  }

  @Test
  void signals_afterANameChange_listTheAcceptedPasskeysAndTheNewNames() {
    SoftwareAuthenticator passkey = SoftwareAuthenticator.syncedPasskey();
    fx.enroll(alice, passkey, "iPhone");

    List<ClientSignal> signals = fx.mfa.account(alice).signals(
        new ClientSignal.Names("alice.new@example.com", "Alice New"));

    assertThat(signals).extracting(ClientSignal::method).containsExactlyInAnyOrder(
        ClientSignal.ALL_ACCEPTED_CREDENTIALS, ClientSignal.CURRENT_USER_DETAILS);
    assertThat(signals).filteredOn(x -> x.method().equals(ClientSignal.CURRENT_USER_DETAILS))
        .singleElement().satisfies(x -> assertThat(x.json()).contains("alice.new@example.com")
            .contains("Alice New").contains(passkey.userHandle()));
  }
}
