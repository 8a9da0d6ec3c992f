package dev.mfa4j;

/**
 * The practice policy forbids what was asked: enrolling a method the policy does not allow for the
 * user's audience, removing the only non-phone factor where one is required, a policy that breaks
 * a rule of NIST SP 800-63B-4. Nothing was changed.
 */
public class PolicyViolationException extends MfaException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the rule. */
  public PolicyViolationException(String message) {
    super(message);
  }
}
