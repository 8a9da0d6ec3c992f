package dev.mfa4j.sms;

import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider against a fake engine context: every rule of the phone factor on its own. */
class OneTimeCodeFactorTest {
  static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  static final String MOBILE = example("GB", PhoneNumberType.MOBILE);
  static final String LANDLINE = example("GB", PhoneNumberType.FIXED_LINE);
  static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  MutableClock clock;
  OutboxSender outbox;
  FakeFactorContext ctx;
  OneTimeCodeFactor factor;
  UserRef alice = UserRef.staff("sunrise", "alice");

  static String example(String region, PhoneNumberType type) {
    return UTIL.format(UTIL.getExampleNumberForType(region, type), PhoneNumberFormat.E164);
  }

  @BeforeEach
  void setUp() {
    clock = MutableClock.at(START);
    outbox = new OutboxSender();
    ctx = FakeFactorContext.of(alice, FactorKind.PHONE, clock);
    factor = OneTimeCodeFactor.builder().sender(outbox)
        .practiceName(p -> "Sunrise Therapy").build();
  }

  FactorRecord pending(UserRef user) {
    return new FactorRecord(FactorId.random(new SecureRandom()), user.practice(), user.user(),
        FactorKind.PHONE, "My phone", FactorState.PENDING, clock.instant(), Optional.empty(), 0, 0,
        Optional.empty(), new byte[0], Map.of());
  }

  Enrollment begin(Map<String, String> params) {
    return factor.begin(ctx, pending(alice), params);
  }

  String lastCode() {
    return outbox.last().orElseThrow().code(ctx.policy().codeLength()).orElseThrow();
  }

  /** Enrolls and confirms a phone, then starts a fresh sign-in ceremony 1 minute later. */
  FactorRecord enrolled(Channel channel, String number) {
    Enrollment e = begin(Map.of("phone", number, "channel", channel.name()));
    Verification v = factor.confirm(ctx, e.pending(), Answer.code(e.pending().id(), lastCode()));
    assertThat(v.isAccepted()).isTrue();
    FactorRecord active = v.updated().orElseThrow().withState(FactorState.ACTIVE);
    ctx.store(active);
    ctx = ctx.newCeremony();
    clock.advance(Duration.ofMinutes(1));
    return active;
  }

  VerificationOutcome verify(FactorRecord f, String code) {
    return factor.verify(ctx, f, Answer.code(f.id(), code)).outcome();
  }

  static String wrong(String code) {
    char c = code.charAt(0) == '9' ? '0' : (char) (code.charAt(0) + 1);
    return c + code.substring(1);
  }

  // --- enrollment ---------------------------------------------------------------------------

  @Test
  void begin_mobileNumber_sendsSmsAndSealsNumber() {
    Enrollment e = begin(Map.of("phone", MOBILE));

    assertThat(outbox.messages()).hasSize(1);
    OutboundMessage m = outbox.last().orElseThrow().message();
    assertThat(m.channel()).isEqualTo(Channel.SMS);
    assertThat(m.destination()).isEqualTo(MOBILE);
    assertThat(m.revealText()).contains("Sunrise Therapy").contains("3 minutes");
    assertThat(lastCode()).hasSize(6).containsOnlyDigits();

    FactorRecord r = e.pending();
    String digits = MOBILE.substring(1);
    assertThat(new String(r.sealedSecret(), StandardCharsets.ISO_8859_1)).doesNotContain(digits);
    assertThat(ctx.open(r)).isEqualTo(MOBILE.getBytes(StandardCharsets.UTF_8));
    assertThat(r.lookupKey()).get().asString().doesNotContain(digits).endsWith(r.id().value());
    assertThat(r.attributes().toString()).doesNotContain(digits);
    assertThat(r.attributes()).containsEntry("channel", "SMS").containsEntry("region", "GB");
    assertThat(r.attributes().get("destination"))
        .startsWith("+44 ").endsWith(MOBILE.substring(MOBILE.length() - 2)).contains("•");

    PhoneEnrollment details = (PhoneEnrollment) e.details();
    assertThat(details.maskedNumber()).isEqualTo(r.attributes().get("destination"));
    assertThat(details.channel()).isEqualTo(Channel.SMS);
    assertThat(details.codeExpiresAt()).isEqualTo(START.plus(Duration.ofMinutes(3)));
    assertThat(details.riskNotice()).contains("authenticator app");
    assertThat(factor.restricted()).isTrue();
    assertThat(factor.kind()).isEqualTo(FactorKind.PHONE);
  }

  @Test
  void begin_codeStoredOnlyAsKeyedHash() {
    begin(Map.of("phone", MOBILE));
    String code = lastCode();
    assertThat(ctx.ceremonyState().values()).allSatisfy(v -> assertThat(v).doesNotContain(code));
    assertThat(ctx.ceremonyState().toString()).doesNotContain(code);
  }

  @Test
  void begin_policyCodeLength8_sendsEightDigits() {
    ctx.policy(PracticePolicy.builder().codeLength(8).build());
    Enrollment e = begin(Map.of("phone", MOBILE));
    String code = lastCode();
    assertThat(code).hasSize(8);
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(e.pending().id(), code)).isAccepted())
        .isTrue();
  }

  @Test
  void confirm_rightCode_acceptedWithCounterOfCode() {
    Enrollment e = begin(Map.of("phone", MOBILE));
    Verification v = factor.confirm(ctx, e.pending(), Answer.code(e.pending().id(), lastCode()));
    assertThat(v.isAccepted()).isTrue();
    assertThat(v.updated()).get().extracting(FactorRecord::counter)
        .isEqualTo(START.toEpochMilli());
  }

  @Test
  void confirm_wrongCode_invalid_thenRightCodeStillAccepted() {
    Enrollment e = begin(Map.of("phone", MOBILE));
    String code = lastCode();
    FactorId id = e.pending().id();
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(id, wrong(code))).outcome())
        .isEqualTo(VerificationOutcome.INVALID);
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(id, code)).isAccepted()).isTrue();
  }

  @Test
  void confirm_sameCodeTwice_secondReplayed() {
    Enrollment e = begin(Map.of("phone", MOBILE));
    String code = lastCode();
    FactorId id = e.pending().id();
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(id, code)).isAccepted()).isTrue();
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(id, code)).outcome())
        .isEqualTo(VerificationOutcome.REPLAYED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12345", "1234567", "12345a", "١٢٣٤٥٦", "12 345", "-12345"})
  void confirm_malformedCode_malformed(String typed) {
    Enrollment e = begin(Map.of("phone", MOBILE));
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(e.pending().id(), typed)).outcome())
        .isEqualTo(VerificationOutcome.MALFORMED);
  }

  @Test
  void confirm_codeForAnotherFactor_malformed() {
    Enrollment e = begin(Map.of("phone", MOBILE));
    FactorId other = FactorId.random(new SecureRandom());
    assertThat(factor.confirm(ctx, e.pending(), Answer.code(other, lastCode())).outcome())
        .isEqualTo(VerificationOutcome.MALFORMED);
  }

  @Test
  void begin_voice_readsDigitsOneByOneTwice() {
    begin(Map.of("phone", MOBILE, "channel", "voice"));
    OutboundMessage m = outbox.last().orElseThrow().message();
    assertThat(m.channel()).isEqualTo(Channel.VOICE);
    String code = lastCode();
    String spoken = String.join(", ", code.split(""));
    assertThat(m.revealText()).doesNotContain(code);
    assertThat(m.revealText().split(java.util.regex.Pattern.quote(spoken), -1)).hasSize(3);
  }

  @Test
  void begin_landline_refusedForSmsAcceptedForVoice() {
    assertThatThrownBy(() -> begin(Map.of("phone", LANDLINE)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("voice call");
    begin(Map.of("phone", LANDLINE, "channel", "VOICE"));
    assertThat(outbox.last().orElseThrow().message().channel()).isEqualTo(Channel.VOICE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GB:PREMIUM_RATE", "US:PREMIUM_RATE", "DE:SHARED_COST", "CH:SHARED_COST",
      "US:VOIP", "US:PERSONAL_NUMBER", "US:TOLL_FREE",
      "GB:TOLL_FREE", "GB:PERSONAL_NUMBER", "GB:VOIP", "GB:UAN", "GB:PAGER", "FR:SHARED_COST"})
  void begin_costlyOrUnownedNumberType_refusedAndNothingSent(String regionAndType) {
    String[] rt = regionAndType.split(":");
    PhoneNumberType type = PhoneNumberType.valueOf(rt[1]);
    String number = example(rt[0], type);
    for (Channel channel : Channel.values()) {
      assertThatThrownBy(() -> begin(Map.of("phone", number, "channel", channel.name())))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(type.name())
          .hasMessageNotContaining(number.substring(1));
    }
    assertThat(outbox.calls()).isZero();
    assertThat(ctx.counterIncrements()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1 555 0100", "12345", "+999123456789", "not a number", "+44 7٤00 123456",
      "+4474001234567890123456789012345678", "+44 74"})
  void begin_invalidNumber_refusedWithoutEchoingIt(String number) {
    assertThatThrownBy(() -> begin(Map.of("phone", number)))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(number.trim()));
    assertThat(outbox.calls()).isZero();
  }

  @Test
  void begin_nationalNumber_needsRegion() {
    String national = UTIL.format(UTIL.getExampleNumberForType("GB", PhoneNumberType.MOBILE),
        PhoneNumberFormat.NATIONAL);
    assertThatThrownBy(() -> begin(Map.of("phone", national)))
        .isInstanceOf(InvalidInputException.class);
    begin(Map.of("phone", national, "region", "GB"));
    assertThat(outbox.last().orElseThrow().message().destination()).isEqualTo(MOBILE);
  }

  @Test
  void begin_regionNotAllowedForPractice_refused() {
    factor = OneTimeCodeFactor.builder().sender(outbox)
        .allowedRegions(p -> p.equals(PracticeId.of("sunrise")) ? Set.of("US", "CA") : Set.of())
        .build();
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE)))
        .isInstanceOfSatisfying(RegionNotAcceptedException.class, e -> {
          assertThat(e.region()).isEqualTo("GB");
          assertThat(e.acceptedRegions()).containsExactlyInAnyOrder("US", "CA");
          assertThat(e.getMessage()).isEqualTo("Phone numbers from United Kingdom can't be used"
              + " with this practice. Please use a phone number from Canada or United States.");
        });
    begin(Map.of("phone", example("US", PhoneNumberType.MOBILE)));
    assertThat(outbox.calls()).isEqualTo(1);
    // a practice whose set is empty accepts no number
    FakeFactorContext elsewhere = ctx.forUser(UserRef.staff("moonrise", "u1"));
    assertThatThrownBy(() -> factor.begin(elsewhere, pending(elsewhere.user()),
        Map.of("phone", example("US", PhoneNumberType.MOBILE))))
        .isInstanceOf(RegionNotAcceptedException.class)
        .hasMessageContaining("ask the practice");
    assertThat(outbox.calls()).isEqualTo(1);
  }

  @Test
  void begin_byDefault_onlyTheDefaultRegions() {
    String nigeria = example("NG", PhoneNumberType.MOBILE);
    assertThatThrownBy(() -> begin(Map.of("phone", nigeria)))
        .isInstanceOfSatisfying(RegionNotAcceptedException.class, e -> {
          assertThat(e.region()).isEqualTo("NG");
          assertThat(e.acceptedRegions()).isEqualTo(OneTimeCodeFactor.DEFAULT_REGIONS);
          assertThat(e.getMessage()).startsWith("Phone numbers from Nigeria can't be used")
              .doesNotContain(nigeria.substring(1));
        });
    // +1 numbers outside the US and Canada are other regions
    assertThatThrownBy(() -> begin(Map.of("phone", example("JM", PhoneNumberType.MOBILE))))
        .isInstanceOf(RegionNotAcceptedException.class);
    assertThat(outbox.calls()).isZero();
    assertThat(ctx.counterIncrements()).isZero();
    begin(Map.of("phone", MOBILE));
    assertThat(outbox.calls()).isEqualTo(1);
  }

  @Test
  void begin_allowAllRegions_acceptsAnyCountryOnlyWhenAskedFor() {
    factor = OneTimeCodeFactor.builder().sender(outbox).allowAllRegions().build();
    begin(Map.of("phone", example("NG", PhoneNumberType.MOBILE)));
    assertThat(outbox.calls()).isEqualTo(1);
    assertThatThrownBy(() -> OneTimeCodeFactor.builder().sender(outbox).allowAllRegions()
        .allowedRegions(Set.of("US")).build()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void begin_practiceNumbers_acceptTheirRegionsOnly() {
    factor = OneTimeCodeFactor.builder().sender(outbox)
        .practiceNumbers(p -> p.value().equals("sunrise")
            ? List.of(example("FR", PhoneNumberType.FIXED_LINE)) : List.of())
        .build();
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE)))
        .isInstanceOf(RegionNotAcceptedException.class)
        .hasMessage("Phone numbers from United Kingdom can't be used with this practice."
            + " Please use a phone number from France.");
    begin(Map.of("phone", example("FR", PhoneNumberType.MOBILE)));
    // a practice without numbers falls back to the default regions
    FakeFactorContext elsewhere = ctx.forUser(UserRef.staff("moonrise", "u1"));
    factor.begin(elsewhere, pending(elsewhere.user()), Map.of("phone", MOBILE));
    assertThat(outbox.calls()).isEqualTo(2);
  }

  @Test
  void begin_staticRegionSet_sameForEveryPractice() {
    factor = OneTimeCodeFactor.builder().sender(outbox).allowedRegions(Set.of("GB")).build();
    begin(Map.of("phone", MOBILE));
    assertThatThrownBy(() -> begin(Map.of("phone", example("US", PhoneNumberType.MOBILE))))
        .isInstanceOf(RegionNotAcceptedException.class);
    assertThatThrownBy(() -> OneTimeCodeFactor.builder().allowedRegions(Set.of("gb")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void begin_badParameters_refused() {
    assertThatThrownBy(() -> begin(Map.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE, "channel", "fax")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE, "colour", "red")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE, "locale", "!!")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE, "replaces", "nope-not-mine")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE, "region", "Great Britain")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(outbox.calls()).isZero();
  }

  @Test
  void begin_numberOfAnotherAccount_behavesExactlyAsAFreshNumber() {
    Enrollment a = begin(Map.of("phone", MOBILE));
    FakeFactorContext bobCtx = ctx.forUser(UserRef.client("sunrise", "bob"));
    clock.advance(Duration.ofMinutes(1));
    Enrollment b = factor.begin(bobCtx, pending(bobCtx.user()), Map.of("phone", MOBILE));
    assertThat(b.pending().lookupKey()).isNotEqualTo(a.pending().lookupKey());
    assertThat(b.details()).usingRecursiveComparison().ignoringFields("codeExpiresAt")
        .isEqualTo(a.details());
  }

  @Test
  void begin_localeGiven_usesLocalisedTemplate() {
    factor = OneTimeCodeFactor.builder().sender(outbox).practiceName(p -> "Cabinet Soleil")
        .templates(MessageTemplates.builder().locale(java.util.Locale.FRENCH,
            "Votre code {practice} : {code} (valable {minutes} min).",
            "Votre code est {code}. Je répète : {code}.",
            "Les SMS peuvent être interceptés.").build())
        .build();
    Enrollment e = begin(Map.of("phone", MOBILE, "locale", "fr-CA"));
    OutboundMessage m = outbox.last().orElseThrow().message();
    assertThat(m.revealText()).startsWith("Votre code Cabinet Soleil : ").endsWith("(valable 3 min).");
    assertThat(m.locale().toLanguageTag()).isEqualTo("fr-CA");
    assertThat(((PhoneEnrollment) e.details()).riskNotice()).isEqualTo(
        "Les SMS peuvent être interceptés.");
  }

  // --- sign-in ------------------------------------------------------------------------------

  @Test
  void verify_beforeAnyPrompt_notPromptedAndNothingSent() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    int sent = outbox.calls();
    assertThat(verify(f, "123456")).isEqualTo(VerificationOutcome.NOT_PROMPTED);
    assertThat(outbox.calls()).isEqualTo(sent);
  }

  @Test
  void prompt_smsFactor_sendsNewCodeAndVerifies() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    Prompt p = factor.prompt(ctx, f, Map.of());
    assertThat(p.display()).containsEntry("channel", "SMS")
        .containsEntry("destination", f.attributes().get("destination"));
    assertThat(p.nextPromptAt()).contains(clock.instant().plusSeconds(30));
    assertThat(outbox.messages()).hasSize(2);
    assertThat(verify(f, lastCode())).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(ctx.audits()).anyMatch(a -> a.type() == AuditType.CODE_SENT
        && a.outcome() == AuditOutcome.SUCCESS);
  }

  @Test
  void prompt_voiceFactor_callsAndVerifies() {
    FactorRecord f = enrolled(Channel.VOICE, MOBILE);
    factor.prompt(ctx, f, Map.of());
    assertThat(outbox.last().orElseThrow().message().channel()).isEqualTo(Channel.VOICE);
    assertThat(verify(f, lastCode())).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void prompt_channelParameter_switchesThisCodeToVoice() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of("channel", "VOICE"));
    assertThat(outbox.last().orElseThrow().message().channel()).isEqualTo(Channel.VOICE);
    assertThat(verify(f, lastCode())).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void verify_atExactlyTheLifetime_expired_andJustBefore_accepted() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String code = lastCode();
    clock.advance(ctx.policy().codeLifetime().minusMillis(1));
    Instant lastValid = clock.instant();
    clock.advance(Duration.ofMillis(1));
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.EXPIRED);
    clock.set(lastValid);
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void verify_policyLifetimeOfTenMinutes_expiresAtTenMinutes() {
    ctx.policy(PracticePolicy.builder().codeLifetime(Duration.ofMinutes(10))
        .challengeLifetime(Duration.ofMinutes(10)).build());
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String code = lastCode();
    assertThat(outbox.last().orElseThrow().message().revealText()).contains("10 minutes");
    clock.advance(Duration.ofMinutes(10));
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.EXPIRED);
  }

  @Test
  void verify_sameCodeTwice_secondReplayed() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String code = lastCode();
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.REPLAYED);
  }

  @Test
  void verify_acceptedCodeInAnotherCeremonyWithSameState_replayedByCounter() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String code = lastCode();
    Map<String, String> copy = new HashMap<>(ctx.ceremonyState());
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.ACCEPTED);
    ctx = ctx.newCeremony();
    ctx.ceremonyState().putAll(copy); // another ceremony with a stale copy of the state
    assertThat(verify(f, code)).isEqualTo(VerificationOutcome.REPLAYED);
  }

  @Test
  void prompt_resendAfterCooldown_oldCodeRefusedNewAccepted() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String first = lastCode();
    clock.advance(Duration.ofSeconds(30));
    factor.prompt(ctx, f, Map.of());
    String second = lastCode();
    if (second.equals(first)) {
      return; // one chance in a million: the same digits again, nothing to tell apart
    }
    assertThat(verify(f, first)).isEqualTo(VerificationOutcome.INVALID);
    assertThat(verify(f, second)).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void prompt_withinCooldown_rateLimitedAndNothingSent() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    int sent = outbox.calls();
    clock.advance(Duration.ofSeconds(29));
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOf(RateLimitedException.class)
        .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter())
            .contains(clock.instant().plusSeconds(1)))
        .satisfies(e -> assertThat(((RateLimitedException) e).limit())
            .isEqualTo(RateLimitedException.Limit.CODE_COOLDOWN));
    assertThat(outbox.calls()).isEqualTo(sent);
    assertThat(ctx.audits()).anyMatch(a -> a.type() == AuditType.CODE_SEND_FAILED
        && a.outcome() == AuditOutcome.DENIED && "cooldown".equals(a.details().get("throttle")));
    clock.advance(Duration.ofSeconds(1));
    factor.prompt(ctx, f, Map.of());
    assertThat(outbox.calls()).isEqualTo(sent + 1);
  }

  @Test
  void prompt_cooldownHoldsAcrossCeremoniesOfOneUser() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    ctx = ctx.newCeremony();
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOf(RateLimitedException.class);
  }

  @Test
  void prompt_sixthSendInOneChallenge_refused() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    for (int i = 0; i < 5; i++) {
      factor.prompt(ctx, f, Map.of());
      clock.advance(Duration.ofSeconds(30));
    }
    int sent = outbox.calls();
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOf(RateLimitedException.class).hasMessageContaining("start again");
    assertThat(outbox.calls()).isEqualTo(sent);
  }

  @Test
  void prompt_perUserLimit_bitesThenLiftsWithTheWindow() {
    factor = OneTimeCodeFactor.builder().sender(outbox).perUser(SendLimit.perHour(3)).build();
    FactorRecord f = enrolled(Channel.SMS, MOBILE); // send 1 at 10:00
    factor.prompt(ctx, f, Map.of()); // 2
    clock.advance(Duration.ofSeconds(30));
    factor.prompt(ctx, f, Map.of()); // 3
    clock.advance(Duration.ofSeconds(30));
    ctx = ctx.newCeremony();
    int sent = outbox.calls();
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOf(RateLimitedException.class)
        .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter())
            .contains(Instant.parse("2026-11-23T11:00:00Z")))
        .satisfies(e -> assertThat(((RateLimitedException) e).limit())
            .isEqualTo(RateLimitedException.Limit.CODES_PER_USER));
    assertThat(outbox.calls()).isEqualTo(sent);
    clock.set(Instant.parse("2026-11-23T11:00:00Z"));
    factor.prompt(ctx, f, Map.of());
    assertThat(outbox.calls()).isEqualTo(sent + 1);
  }

  @Test
  void begin_perDestinationLimit_countsOverUsersOfThePracticeThenLifts() {
    factor = OneTimeCodeFactor.builder().sender(outbox).perDestination(SendLimit.perDay(2))
        .build();
    begin(Map.of("phone", MOBILE));
    FakeFactorContext erin = ctx.forUser(UserRef.client("sunrise", "erin"));
    factor.begin(erin, pending(erin.user()), Map.of("phone", MOBILE));
    FakeFactorContext carol = ctx.forUser(UserRef.client("sunrise", "carol"));
    assertThatThrownBy(() -> factor.begin(carol, pending(carol.user()), Map.of("phone", MOBILE)))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageNotContaining(MOBILE.substring(1))
        .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter())
            .contains(Instant.parse("2026-11-24T00:00:00Z")))
        .satisfies(e -> assertThat(((RateLimitedException) e).limit())
            .isEqualTo(RateLimitedException.Limit.CODES_PER_DESTINATION));
    assertThat(outbox.calls()).isEqualTo(2);
    // another practice's user of the same number is not affected
    FakeFactorContext bob = ctx.forUser(UserRef.client("other-practice", "bob"));
    factor.begin(bob, pending(bob.user()), Map.of("phone", MOBILE));
    assertThat(outbox.calls()).isEqualTo(3);
    // another number for carol is fine
    factor.begin(carol, pending(carol.user()), Map.of("phone", example("US",
        PhoneNumberType.MOBILE)));
    assertThat(outbox.calls()).isEqualTo(4);
    assertThat(ctx.counterKeys()).allSatisfy(k -> assertThat(k).doesNotContain(MOBILE.substring(1)));
    clock.set(Instant.parse("2026-11-24T00:00:00Z"));
    factor.begin(ctx.forUser(UserRef.client("sunrise", "dave")), pending(UserRef.client("sunrise",
        "dave")), Map.of("phone", MOBILE));
    assertThat(outbox.calls()).isEqualTo(5);
  }

  @Test
  void begin_perDestinationCeilingOverAllPractices_holds() {
    factor = OneTimeCodeFactor.builder().sender(outbox).perDestination(SendLimit.perDay(2))
        .perDestinationAllPractices(SendLimit.perDay(3)).build();
    for (String practice : List.of("p1", "p2", "p3")) {
      FakeFactorContext c = ctx.forUser(UserRef.client(practice, "u"));
      factor.begin(c, pending(c.user()), Map.of("phone", MOBILE));
    }
    FakeFactorContext fourth = ctx.forUser(UserRef.client("p4", "u"));
    assertThatThrownBy(() -> factor.begin(fourth, pending(fourth.user()),
        Map.of("phone", MOBILE)))
        .isInstanceOf(RateLimitedException.class)
        .hasMessage("too many codes were sent to this number; try again later");
    assertThat(outbox.calls()).isEqualTo(3);
    assertThat(fourth.audits()).anyMatch(a -> "destination_all".equals(a.details().get("throttle")));
  }

  @Test
  void begin_practiceDailyBudget_bitesForThatPracticeOnly() {
    factor = OneTimeCodeFactor.builder().sender(outbox)
        .practiceDailyBudget(p -> p.value().equals("sunrise") ? 2 : 100).build();
    List<String> numbers = List.of(MOBILE, example("US", PhoneNumberType.MOBILE),
        example("FR", PhoneNumberType.MOBILE));
    for (int i = 0; i < 2; i++) {
      FakeFactorContext c = ctx.forUser(UserRef.staff("sunrise", "u" + i));
      factor.begin(c, pending(c.user()), Map.of("phone", numbers.get(i)));
    }
    FakeFactorContext third = ctx.forUser(UserRef.staff("sunrise", "u2"));
    assertThatThrownBy(() -> factor.begin(third, pending(third.user()),
        Map.of("phone", numbers.get(2)))).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("budget");
    FakeFactorContext elsewhere = ctx.forUser(UserRef.staff("moonrise", "u2"));
    factor.begin(elsewhere, pending(elsewhere.user()), Map.of("phone", numbers.get(2)));
    assertThat(outbox.calls()).isEqualTo(3);
  }

  @Test
  void begin_burstToOneNumberBlock_blockedWithoutCallingTheSender() {
    factor = OneTimeCodeFactor.builder().sender(outbox).perPrefix(SendLimit.perHour(3))
        .perIp(SendLimit.perHour(100)).build();
    String block = SendThrottle.prefix(MOBILE);
    for (int i = 0; i < 3; i++) {
      FakeFactorContext c = ctx.forUser(UserRef.client("sunrise", "victim" + i));
      factor.begin(c, pending(c.user()), Map.of("phone", block + "100" + i));
    }
    FakeFactorContext fourth = ctx.forUser(UserRef.client("sunrise", "victim3"));
    assertThatThrownBy(() -> factor.begin(fourth, pending(fourth.user()),
        Map.of("phone", block + "1003"))).isInstanceOf(RateLimitedException.class);
    assertThat(outbox.calls()).isEqualTo(3);
    FakeFactorContext elsewhere = ctx.forUser(UserRef.client("sunrise", "someone"));
    factor.begin(elsewhere, pending(elsewhere.user()),
        Map.of("phone", example("US", PhoneNumberType.MOBILE)));
    assertThat(outbox.calls()).isEqualTo(4);
    // the block limit is per practice: another practice's user in the block is not affected
    FakeFactorContext other = ctx.forUser(UserRef.client("other", "victim4"));
    factor.begin(other, pending(other.user()), Map.of("phone", block + "1004"));
    assertThat(outbox.calls()).isEqualTo(5);
  }

  @Test
  void begin_numberBlockCeilingOverAllPractices_holds() {
    factor = OneTimeCodeFactor.builder().sender(outbox).perPrefix(SendLimit.perHour(2))
        .perPrefixAllPractices(SendLimit.perHour(4)).build();
    String block = SendThrottle.prefix(MOBILE);
    for (int i = 0; i < 4; i++) {
      FakeFactorContext c = ctx.forUser(UserRef.client("p" + (i / 2), "victim" + i));
      factor.begin(c, pending(c.user()), Map.of("phone", block + "100" + i));
    }
    FakeFactorContext fifth = ctx.forUser(UserRef.client("p9", "victim5"));
    assertThatThrownBy(() -> factor.begin(fifth, pending(fifth.user()),
        Map.of("phone", block + "1005"))).isInstanceOf(RateLimitedException.class);
    assertThat(outbox.calls()).isEqualTo(4);
    assertThat(fifth.audits()).anyMatch(a -> "prefix_all".equals(a.details().get("throttle")));
  }

  @Test
  void begin_burstFromOneIp_blockedWithoutCallingTheSender() {
    factor = OneTimeCodeFactor.builder().sender(outbox).perIp(SendLimit.perHour(2)).build();
    List<String> numbers = List.of(MOBILE, example("US", PhoneNumberType.MOBILE),
        example("FR", PhoneNumberType.MOBILE));
    for (int i = 0; i < 2; i++) {
      FakeFactorContext c = ctx.forUser(UserRef.client("sunrise", "u" + i));
      factor.begin(c, pending(c.user()), Map.of("phone", numbers.get(i)));
    }
    FakeFactorContext third = ctx.forUser(UserRef.client("sunrise", "u2"));
    assertThatThrownBy(() -> factor.begin(third, pending(third.user()),
        Map.of("phone", numbers.get(2)))).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("network");
    assertThat(outbox.calls()).isEqualTo(2);
  }

  @Test
  void begin_codeDigitsComeFromTheEnginesRandom() {
    ctx.random(new SecureRandom() {
      private static final long serialVersionUID = 1L;
      private final int[] digits = {3, 1, 4, 1, 5, 9};
      private int next;

      @Override
      public int nextInt(int bound) {
        assertThat(bound).isEqualTo(10);
        return digits[next++ % digits.length];
      }
    });
    begin(Map.of("phone", MOBILE));
    assertThat(lastCode()).isEqualTo("314159");
  }

  @Test
  void prompt_regionRemovedFromPracticeAfterEnrollment_refusedBeforeSending() {
    Set<String> regions = new java.util.concurrent.CopyOnWriteArraySet<>(Set.of("GB"));
    factor = OneTimeCodeFactor.builder().sender(outbox).allowedRegions(p -> Set.copyOf(regions))
        .build();
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    regions.clear();
    regions.add("US");
    int sent = outbox.calls();
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThat(outbox.calls()).isEqualTo(sent);
  }

  // --- provider failures --------------------------------------------------------------------

  @Test
  void prompt_permanentFailure_deliveryExceptionAuditedAndNothingSecret() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    outbox.failNext((SendResult.Failed) SendResult.permanent(
        "The 'To' number " + MOBILE + " is not a valid phone number.", Optional.of("21211")));
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.providerCode()).contains("21211");
          assertThat(e.getMessage()).doesNotContain(MOBILE).doesNotContain(MOBILE.substring(1));
          assertThat(e.reason()).doesNotContain(MOBILE.substring(1));
        });
    assertThat(ctx.audits()).anyMatch(a -> a.type() == AuditType.CODE_SEND_FAILED
        && a.outcome() == AuditOutcome.FAILURE && "false".equals(a.details().get("retryable")));
    assertThat(ctx.audits().toString()).doesNotContain(MOBILE.substring(1));
  }

  @Test
  void prompt_retryableFailureOnResend_previousCodeStillValid_andResendLaterWorks() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    clock.advance(Duration.ofSeconds(30));
    outbox.failNext((SendResult.Failed) SendResult.retryable("rate limited", Optional.of("20429")));
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    clock.advance(Duration.ofSeconds(30));
    factor.prompt(ctx, f, Map.of());
    String third = lastCode();
    assertThat(outbox.messages()).hasSize(3);
    assertThat(verify(f, third)).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void prompt_retryableFailure_challengeStillAnswerableWithEarlierCode() {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String first = lastCode();
    clock.advance(Duration.ofSeconds(30));
    outbox.failNext((SendResult.Failed) SendResult.retryable("timeout", Optional.empty()));
    assertThatThrownBy(() -> factor.prompt(ctx, f, Map.of()))
        .isInstanceOf(DeliveryException.class);
    assertThat(verify(f, first)).isEqualTo(VerificationOutcome.ACCEPTED);
  }

  @Test
  void prompt_senderThrows_retryableDeliveryException() {
    factor = OneTimeCodeFactor.builder().sender(m -> {
      throw new IllegalStateException("boom " + m.destination() + " " + m.revealText());
    }).build();
    FactorRecord f = new FactorRecord(FactorId.random(new SecureRandom()), alice.practice(),
        alice.user(), FactorKind.PHONE, "p", FactorState.ACTIVE, START, Optional.empty(), 0, 0,
        Optional.empty(), new byte[0], Map.of("channel", "SMS"));
    FactorRecord sealed = f.withSealedSecret(ctx.seal(f, MOBILE.getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> factor.prompt(ctx, sealed, Map.of()))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).doesNotContain(MOBILE.substring(1)).doesNotContain("boom");
          assertThat(e.getCause()).isNull();
        });
  }

  @Test
  void begin_deliveryFailure_noCodeStored() {
    outbox.failNext((SendResult.Failed) SendResult.permanent("unreachable", Optional.empty()));
    assertThatThrownBy(() -> begin(Map.of("phone", MOBILE)))
        .isInstanceOf(DeliveryException.class);
    assertThat(ctx.ceremonyState()).doesNotContainKey(StoredCode.STATE_KEY);
  }

  // --- number change ------------------------------------------------------------------------

  @Test
  void begin_replacesOwnFactor_confirmNotifiesPhoneChanged_andOldFactorStopsWorking() {
    FactorRecord old = enrolled(Channel.SMS, MOBILE);
    String newNumber = example("US", PhoneNumberType.MOBILE);
    Enrollment e = begin(Map.of("phone", newNumber, "channel", "VOICE",
        "replaces", old.id().value()));
    assertThat(((PhoneEnrollment) e.details()).replaces()).contains(old.id());
    Verification v = factor.confirm(ctx, e.pending(), Answer.code(e.pending().id(), lastCode()));
    assertThat(v.isAccepted()).isTrue();
    assertThat(v.details()).containsEntry("replaces", old.id().value());
    assertThat(ctx.notices()).singleElement().satisfies(n -> {
      assertThat(n.type()).isEqualTo(NotificationType.PHONE_CHANGED);
      assertThat(n.details()).containsEntry("replaces", old.id().value());
      assertThat(n.details().toString()).doesNotContain(newNumber.substring(1));
    });
    ctx.store(v.updated().orElseThrow().withState(FactorState.ACTIVE));
    ctx = ctx.newCeremony();
    clock.advance(Duration.ofMinutes(1));
    int sent = outbox.calls();
    assertThatThrownBy(() -> factor.prompt(ctx, old, Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThat(outbox.calls()).isEqualTo(sent);
  }

  @Test
  void begin_replacesAnotherUsersFactor_refused() {
    FactorRecord old = enrolled(Channel.SMS, MOBILE);
    FakeFactorContext bob = ctx.forUser(UserRef.staff("sunrise", "bob"));
    bob.store(new FactorRecord(FactorId.random(new SecureRandom()), bob.user().practice(),
        bob.user().user(), FactorKind.PHONE, "b", FactorState.ACTIVE, START, Optional.empty(), 0,
        0, Optional.empty(), new byte[0], Map.of()));
    assertThatThrownBy(() -> factor.begin(bob, pending(bob.user()),
        Map.of("phone", MOBILE, "replaces", old.id().value())))
        .isInstanceOf(InvalidInputException.class);
  }

  // --- concurrency --------------------------------------------------------------------------

  @Test
  void verify_concurrentAnswersOfOneCode_exactlyOneAccepted() throws Exception {
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    factor.prompt(ctx, f, Map.of());
    String code = lastCode();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        Map<String, String> snapshot = new HashMap<>(ctx.ceremonyState());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<VerificationOutcome>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(pool.submit(() -> {
            go.await();
            return verify(f, code);
          }));
        }
        go.countDown();
        int accepted = 0;
        for (Future<VerificationOutcome> r : results) {
          if (r.get(10, TimeUnit.SECONDS) == VerificationOutcome.ACCEPTED) {
            accepted++;
          }
        }
        assertThat(accepted).as("round " + round).isEqualTo(round == 0 ? 1 : 0);
        ctx.ceremonyState().putAll(snapshot); // the code is back as it was: only the counter stops it
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // --- display ------------------------------------------------------------------------------

  @Test
  void display_showsMaskedNumberAndChannelOnly() {
    FactorRecord f = enrolled(Channel.VOICE, MOBILE);
    Map<String, String> d = factor.display(f);
    assertThat(d).containsOnlyKeys("destination", "channel").containsEntry("channel", "VOICE");
    assertThat(d.get("destination")).endsWith(MOBILE.substring(MOBILE.length() - 2));
    assertThat(d.toString()).doesNotContain(MOBILE.substring(3, MOBILE.length() - 2));
  }

  @Test
  void display_fourVisibleDigits() {
    factor = OneTimeCodeFactor.builder().sender(outbox).visibleDigits(4).build();
    FactorRecord f = enrolled(Channel.SMS, MOBILE);
    assertThat(factor.display(f).get("destination"))
        .endsWith(MOBILE.substring(MOBILE.length() - 4));
  }

  @Test
  void builder_withoutSender_fails() {
    assertThatThrownBy(() -> OneTimeCodeFactor.builder().build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void limitOf_namesEveryThrottle_acrossPracticesAsThePracticesOwn() {
    assertThat(SendThrottle.limitOf("destination_all"))
        .isEqualTo(SendThrottle.limitOf("destination"))
        .isEqualTo(RateLimitedException.Limit.CODES_PER_DESTINATION);
    assertThat(SendThrottle.limitOf("prefix_all"))
        .isEqualTo(RateLimitedException.Limit.CODES_PER_PREFIX);
    assertThat(SendThrottle.limitOf("ip")).isEqualTo(RateLimitedException.Limit.CODES_PER_IP);
    assertThat(SendThrottle.limitOf("practice"))
        .isEqualTo(RateLimitedException.Limit.CODES_PER_PRACTICE);
    assertThat(SendThrottle.limitOf("challenge_send_limit"))
        .isEqualTo(RateLimitedException.Limit.CODES_PER_CEREMONY);
    assertThatThrownBy(() -> SendThrottle.limitOf("nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
