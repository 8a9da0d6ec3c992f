package dev.mfa4j.sms;

import dev.mfa4j.FactorId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a phone enrollment shows the user, read with {@code
 * EnrollmentStart.details(PhoneEnrollment.class)}. Holds no secret.
 *
 * @param maskedNumber the number masked, e.g. {@code +44 ••••••••12}
 * @param channel how the code was sent
 * @param codeExpiresAt when the code that was just sent stops working
 * @param riskNotice the notice to show: SMS and voice are RESTRICTED authenticators (NIST SP
 *     800-63B-4 §3.1.3.3) and a safer method should be offered
 * @param replaces the phone factor this one will replace once confirmed, if it is a number change
 */
public record PhoneEnrollment(
    String maskedNumber,
    Channel channel,
    Instant codeExpiresAt,
    String riskNotice,
    Optional<FactorId> replaces) {
  /**
   * A phone enrollment's details; every component is required (an absent replacement is {@code
   * Optional.empty()}).
   */
  public PhoneEnrollment {
    Objects.requireNonNull(maskedNumber, "maskedNumber");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(codeExpiresAt, "codeExpiresAt");
    Objects.requireNonNull(riskNotice, "riskNotice");
    Objects.requireNonNull(replaces, "replaces");
  }
}
