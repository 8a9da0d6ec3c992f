package dev.mfa4j;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The result of confirming an enrollment. */
public sealed interface EnrollmentOutcome {
  /**
   * The factor is active.
   *
   * @param factor the new factor
   * @param backupCodes a first set of backup codes if this factor turned two-factor on; show once
   * @param notices things the host should show (e.g. the risk notice of SMS and voice codes)
   */
  record Confirmed(FactorSummary factor, Optional<BackupCodes> backupCodes, List<String> notices)
      implements EnrollmentOutcome {
    /**
     * A confirmed enrollment; {@code factor} and {@code backupCodes} are required, {@code notices}
     * is copied.
     */
    public Confirmed {
      Objects.requireNonNull(factor, "factor");
      Objects.requireNonNull(backupCodes, "backupCodes");
      notices = List.copyOf(notices);
    }
  }

  /**
   * The answer was not accepted; try again on the same ceremony.
   *
   * @param attemptsLeft answers left
   */
  record Retry(int attemptsLeft) implements EnrollmentOutcome {}

  /**
   * The ceremony is over (expired, used up, not this user's); begin again.
   *
   * @param reason why
   */
  record Rejected(LoginStep.Reason reason) implements EnrollmentOutcome {
    /** A refused enrollment; {@code reason} is required. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
