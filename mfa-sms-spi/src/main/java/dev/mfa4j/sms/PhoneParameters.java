package dev.mfa4j.sms;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's parameters to the phone factor, checked: those of {@code beginEnrollment} ({@link
 * #enrollment}) and those of a sign-in {@code prompt} ({@link #prompt}). Every refusal is an
 * {@link InvalidInputException} that quotes no value.
 */
final class PhoneParameters {
  private static final Set<String> ENROLLMENT = Set.of("phone", "channel", "locale", "region",
      "replaces");
  private static final Set<String> PROMPT = Set.of("channel", "locale");

  private PhoneParameters() {}

  /** What {@code beginEnrollment} asked for; the number is not parsed yet. */
  record Enrollment(String phone, Channel channel, Optional<Locale> locale,
      Optional<String> region, Optional<FactorId> replaces) {}

  /** What a sign-in prompt asked for. */
  record Prompt(Optional<Channel> channel, Optional<Locale> locale) {}

  /**
   * Checks enrollment parameters; {@code replaces} must name one of the user's phone factors
   * (not a pending one) in {@code pending}'s practice.
   */
  static Enrollment enrollment(FactorContext ctx, FactorRecord pending,
      Map<String, String> parameters, Optional<String> defaultRegion) {
    checkKeys(parameters, ENROLLMENT);
    String phone = parameters.get("phone");
    if (phone == null || phone.isBlank()) {
      throw new InvalidInputException("parameter phone is required");
    }
    Channel channel = Channel.parse(parameters.getOrDefault("channel", "SMS"));
    Optional<Locale> locale = locale(parameters.get("locale"));
    Optional<String> region = Optional.ofNullable(parameters.get("region"))
        .map(r -> r.trim().toUpperCase(Locale.ROOT)).or(() -> defaultRegion);
    if (region.isPresent() && !region.get().matches("[A-Z]{2}")) {
      throw new InvalidInputException("region must be an ISO 3166 two-letter code");
    }
    Optional<FactorId> replaces = Optional.empty();
    if (parameters.containsKey("replaces")) {
      FactorId old = FactorId.of(parameters.get("replaces"));
      boolean own = ctx.factorsOfKind().stream().anyMatch(f -> f.id().equals(old)
          && f.kind().equals(FactorKind.PHONE) && f.state() != FactorState.PENDING
          && f.practice().equals(pending.practice()) && f.user().equals(pending.user()));
      if (!own) {
        throw new InvalidInputException("replaces does not name one of the user's phone factors");
      }
      replaces = Optional.of(old);
    }
    return new Enrollment(phone.trim(), channel, locale, region, replaces);
  }

  /** Checks prompt parameters. */
  static Prompt prompt(Map<String, String> parameters) {
    checkKeys(parameters, PROMPT);
    return new Prompt(Optional.ofNullable(parameters.get("channel")).map(Channel::parse),
        locale(parameters.get("locale")));
  }

  private static void checkKeys(Map<String, String> parameters, Set<String> allowed) {
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw new InvalidInputException("unknown parameter; allowed: " + allowed);
      }
      if (e.getValue() == null || e.getValue().length() > 64) {
        throw new InvalidInputException("parameter " + e.getKey() + " must be 1 to 64 characters");
      }
    }
  }

  private static Optional<Locale> locale(String tag) {
    if (tag == null) {
      return Optional.empty();
    }
    try {
      Locale locale = new Locale.Builder().setLanguageTag(tag).build();
      if (locale.getLanguage().isEmpty()) {
        throw new InvalidInputException("locale must be a BCP 47 language tag");
      }
      return Optional.of(locale);
    } catch (IllformedLocaleException e) {
      throw new InvalidInputException("locale must be a BCP 47 language tag");
    }
  }
}
