package dev.mfa4j;

import java.time.Duration;
import java.util.Objects;

/**
 * A change needs fresh proof the session does not have: a second factor within {@link
 * #maxAge()} (the practice's {@link PracticePolicy#reauthentication()}), or a password. The host
 * runs a step-up ({@link StepUpFlow}) or asks for the password, then tries again with the new
 * {@link Assurance} record. Nothing was changed.
 */
public final class StepUpRequiredException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** What the change lacks. */
  public enum Needs {
    /** A second factor proven within {@link #maxAge()}: run a step-up. */
    SECOND_FACTOR,
    /** The user's password, given with the call or proven within {@link #maxAge()}. */
    PASSWORD
  }

  private final String action;
  private final Needs needs;
  private final transient Duration maxAge;

  /**
   * A refusal.
   *
   * @param action the action refused, as audited (e.g. {@code remove_factor})
   * @param needs what is missing
   * @param maxAge how recent the proof must be
   */
  public StepUpRequiredException(String action, Needs needs, Duration maxAge) {
    super(Objects.requireNonNull(action, "action") + " needs "
        + (needs == Needs.SECOND_FACTOR ? "a recent second factor (step-up)" : "the password")
        + " within " + maxAge);
    this.action = action;
    this.needs = Objects.requireNonNull(needs, "needs");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
  }

  /** The action refused, as audited. */
  public String action() {
    return action;
  }

  /** What is missing. */
  public Needs needs() {
    return needs;
  }

  /** How recent the proof must be. */
  public Duration maxAge() {
    return maxAge;
  }
}
