package dev.mfa4j.spring.boot;

import dev.mfa4j.LoginStep;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditListener;
import dev.mfa4j.spi.AuditOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * mfa4j's Micrometer meters. Tags carry only low-cardinality values (a factor kind, an outcome),
 * never a user, practice, phone number or factor id.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #SIGN_IN}</td><td>timer</td><td>outcome</td><td>each sign-in step the web
 *       integration ran (after the password, an answer, an enrollment, a password change), by
 *       the step it led to: authenticated, second_factor_required, enrollment_required,
 *       password_change_required, password_required, retry, locked, rejected</td></tr>
 *   <tr><td>{@value #VERIFICATION}</td><td>timer</td><td>kind, outcome</td><td>each answer to a
 *       second step or step-up, by factor kind (totp, phone, passkey, backup_code) and outcome
 *       (accepted, retry, locked, rejected)</td></tr>
 *   <tr><td>{@value #LOCKOUTS}</td><td>counter</td><td></td><td>users' second steps locked after
 *       repeated failures</td></tr>
 *   <tr><td>{@value #CODES}</td><td>counter</td><td>outcome</td><td>text and voice codes: sent,
 *       throttled (refused by a send limit), failed (the provider did not take it)</td></tr>
 * </table>
 *
 * <p>The counters come from the engine's audit events (this is an {@link AuditListener} the
 * engine is built with); the timers from the web integration's calls.
 */
public final class MfaMetrics implements AuditListener {
  /** Timer of sign-in steps. */
  public static final String SIGN_IN = "mfa4j.signin";
  /** Timer of answers to a second step or step-up. */
  public static final String VERIFICATION = "mfa4j.verification";
  /** Counter of lockouts. */
  public static final String LOCKOUTS = "mfa4j.lockouts";
  /** Counter of text and voice codes. */
  public static final String CODES = "mfa4j.codes";

  private final MeterRegistry registry;

  /** Meters in {@code registry}. */
  public MfaMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void onEvent(AuditEvent event) {
    switch (event.type()) {
      case LOCKED_OUT -> registry.counter(LOCKOUTS).increment();
      case CODE_SENT -> registry.counter(CODES, "outcome", "sent").increment();
      case CODE_SEND_FAILED -> registry.counter(CODES, "outcome",
          event.outcome() == AuditOutcome.DENIED ? "throttled" : "failed").increment();
      default -> {
        // other events are not metered
      }
    }
  }

  /** Times one sign-in step and records the step it led to. */
  public LoginStep signIn(Supplier<LoginStep> step) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "error";
    try {
      LoginStep s = step.get();
      outcome = outcome(s);
      return s;
    } finally {
      sample.stop(registry.timer(SIGN_IN, "outcome", outcome));
    }
  }

  /** Times one answer of a factor of {@code kind} and records its outcome. */
  public LoginStep verification(String kind, Supplier<LoginStep> answer) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "error";
    try {
      LoginStep s = answer.get();
      if (s instanceof LoginStep.Authenticated || s instanceof LoginStep.EnrollmentRequired) {
        outcome = "accepted";
      } else if (s instanceof LoginStep.Retry) {
        outcome = "retry";
      } else if (s instanceof LoginStep.Locked) {
        outcome = "locked";
      } else {
        outcome = "rejected";
      }
      return s;
    } finally {
      sample.stop(registry.timer(VERIFICATION, "kind", kind, "outcome", outcome));
    }
  }

  static String outcome(LoginStep step) {
    String name = step.getClass().getSimpleName();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        sb.append('_');
      }
      sb.append(Character.toLowerCase(c));
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "MfaMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
