package dev.mfa4j.tck;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * A factor for the store tests that uses {@link FactorContext#advanceCounter} the way TOTP does:
 * its secret is a random 10-digit code, sealed at rest; an answer {@code code#n} claims time step
 * n, so the same answer twice (or racing on two nodes) is a replay. An answer without {@code #n}
 * advances nothing, so only the challenge decides. With a {@code phone} parameter at enrollment it
 * stands in for an SMS factor: the number is sealed with the secret, its keyed hash becomes the
 * lookup key, and only a masked form is kept in the attributes.
 *
 * <p>Shared by the store modules' engine tests (mfa-core's own tests keep their {@code
 * TestCodeFactor}: mfa-core cannot depend on this module).
 */
public final class StepCodeFactor implements FactorProvider {
  /** What enrollment shows: the code to answer with. */
  public record Details(String code) {}

  private final FactorKind kind;

  /** A factor standing in for providers of {@code kind}. */
  public StepCodeFactor(FactorKind kind) {
    this.kind = kind;
  }

  @Override
  public FactorKind kind() {
    return kind;
  }

  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> params) {
    String code = String.format("%010d", Math.floorMod(ctx.random().nextLong(), 10_000_000_000L));
    String phone = params.getOrDefault("phone", "");
    if (!phone.matches("\\+?[0-9]{0,15}")) {
      throw new InvalidInputException("phone is malformed");
    }
    FactorRecord f = pending;
    if (!phone.isEmpty()) {
      f = f.withLookupKey(Optional.of(Tokens.base64Url(ctx.mac("phone", phone.getBytes(
          StandardCharsets.UTF_8))))).withAttributes(Map.of("masked", "•••" + phone.substring(
              phone.length() - 2)));
    }
    f = f.withSealedSecret(ctx.seal(f, (code + "|" + phone).getBytes(StandardCharsets.UTF_8)));
    return new Enrollment(f, new Details(code));
  }

  @Override
  public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    return check(ctx, pending, answer);
  }

  @Override
  public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters) {
    return new Prompt(Optional.empty(), Map.of(), Optional.empty());
  }

  @Override
  public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    return check(ctx, factor, answer);
  }

  private static Verification check(FactorContext ctx, FactorRecord factor, Answer answer) {
    if (!(answer instanceof Answer.Code code)) {
      return Verification.rejected(VerificationOutcome.MALFORMED, Map.of());
    }
    String typed = code.reveal();
    long step = -1;
    int hash = typed.indexOf('#');
    if (hash >= 0) {
      try {
        step = Long.parseLong(typed.substring(hash + 1));
      } catch (NumberFormatException e) {
        return Verification.rejected(VerificationOutcome.MALFORMED, Map.of());
      }
      typed = typed.substring(0, hash);
    }
    String secret = new String(ctx.open(factor), StandardCharsets.UTF_8);
    String expected = secret.substring(0, secret.indexOf('|'));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        typed.getBytes(StandardCharsets.UTF_8))) {
      return Verification.rejected(VerificationOutcome.INVALID, Map.of());
    }
    if (step >= 0 && !ctx.advanceCounter(factor, step)) {
      return Verification.rejected(VerificationOutcome.REPLAYED, Map.of());
    }
    return Verification.accepted(Map.of());
  }
}
