package dev.mfa4j.security;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
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
 * A minimal factor for engine-level fuzzing: its secret is a random 8-digit code, sealed through
 * the engine. Lets the engine's own input handling (challenge, attempts, counting, backup codes) be
 * fuzzed apart from any real provider.
 */
final class CodeFactor implements FactorProvider {
  /** The kind it registers as; not one of the built-in kinds, so it never shadows a real one. */
  static final FactorKind KIND = FactorKind.of("fuzzcode");

  /** What enrollment shows: the code to answer with. */
  record Details(String code) {}

  @Override
  public FactorKind kind() {
    return KIND;
  }

  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters) {
    String code = String.format("%08d", ctx.random().nextInt(100_000_000));
    FactorRecord sealed = pending.withSealedSecret(
        ctx.seal(pending, code.getBytes(StandardCharsets.UTF_8)));
    return new Enrollment(sealed, new Details(code));
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
    byte[] secret = ctx.open(factor);
    if (!MessageDigest.isEqual(secret, code.reveal().getBytes(StandardCharsets.UTF_8))) {
      return Verification.rejected(VerificationOutcome.INVALID, Map.of());
    }
    return Verification.accepted(Map.of());
  }
}
