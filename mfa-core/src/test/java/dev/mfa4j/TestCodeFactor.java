package dev.mfa4j;

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

/**
 * A factor for the tests: its secret is a random 8-digit code, sealed at rest. An answer is the
 * code, optionally followed by {@code #n}: then the provider also advances the factor's counter to
 * n, so a repeated n is a replay (like a TOTP time step). A restricted instance (standing in for
 * SMS) accepts a sign-in answer only after {@link #prompt} ran in the same challenge.
 */
final class TestCodeFactor implements FactorProvider {
  /** What the user sees when enrolling: the code to answer with. */
  record Details(String code) {}

  private final FactorKind kind;
  private final boolean restricted;

  TestCodeFactor(FactorKind kind, boolean restricted) {
    this.kind = kind;
    this.restricted = restricted;
  }

  @Override
  public FactorKind kind() {
    return kind;
  }

  @Override
  public boolean restricted() {
    return restricted;
  }

  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters) {
    if (parameters.containsKey("bad")) {
      throw new InvalidInputException("bad parameter");
    }
    String code = String.format("%08d", ctx.random().nextInt(100_000_000));
    FactorRecord sealed = pending.withSealedSecret(
        ctx.seal(pending, code.getBytes(StandardCharsets.UTF_8)));
    ctx.putState("begun", "yes");
    return new Enrollment(sealed, new Details(code));
  }

  @Override
  public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    if (ctx.state("begun").isEmpty()) {
      return Verification.rejected(VerificationOutcome.NOT_PROMPTED, Map.of());
    }
    return check(ctx, pending, answer);
  }

  @Override
  public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters) {
    ctx.putState("prompted", "yes");
    return new Prompt(java.util.Optional.empty(), Map.of("label", factor.label()),
        java.util.Optional.empty());
  }

  @Override
  public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    if (restricted && ctx.state("prompted").isEmpty()) {
      return Verification.rejected(VerificationOutcome.NOT_PROMPTED, Map.of());
    }
    return check(ctx, factor, answer);
  }

  private Verification check(FactorContext ctx, FactorRecord factor, Answer answer) {
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
    byte[] secret = ctx.open(factor);
    if (!MessageDigest.isEqual(secret, typed.getBytes(StandardCharsets.UTF_8))) {
      return Verification.rejected(VerificationOutcome.INVALID, Map.of());
    }
    if (step >= 0 && !ctx.advanceCounter(factor, step)) {
      return Verification.rejected(VerificationOutcome.REPLAYED, Map.of());
    }
    return Verification.accepted(Map.of("step", Long.toString(step)));
  }
}
