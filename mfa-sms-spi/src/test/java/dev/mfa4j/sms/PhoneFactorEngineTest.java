package dev.mfa4j.sms;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordRejectedException;
import dev.mfa4j.PolicyViolationException;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.RequestContext;
import dev.mfa4j.Slf4jAuditListener;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.SecurityNotification;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Enrollment and sign-in by SMS and voice through the real engine and the in-memory store. */
class PhoneFactorEngineTest {
  static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  static final String MOBILE = UTIL.format(
      UTIL.getExampleNumberForType("GB", PhoneNumberType.MOBILE), PhoneNumberFormat.E164);
  static final String OTHER_MOBILE = UTIL.format(
      UTIL.getExampleNumberForType("US", PhoneNumberType.MOBILE), PhoneNumberFormat.E164);
  static final String PASSWORD = "correct horse battery staple";

  final UserRef alice = UserRef.staff("sunrise", "alice");
  final RequestContext request = RequestContext.of("127.0.0.1", "JUnit Browser/1.0");
  final List<SecurityNotification> notices = new CopyOnWriteArrayList<>();
  MutableClock clock;
  InMemoryMfaStore store;
  OutboxSender outbox;
  MfaEngine engine;

  @BeforeEach
  void setUp() {
    build(PracticePolicy.defaults());
  }

  void build(PracticePolicy policy) {
    clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    store = new InMemoryMfaStore();
    outbox = new OutboxSender();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    engine = MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
        .passwordVerifier((user, password) -> MessageDigest.isEqual(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            new String(password.chars()).getBytes(StandardCharsets.UTF_8)))
        .factor(OneTimeCodeFactor.builder().sender(outbox)
            .practiceName(p -> "Sunrise Therapy").build())
        .clock(clock)
        .defaultPolicy(policy)
        .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
        .auditListener(new Slf4jAuditListener())
        .securityListener(notices::add)
        .build();
  }

  String lastCode() {
    return outbox.last().orElseThrow().code(6).orElseThrow();
  }

  static String wrong(String code) {
    char c = code.charAt(0) == '9' ? '0' : (char) (code.charAt(0) + 1);
    return c + code.substring(1);
  }

  FactorId enroll(Channel channel, String number) {
    EnrollmentStart start = engine.account(alice).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", number, "channel", channel.name()), request);
    PhoneEnrollment details = start.details(PhoneEnrollment.class);
    assertThat(details.channel()).isEqualTo(channel);
    assertThat(outbox.last().orElseThrow().message().channel()).isEqualTo(channel);
    EnrollmentOutcome out = engine.account(alice).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), lastCode()), request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    clock.advance(Duration.ofMinutes(1)); // past the send cooldown
    return start.factor();
  }

  LoginStep.SecondFactorRequired challenge() {
    LoginStep step = engine.login().afterPrimary(alice, request);
    assertThat(step).isInstanceOf(LoginStep.SecondFactorRequired.class);
    return (LoginStep.SecondFactorRequired) step;
  }

  void prompt(ChallengeId c, FactorId f) {
    engine.login().prompt(alice, c, f, Map.of(), request);
  }

  LoginStep answer(ChallengeId c, FactorId f, String code) {
    return engine.login().verify(alice, c, Answer.code(f, code), RememberDevice.NO, request);
  }

  List<AuditEvent> audit() {
    return store.audit().find(new AuditQuery(alice.practice(), Optional.empty(),
        Optional.empty(), 500));
  }

  // --- enrollment and sign-in ---------------------------------------------------------------

  @Test
  void enrollAndSignIn_sms_authenticated() {
    EnrollmentStart start = engine.account(alice).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", MOBILE), request);
    PhoneEnrollment details = start.details(PhoneEnrollment.class);
    assertThat(details.maskedNumber()).endsWith(MOBILE.substring(MOBILE.length() - 2));
    EnrollmentOutcome out = engine.account(alice).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), lastCode()), request);
    assertThat(out).isInstanceOfSatisfying(EnrollmentOutcome.Confirmed.class, c -> {
      assertThat(c.notices()).isNotEmpty();
      assertThat(c.backupCodes()).isPresent();
      assertThat(c.factor().display()).containsEntry("channel", "SMS")
          .containsEntry("destination", details.maskedNumber());
    });
    clock.advance(Duration.ofMinutes(1));

    LoginStep.SecondFactorRequired s = challenge();
    int sent = outbox.calls();
    assertThat(s.methods()).extracting(FactorSummary::id).containsExactly(start.factor());
    assertThat(outbox.calls()).as("nothing is sent before the user asks").isEqualTo(sent);
    prompt(s.challenge(), start.factor());
    assertThat(outbox.calls()).isEqualTo(sent + 1);
    assertThat(answer(s.challenge(), start.factor(), lastCode()))
        .isInstanceOfSatisfying(LoginStep.Authenticated.class,
            a -> assertThat(a.method()).contains(FactorKind.PHONE));
    assertThat(audit()).anyMatch(e -> e.type() == AuditType.CODE_SENT);
  }

  @Test
  void enrollAndSignIn_voice_authenticated() {
    FactorId phone = enroll(Channel.VOICE, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    OutboundMessage call = outbox.last().orElseThrow().message();
    assertThat(call.channel()).isEqualTo(Channel.VOICE);
    assertThat(call.revealText()).doesNotContainPattern("[0-9]{2}");
    assertThat(answer(s.challenge(), phone, lastCode())).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void beginEnrollment_wrongPassword_refusedNothingSent() {
    assertThatThrownBy(() -> engine.account(alice).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of("wrong password here"), Map.of("phone", MOBILE), request))
        .isInstanceOf(PasswordRejectedException.class);
    assertThat(outbox.calls()).isZero();
  }

  @Test
  void beginEnrollment_badNumber_typedErrorNothingStored() {
    assertThatThrownBy(() -> engine.account(alice).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", UTIL.format(UTIL.getExampleNumberForType("GB",
            PhoneNumberType.PREMIUM_RATE), PhoneNumberFormat.E164)), request))
        .isInstanceOf(InvalidInputException.class);
    assertThat(outbox.calls()).isZero();
    assertThat(store.factors().list(alice.practice(), alice.user())).isEmpty();
  }

  @Test
  void beginEnrollment_numberAlreadyUsedByAnotherAccount_sameAnswerAsAFreshNumber() {
    UserRef bob = UserRef.client("sunrise", "bob");
    enroll(Channel.SMS, MOBILE);
    EnrollmentStart start = engine.account(bob).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", MOBILE), request);
    assertThat(start.details(PhoneEnrollment.class).maskedNumber())
        .endsWith(MOBILE.substring(MOBILE.length() - 2));
    assertThat(engine.account(bob).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), lastCode()), request))
        .isInstanceOf(EnrollmentOutcome.Confirmed.class);
  }

  // --- codes --------------------------------------------------------------------------------

  @Test
  void verify_atExactlyPolicyLifetime_refusedJustBeforeAccepted() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    String code = lastCode();
    clock.advance(Duration.ofMinutes(3));
    assertThat(answer(s.challenge(), phone, code)).isInstanceOf(LoginStep.Retry.class);

    clock.advance(Duration.ofMinutes(1));
    LoginStep.SecondFactorRequired t = challenge();
    prompt(t.challenge(), phone);
    String code2 = lastCode();
    clock.advance(Duration.ofMinutes(3).minusMillis(1));
    assertThat(answer(t.challenge(), phone, code2)).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void verify_reusedCode_refused() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    String code = lastCode();
    assertThat(answer(s.challenge(), phone, code)).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(answer(s.challenge(), phone, code)).isInstanceOf(LoginStep.Rejected.class);
    LoginStep.SecondFactorRequired t = challenge();
    assertThat(answer(t.challenge(), phone, code)).isInstanceOf(LoginStep.Retry.class);
  }

  @Test
  void prompt_resend_oldCodeRefusedNewAccepted() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    String first = lastCode();
    clock.advance(Duration.ofSeconds(30));
    prompt(s.challenge(), phone);
    String second = lastCode();
    if (!first.equals(second)) {
      assertThat(answer(s.challenge(), phone, first)).isInstanceOf(LoginStep.Retry.class);
    }
    assertThat(answer(s.challenge(), phone, second)).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void verify_fourFailuresResendOneFailure_locked() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    String code = lastCode();
    for (int i = 0; i < 4; i++) {
      assertThat(answer(s.challenge(), phone, wrong(code))).isInstanceOf(LoginStep.Retry.class);
    }
    clock.advance(Duration.ofSeconds(30));
    prompt(s.challenge(), phone);
    String fresh = lastCode();
    assertThat(answer(s.challenge(), phone, wrong(fresh))).isInstanceOf(LoginStep.Locked.class);
    assertThat(answer(s.challenge(), phone, fresh)).isNotInstanceOf(LoginStep.Authenticated.class);
  }

  @RepeatedTest(3)
  void verify_concurrentAnswersWithOneCode_exactlyOneAuthenticated() throws Exception {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    String code = lastCode();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<LoginStep>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return answer(s.challenge(), phone, code);
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<LoginStep> r : results) {
        if (r.get(30, TimeUnit.SECONDS) instanceof LoginStep.Authenticated) {
          won++;
        }
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  // --- sending ------------------------------------------------------------------------------

  @Test
  void prompt_withoutAValidChallenge_refusedAndNoSend() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    int sent = outbox.calls();
    ChallengeId forged = ChallengeId.of("A".repeat(43));
    assertThatThrownBy(() -> prompt(forged, phone)).isInstanceOf(InvalidInputException.class);
    LoginStep.SecondFactorRequired s = challenge();
    UserRef mallory = UserRef.staff("sunrise", "mallory");
    assertThatThrownBy(() -> engine.login().prompt(mallory, s.challenge(), phone, Map.of(),
        request)).isInstanceOf(InvalidInputException.class);
    assertThat(outbox.calls()).isEqualTo(sent);
  }

  @Test
  void prompt_throttleBitesThenLifts() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    prompt(s.challenge(), phone);
    int sent = outbox.calls();
    clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> prompt(s.challenge(), phone))
        .isInstanceOf(RateLimitedException.class);
    assertThat(outbox.calls()).isEqualTo(sent);
    assertThat(audit()).anyMatch(e -> e.type() == AuditType.CODE_SEND_FAILED
        && "cooldown".equals(e.details().get("throttle")));
    clock.advance(Duration.ofSeconds(20));
    prompt(s.challenge(), phone);
    assertThat(outbox.calls()).isEqualTo(sent + 1);
  }

  @Test
  void prompt_providerFailure_typedErrorAuditedChallengeUsable() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    outbox.failNext((SendResult.Failed) SendResult.retryable("timeout waiting for the provider",
        Optional.empty()));
    assertThatThrownBy(() -> prompt(s.challenge(), phone))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(audit()).anyMatch(e -> e.type() == AuditType.CODE_SEND_FAILED
        && "true".equals(e.details().get("retryable")));
    clock.advance(Duration.ofSeconds(30));
    prompt(s.challenge(), phone);
    assertThat(answer(s.challenge(), phone, lastCode())).isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void prompt_permanentFailure_typedErrorWithoutNumber() {
    FactorId phone = enroll(Channel.SMS, MOBILE);
    LoginStep.SecondFactorRequired s = challenge();
    outbox.failNext((SendResult.Failed) SendResult.permanent(
        "The 'To' number " + MOBILE + " is not a valid phone number.", Optional.of("21211")));
    assertThatThrownBy(() -> prompt(s.challenge(), phone))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).doesNotContain(MOBILE.substring(1));
        });
  }

  // --- number change ------------------------------------------------------------------------

  @Test
  void beginEnrollment_replaces_newNumberVerifiedNotifiedOldUnusable() {
    FactorId old = enroll(Channel.SMS, MOBILE);
    EnrollmentStart start = engine.account(alice).beginEnrollment(FactorKind.PHONE, "New mobile",
        Password.of(PASSWORD), Map.of("phone", OTHER_MOBILE, "replaces", old.value()), request);
    assertThat(outbox.last().orElseThrow().message().destination()).isEqualTo(OTHER_MOBILE);
    assertThat(notices).noneMatch(n -> n.type() == NotificationType.PHONE_CHANGED);
    EnrollmentOutcome out = engine.account(alice).confirmEnrollment(start.ceremony(),
        Answer.code(start.factor(), lastCode()), request);
    assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
    assertThat(notices).anyMatch(n -> n.type() == NotificationType.PHONE_CHANGED
        && old.value().equals(n.details().get("replaces")));
    clock.advance(Duration.ofMinutes(1));
    LoginStep.SecondFactorRequired s = challenge();
    int sent = outbox.calls();
    assertThatThrownBy(() -> prompt(s.challenge(), old)).isInstanceOf(InvalidInputException.class);
    assertThat(outbox.calls()).isEqualTo(sent);
    // the engine removed the replaced factor when the new number was confirmed
    assertThat(engine.account(alice).factors()).extracting(FactorSummary::id)
        .containsExactly(start.factor());
    assertThat(notices).anyMatch(n -> n.type() == NotificationType.FACTOR_REMOVED
        && old.value().equals(n.details().get("factor")));
  }

  @Test
  void beginEnrollment_replacesWithWrongPassword_refused() {
    FactorId old = enroll(Channel.SMS, MOBILE);
    int sent = outbox.calls();
    assertThatThrownBy(() -> engine.account(alice).beginEnrollment(FactorKind.PHONE, "New",
        Password.of("not the password!"), Map.of("phone", OTHER_MOBILE, "replaces", old.value()),
        request)).isInstanceOf(PasswordRejectedException.class);
    assertThat(outbox.calls()).isEqualTo(sent);
  }

  @Test
  void policy_phoneOnly_refusedAndNonPhoneFirstEnforced() {
    assertThatThrownBy(() -> PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.PHONE, FactorKind.BACKUP_CODE)).build())
        .isInstanceOf(PolicyViolationException.class);
    build(PracticePolicy.builder().requireNonPhoneFactor(true).build());
    assertThatThrownBy(() -> engine.account(alice).beginEnrollment(FactorKind.PHONE, "Mobile",
        Password.of(PASSWORD), Map.of("phone", MOBILE), request))
        .isInstanceOf(PolicyViolationException.class);
    assertThat(outbox.calls()).isZero();
  }

  // --- secrecy ------------------------------------------------------------------------------

  @Test
  void wholeFlow_logsAuditNotices_neverHoldNumberOrCode() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> codes = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      FactorId phone = enroll(Channel.SMS, MOBILE);
      codes.add(outbox.messages().get(0).code(6).orElseThrow());
      LoginStep.SecondFactorRequired s = challenge();
      prompt(s.challenge(), phone);
      codes.add(lastCode());
      answer(s.challenge(), phone, wrong(lastCode()));
      clock.advance(Duration.ofSeconds(30));
      outbox.failNext((SendResult.Failed) SendResult.permanent("The 'To' number " + MOBILE
          + " is not valid", Optional.of("21211")));
      try {
        prompt(s.challenge(), phone);
      } catch (DeliveryException expected) {
        codes.add(expected.getMessage()); // checked below like everything else
      }
      answer(s.challenge(), phone, codes.get(1));
    } finally {
      System.setErr(err);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("CODE_SENT").contains("CODE_SEND_FAILED");
    String everything = logs + audit() + notices;
    String digits = MOBILE.substring(1);
    assertThat(everything).doesNotContain(digits)
        .doesNotContain(digits.substring(digits.length() - 7));
    for (String code : codes.subList(0, 2)) {
      assertThat(everything).doesNotContain(code);
    }
    assertThat(codes.get(2)).doesNotContain(digits);
    assertThat(store.factors().list(alice.practice(), alice.user()).toString())
        .doesNotContain(digits);
  }
}
