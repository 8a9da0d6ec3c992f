package dev.mfa4j.spi;

import java.util.Objects;

/**
 * What a provider returns when enrollment begins: the pending factor to store and what to show the
 * user.
 *
 * @param pending the factor to insert in state {@link FactorState#PENDING} (secret sealed, lookup
 *     key and attributes set)
 * @param details provider-typed data for the host (a TOTP key and QR code, a WebAuthn creation
 *     JSON, a masked phone number); read with {@link dev.mfa4j.EnrollmentStart#details(Class)}
 */
public record Enrollment(FactorRecord pending, Object details) {
  /** A provider's enrollment result; both are required and {@code pending} must be PENDING. */
  public Enrollment {
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(details, "details");
    if (pending.state() != FactorState.PENDING) {
      throw new IllegalArgumentException("an enrolling factor must be PENDING");
    }
  }
}
