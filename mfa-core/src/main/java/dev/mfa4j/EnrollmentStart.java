package dev.mfa4j;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrollment has begun: show {@link #details(Class)} to the user, keep {@link #ceremony()} in
 * the server-side session, and confirm with {@link AccountSecurity#confirmEnrollment}.
 */
public final class EnrollmentStart {
  private final ChallengeId ceremony;
  private final FactorId factor;
  private final FactorKind kind;
  private final Instant expiresAt;
  private final Object details;

  EnrollmentStart(ChallengeId ceremony, FactorId factor, FactorKind kind, Instant expiresAt,
      Object details) {
    this.ceremony = Objects.requireNonNull(ceremony, "ceremony");
    this.factor = Objects.requireNonNull(factor, "factor");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    this.details = Objects.requireNonNull(details, "details");
  }

  /** The enrollment ceremony, to confirm with. */
  public ChallengeId ceremony() {
    return ceremony;
  }

  /** The id the factor will have. */
  public FactorId factor() {
    return factor;
  }

  /** Its kind. */
  public FactorKind kind() {
    return kind;
  }

  /** When the ceremony expires. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * The provider's data for the user, as the provider's documented type (e.g. {@code
   * TotpEnrollment}, {@code PhoneEnrollment}, {@code PasskeyEnrollment}).
   *
   * @throws IllegalArgumentException if the data is of another type
   */
  public <T> T details(Class<T> type) {
    if (!type.isInstance(details)) {
      throw new IllegalArgumentException(
          "enrollment details of kind " + kind.id() + " are not a " + type.getName());
    }
    return type.cast(details);
  }

  @Override
  public String toString() {
    return "EnrollmentStart[kind=" + kind.id() + ", factor=" + factor.value() + "]";
  }
}
