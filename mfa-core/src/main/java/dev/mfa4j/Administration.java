package dev.mfa4j;

import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * A practice administrator's actions. Obtain from {@link MfaEngine#admin(UserRef)}; every call
 * checks that the actor is an administrator of the target's practice, refuses with {@link
 * AccessDeniedException} otherwise, and audits the attempt either way.
 *
 * <p>When the practice's {@link PracticePolicy#reauthentication()} is not {@link
 * Reauthentication#PASSWORD}, the changes ({@link #setPolicy}, {@link #disableTwoFactor}, {@link
 * #resetPassword}, {@link #exportAudit}) also need a second factor proven within {@link
 * PracticePolicy#stepUpMaxAge()} in the administrator's session ({@link #confirmedBy}; a {@link
 * StepUpFlow step-up} renews it), and throw {@link StepUpRequiredException} without it.
 */
public interface Administration {
  /**
   * These actions with the administrator's session record: its recent second factor counts for
   * the practice's step-up rule. A record that is not the actor's or not genuine counts for
   * nothing.
   */
  Administration confirmedBy(Assurance assurance);

  /** The practice's policy (the engine's default if none was set). */
  PracticePolicy policy();

  /**
   * Sets the practice's policy. Show {@link PracticePolicy#warnings()} to the administrator first;
   * the audit event counts them ({@code nist_departures}).
   */
  void setPolicy(PracticePolicy policy, RequestContext request);

  /**
   * Turns a user's two-factor off (lost phone): removes every factor, backup code and remembered
   * device, notifies the user. Under a requiring policy the user must enroll again at next sign-in.
   *
   * @param reason why, 1 to 256 characters; kept in the audit log
   */
  void disableTwoFactor(UserRef target, String reason, RequestContext request);

  /** Two-factor status of the given users (the host lists its users; mfa4j owns no user table). */
  List<UserTwoFactorStatus> twoFactorStatus(Collection<UserRef> users);

  /**
   * A user's Security &amp; Activity: last sign-in and a page of the user's audit events, newest
   * first, paged by the audit chain's sequence numbers: a stable cursor, however many events share
   * a time. Events written before the chain existed (JDBC schema version 3) carry no sequence
   * number and are not listed (they remain in the store until retention removes them).
   *
   * <pre>{@code
   * SecurityActivity page = admin.activity(user, OptionalLong.empty(), 50);
   * // next page, when page.next() is present:
   * SecurityActivity older = admin.activity(user, page.next(), 50);
   * }</pre>
   *
   * @param beforeSeq the previous page's {@link SecurityActivity#next()}, or empty for the newest
   * @param limit page size, 1 to 500
   * @throws AccessDeniedException if the actor is not an administrator of the target's practice
   *     (audited)
   * @throws InvalidInputException if the limit is out of range or the cursor below 1
   */
  SecurityActivity activity(UserRef target, OptionalLong beforeSeq, int limit);

  /**
   * A page of the whole practice's audit events (every user's and the practice's own), newest
   * first, paged like {@link #activity}.
   *
   * @param beforeSeq the previous page's {@link AuditPage#next()}, or empty for the newest
   * @param limit page size, 1 to 500
   * @throws AccessDeniedException if the actor is not an administrator (audited)
   * @throws InvalidInputException if the limit is out of range or the cursor below 1
   */
  AuditPage practiceActivity(OptionalLong beforeSeq, int limit);

  /**
   * A user's security state: consecutive failures, whether and until when the user is locked,
   * each factor's state and failures (pending enrollments included), backup codes left and
   * remembered devices. Read-only: nothing is changed, and it is not audited (like {@link
   * #twoFactorStatus}).
   *
   * @throws AccessDeniedException if the actor is not an administrator of the target's practice
   *     (audited)
   */
  UserSecurityOverview securityState(UserRef target);

  /**
   * Resets a user's password to a temporary one (case sensitive, with dashes, about 93 bits) that
   * expires (72 hours by default) and must be replaced at the next sign-in. Forgets the user's
   * remembered devices, audits {@code PASSWORD_RESET} with actor and target, and notifies the user.
   * Needs the {@link dev.mfa4j.spi.PrimaryCredentials#issueTemporary} capability.
   *
   * @return the temporary password, to show the administrator once
   * @throws AccessDeniedException if the actor is not an administrator of the target's practice
   *     (audited)
   * @throws UnsupportedOperationException if the engine's credentials cannot issue a temporary
   *     password
   */
  TemporaryPassword resetPassword(UserRef target, RequestContext request);

  /**
   * Verifies the practice's whole audit chain ({@link AuditTrail#verify(PracticeId, List)}) and
   * audits {@code AUDIT_VERIFIED} with the result.
   *
   * @param trusted checkpoints the practice kept outside the database (may be empty)
   * @throws AccessDeniedException if the actor is not an administrator (audited)
   */
  AuditVerification verifyAudit(List<AuditCheckpoint> trusted, RequestContext request);

  /**
   * Exports the practice's audit entries after {@code afterSeq} as JSON Lines ({@link
   * AuditTrail#export}) and audits {@code AUDIT_EXPORTED}. The export holds IP addresses and
   * browsers: hand it only to the practice's log system or auditors.
   *
   * @return the last seq written, the next export's cursor
   * @throws AccessDeniedException if the actor is not an administrator (audited)
   */
  long exportAudit(long afterSeq, java.io.Writer out, RequestContext request);
}
