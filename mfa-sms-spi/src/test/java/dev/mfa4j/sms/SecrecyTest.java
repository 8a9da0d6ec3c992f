package dev.mfa4j.sms;

import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.MfaException;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * No phone number and no code in logs, exceptions, audit details, notices, ceremony state, counter
 * keys or the stored factor, across enrollment, sign-in, throttling and every provider failure.
 */
class SecrecyTest {
  @Test
  void wholeLifecycle_numberAndCodesNeverLeak() {
    String number = OneTimeCodeFactorTest.MOBILE;
    String digits = number.substring(1);
    MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    OutboxSender outbox = new OutboxSender();
    UserRef user = UserRef.staff("sunrise", "alice");
    FakeFactorContext ctx = FakeFactorContext.of(user, FactorKind.PHONE, clock);
    OneTimeCodeFactor factor = OneTimeCodeFactor.builder().sender(outbox).build();
    List<String> codes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<String> records = new ArrayList<>();

    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      FactorRecord pending = new FactorRecord(FactorId.random(new SecureRandom()),
          user.practice(), user.user(), FactorKind.PHONE, "Mobile", FactorState.PENDING,
          clock.instant(), Optional.empty(), 0, 0, Optional.empty(), new byte[0], Map.of());
      Enrollment e = factor.begin(ctx, pending, Map.of("phone", number));
      records.add(e.toString() + e.pending() + e.pending().attributes() + e.pending().lookupKey()
          + e.details());
      codes.add(outbox.last().orElseThrow().code(6).orElseThrow());
      FactorRecord active = factor.confirm(ctx, e.pending(),
          Answer.code(e.pending().id(), codes.get(0))).updated().orElseThrow()
          .withState(FactorState.ACTIVE);
      ctx = ctx.newCeremony();
      clock.advance(Duration.ofMinutes(1));
      records.add(factor.prompt(ctx, active, Map.of()).toString() + factor.display(active));
      codes.add(outbox.last().orElseThrow().code(6).orElseThrow());
      records.add(factor.verify(ctx, active, Answer.code(active.id(), "000000")).toString());
      try {
        factor.prompt(ctx, active, Map.of());
      } catch (MfaException throttled) {
        errors.add(throttled.toString());
      }
      for (String reason : List.of("The 'To' number " + number + " is not valid",
          "message '" + codes.get(1) + "' refused", "to " + digits)) {
        clock.advance(Duration.ofSeconds(30));
        outbox.failNext((SendResult.Failed) SendResult.permanent(reason, Optional.of(digits)));
        try {
          factor.prompt(ctx, active, Map.of());
        } catch (DeliveryException failed) {
          errors.add(failed.toString() + failed.reason() + failed.providerCode());
        }
      }
      records.add(factor.verify(ctx, active, Answer.code(active.id(), codes.get(1))).toString());
    } finally {
      System.setErr(err);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("code message not accepted");
    assertThat(errors).hasSize(4);
    String everything = logs + errors + ctx.audits() + ctx.notices() + ctx.ceremonyState() + records
        + ctx.counterKeys();
    assertThat(everything).doesNotContain(digits)
        .doesNotContain(digits.substring(digits.length() - 8));
    for (String code : codes) {
      assertThat(everything).doesNotContain(code);
    }
  }
}
