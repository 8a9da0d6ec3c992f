package dev.mfa4j.sms;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InvalidInputException;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorProvider;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.Prompt;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time codes by text message or voice call: the {@link FactorKind#PHONE} factor provider.
 *
 * <pre>{@code
 * OneTimeCodeFactor phone = OneTimeCodeFactor.builder()
 *     .sender(myGateway)                                   // a MessageSender
 *     .practiceName(practice -> names.of(practice))        // shown in the message
 *     .allowedRegions(practice -> Set.of("US", "CA"))      // countries a practice accepts
 *     .build();
 * MfaEngine mfa = MfaEngine.builder()...factor(phone).build();
 * }</pre>
 *
 * <h2>Enrollment</h2>
 * The host calls {@code account.beginEnrollment(FactorKind.PHONE, label, password, parameters,
 * request)} with parameters {@code phone} (required: {@code +} and the country code, or national
 * with {@code region}), {@code channel} ({@code SMS}, the default, or {@code VOICE}), optionally
 * {@code locale} (a BCP 47 tag for the messages), {@code region} (ISO 3166 code for a national
 * number) and {@code replaces} (the id of the user's phone factor this one replaces: a number or
 * channel change). A code is sent at once; the details are a {@link PhoneEnrollment}. The user
 * confirms with {@code account.confirmEnrollment(ceremony, Answer.code(factorId, code), request)}.
 * "Resend" during enrollment is a new {@code beginEnrollment} after the cooldown.
 *
 * <h2>Sign-in</h2>
 * Nothing is sent until the user asks: {@code login().prompt(user, challenge, factorId, params,
 * request)} sends a code (params may carry {@code channel=VOICE} to switch to a call for this
 * code, and {@code locale}). Asking again after the cooldown is a resend: a new code replaces the
 * old one, which stops working. Attempts and failure counts belong to the engine and a resend never
 * touches them.
 *
 * <h2>Codes</h2>
 * {@link PracticePolicy#codeLength()} digits (6 to 8) from the engine's {@code SecureRandom}, valid
 * for {@link PracticePolicy#codeLifetime()} (at most 10 minutes; a code is refused as {@code
 * EXPIRED} from the very instant its lifetime ends). Stored only as a keyed hash ({@link
 * FactorContext#mac}) in the ceremony's state, compared in constant time, accepted once (the
 * factor's counter is advanced to the code's issue number by one conditional write).
 *
 * <h2>Numbers</h2>
 * Parsed and normalised to E.164 with libphonenumber; invalid, premium-rate, shared-cost,
 * toll-free, personal, UAN, pager, voicemail and VoIP numbers are refused (landlines only for
 * VOICE), as are regions the practice does not accept ({@link RegionNotAcceptedException}, worded
 * for staff and clients). A practice's regions are, in this order: {@link
 * Builder#allowedRegions(Function)} if set; else the regions of the practice's own numbers ({@link
 * Builder#practiceNumbers}) if set; else {@link #DEFAULT_REGIONS}. Every region is accepted only
 * after {@link Builder#allowAllRegions()}. The number is sealed ({@link
 * FactorContext#seal}); the factor's lookup key is a keyed hash of the number followed by the
 * factor id, so it is unique per factor and never tells whether another account uses the number.
 * Lists show it masked ({@link #display}).
 *
 * <h2>Throttles (against SMS pumping)</h2>
 * Before every send, in this order: at most {@link Builder#maxSendsPerChallenge} sends per ceremony;
 * a cooldown between sends of one user ({@link Builder#resendCooldown}, default 30 s); per user
 * (default 10 an hour); per destination number (keyed hash) within the practice (default 20 a day)
 * and over all practices (default 100 a day); per number block (the number without its last four
 * digits) within the practice (default 30 an hour) and over all practices (default 300 an hour); per
 * client IP address (default 100 an hour) and per practice (a daily budget, default 1000). Keeping
 * the number and block limits per practice means that one practice's users cannot use up another
 * practice's sends to a number; the ceilings over all practices stop a number or block from being
 * pumped through many practices at once. A refusal is a {@link
 * RateLimitedException} with the earliest retry time, audited as {@code CODE_SEND_FAILED}, and
 * nothing is sent. No message says whether a number is registered anywhere.
 *
 * <h2>Provider failures</h2>
 * A {@link SendResult.Failed} or a timeout becomes a {@link DeliveryException} (no number, no code),
 * audited as {@code CODE_SEND_FAILED}; the ceremony stays open and a previous code of it stays
 * valid, so the user may ask for a resend after the cooldown.
 *
 * <p>Thread-safe and stateless: every per-user fact lives in the store.
 */
public final class OneTimeCodeFactor implements FactorProvider {
  private static final Logger LOG = LoggerFactory.getLogger(OneTimeCodeFactor.class);

  static final String ATTR_CHANNEL = "channel";
  static final String ATTR_MASKED = "destination";
  static final String ATTR_REGION = "region";
  static final String ATTR_LOCALE = "locale";
  static final String ATTR_REPLACES = FactorRecord.REPLACES;
  static final String MAC_NUMBER = "mfa4j.phone.number";

  /**
   * The regions accepted when the host names neither {@link Builder#allowedRegions(Function)} nor
   * {@link Builder#practiceNumbers} nor {@link Builder#allowAllRegions()}: the United States and
   * Canada (not the other +1 countries), the United Kingdom, Ireland, Australia, New Zealand, the
   * EU and EEA countries and Switzerland. A practice should narrow it to where its clients live.
   */
  public static final Set<String> DEFAULT_REGIONS = Set.of("US", "CA", "GB", "IE", "AU", "NZ",
      "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IT", "LV",
      "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH");

  private final MessageSender sender;
  private final MessageTemplates templates;
  private final Function<PracticeId, String> practiceName;
  private final Function<PracticeId, Set<String>> allowedRegions;
  private final Optional<String> defaultRegion;
  private final SendThrottle throttle;
  private final int visibleDigits;

  private OneTimeCodeFactor(Builder b) {
    this.sender = b.sender;
    this.templates = b.templates;
    this.practiceName = b.practiceName;
    this.allowedRegions = AllowedRegions.resolve(b.allowAllRegions, b.allowedRegions,
        b.practiceNumbers);
    this.defaultRegion = b.defaultRegion;
    this.throttle = new SendThrottle(b.resendCooldown, b.maxSendsPerChallenge, b.perUser,
        b.perDestination, b.perDestinationAllPractices, b.perPrefix, b.perPrefixAllPractices,
        b.perIp, b.practiceDailyBudget);
    this.visibleDigits = b.visibleDigits;
  }

  /** A builder; {@link Builder#sender} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@link FactorKind#PHONE}. */
  @Override
  public FactorKind kind() {
    return FactorKind.PHONE;
  }

  /** True: SMS and voice are RESTRICTED authenticators (NIST SP 800-63B-4 §3.1.3.3). */
  @Override
  public boolean restricted() {
    return true;
  }

  /**
   * Checks the number and channel, seals the number into the pending factor and sends the
   * enrollment code.
   *
   * @throws InvalidInputException for a bad number, channel, locale, unknown parameter or a
   *     {@code replaces} that is not one of the user's phone factors
   * @throws RegionNotAcceptedException for a number of a region the practice does not accept
   * @throws RateLimitedException if a send throttle bites (nothing sent)
   * @throws DeliveryException if the provider did not take the message
   */
  @Override
  public Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(parameters, "parameters");
    PhoneParameters.Enrollment p =
        PhoneParameters.enrollment(ctx, pending, parameters, defaultRegion);
    PhoneNumbers.Checked number = PhoneNumbers.check(p.phone(), p.region(), p.channel(),
        allowedRegions.apply(pending.practice()));

    Map<String, String> attributes = new HashMap<>(pending.attributes());
    attributes.put(ATTR_CHANNEL, p.channel().name());
    attributes.put(ATTR_MASKED, PhoneNumbers.mask(number.e164(), visibleDigits));
    attributes.put(ATTR_REGION, number.region());
    p.locale().ifPresent(l -> attributes.put(ATTR_LOCALE, l.toLanguageTag()));
    p.replaces().ifPresent(r -> attributes.put(ATTR_REPLACES, r.value()));
    String numberKey = Tokens.base64Url(ctx.mac(MAC_NUMBER, utf8(number.e164())));
    FactorRecord record = pending.withAttributes(attributes)
        .withLookupKey(Optional.of(numberKey + "." + pending.id().value()));
    record = record.withSealedSecret(ctx.seal(record, utf8(number.e164())));

    Locale locale = p.locale().orElse(Locale.ENGLISH);
    Instant expires = send(ctx, record, number.e164(), p.channel(), locale);
    PhoneEnrollment details = new PhoneEnrollment(attributes.get(ATTR_MASKED), p.channel(),
        expires, templates.riskNotice(locale), p.replaces());
    return new Enrollment(record, details);
  }

  /**
   * Checks the enrollment code. On acceptance the factor's counter holds the code's issue number,
   * and a number change notifies the user ({@link NotificationType#PHONE_CHANGED}).
   */
  @Override
  public Verification confirm(FactorContext ctx, FactorRecord pending, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(answer, "answer");
    StoredCode.Checked checked = StoredCode.check(ctx, pending, answer);
    if (checked.outcome() != VerificationOutcome.ACCEPTED) {
      return Verification.rejected(checked.outcome(), details(pending, checked.outcome()));
    }
    FactorRecord updated = pending.withCounter(checked.sequence());
    Map<String, String> details = new HashMap<>(details(pending, VerificationOutcome.ACCEPTED));
    String replaces = pending.attributes().get(ATTR_REPLACES);
    if (replaces != null) {
      details.put(ATTR_REPLACES, replaces);
      ctx.notifyUser(NotificationType.PHONE_CHANGED, Map.of(
          "factor", pending.id().value(),
          ATTR_REPLACES, replaces,
          ATTR_MASKED, pending.attributes().getOrDefault(ATTR_MASKED, ""),
          ATTR_CHANNEL, pending.attributes().getOrDefault(ATTR_CHANNEL, "SMS")));
    }
    return Verification.accepted(updated, details);
  }

  /**
   * Sends a sign-in code (or a new one, replacing the old) on the factor's channel, or on {@code
   * channel} if given.
   *
   * @throws InvalidInputException for an unknown parameter, a disabled or replaced factor
   * @throws RateLimitedException if a send throttle bites (nothing sent)
   * @throws DeliveryException if the provider did not take the message
   */
  @Override
  public Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(parameters, "parameters");
    PhoneParameters.Prompt p = PhoneParameters.prompt(parameters);
    if (factor.state() == FactorState.DISABLED || replaced(ctx, factor)) {
      throw new InvalidInputException("this phone factor cannot be used");
    }
    Channel channel = p.channel().orElseGet(() -> storedChannel(factor));
    Locale locale = p.locale()
        .or(() -> Optional.ofNullable(factor.attributes().get(ATTR_LOCALE))
            .map(Locale::forLanguageTag))
        .orElse(Locale.ENGLISH);
    String e164 = new String(ctx.open(factor), StandardCharsets.UTF_8);
    // The practice may have narrowed its countries, or the user may have switched to SMS on a
    // landline, since enrollment: check the number again before every send.
    PhoneNumbers.check(e164, Optional.empty(), channel, allowedRegions.apply(factor.practice()));
    Instant expires = send(ctx, factor, e164, channel, locale);
    Instant next = ctx.clock().instant().plus(throttle.resendCooldown());
    return new Prompt(Optional.empty(), Map.of(
        ATTR_MASKED, factor.attributes().getOrDefault(ATTR_MASKED, ""),
        ATTR_CHANNEL, channel.name(),
        "expiresAt", expires.toString()), Optional.of(next));
  }

  /**
   * Checks a sign-in code: {@code NOT_PROMPTED} if none was sent in this challenge, {@code
   * MALFORMED} unless exactly the code's number of ASCII digits, {@code EXPIRED} from the end of
   * its lifetime, {@code INVALID} if wrong, {@code REPLAYED} if it was accepted already.
   */
  @Override
  public Verification verify(FactorContext ctx, FactorRecord factor, Answer answer) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(factor, "factor");
    Objects.requireNonNull(answer, "answer");
    if (factor.state() != FactorState.ACTIVE || replaced(ctx, factor)) {
      return Verification.rejected(VerificationOutcome.INVALID,
          details(factor, VerificationOutcome.INVALID));
    }
    StoredCode.Checked checked = StoredCode.check(ctx, factor, answer);
    if (checked.outcome() != VerificationOutcome.ACCEPTED) {
      return Verification.rejected(checked.outcome(), details(factor, checked.outcome()));
    }
    if (!ctx.advanceCounter(factor, checked.sequence())) {
      return Verification.rejected(VerificationOutcome.REPLAYED,
          details(factor, VerificationOutcome.REPLAYED));
    }
    return Verification.accepted(details(factor, VerificationOutcome.ACCEPTED));
  }

  /** The masked number and the channel, e.g. {@code destination=+44 ••••••••12, channel=SMS}. */
  @Override
  public Map<String, String> display(FactorRecord factor) {
    Objects.requireNonNull(factor, "factor");
    Map<String, String> display = new HashMap<>();
    display.put(ATTR_MASKED, factor.attributes().getOrDefault(ATTR_MASKED, ""));
    display.put(ATTR_CHANNEL, factor.attributes().getOrDefault(ATTR_CHANNEL, "SMS"));
    return Map.copyOf(display);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Admits the send through the throttles, sends a new code and, once the provider took it, makes
   * it the ceremony's code; returns when it expires.
   */
  private Instant send(FactorContext ctx, FactorRecord factor, String e164, Channel channel,
      Locale locale) {
    PracticePolicy policy = ctx.policy();
    Instant now = ctx.clock().instant();
    Map<String, String> audit = new HashMap<>();
    audit.put("factor", factor.id().value());
    audit.put(ATTR_CHANNEL, channel.name());
    audit.put(ATTR_MASKED, PhoneNumbers.mask(e164, visibleDigits));
    throttle.admit(ctx, factor, e164, audit);
    long previous = StoredCode.current(ctx).map(c -> c.sequence).orElse(0L);

    Duration lifetime = policy.codeLifetime();
    String code = StoredCode.randomDigits(ctx, policy.codeLength());
    long sequence = Math.max(now.toEpochMilli(), Math.max(previous, factor.counter()) + 1);
    Instant expires = now.plus(lifetime);
    String text = templates.render(channel, locale, practiceName.apply(factor.practice()), code,
        lifetime);
    String idempotencyKey = Tokens.base64Url(ctx.mac("mfa4j.phone.idempotency",
        utf8(factor.id().value() + "\0" + sequence))).substring(0, 32);
    OutboundMessage message = new OutboundMessage(channel, e164, text, locale, idempotencyKey);

    SendResult result;
    try {
      result = Objects.requireNonNull(sender.send(message), "MessageSender returned null");
    } catch (RuntimeException e) {
      LOG.warn("MessageSender threw {} for channel {}; treated as a retryable failure",
          e.getClass().getName(), channel);
      result = SendResult.retryable("the sender failed unexpectedly", Optional.empty());
    }
    if (result instanceof SendResult.Failed failed) {
      DeliveryException error = new DeliveryException(channel, failed.retryable(),
          failed.reason(), failed.providerCode());
      audit.put("reason", error.reason());
      audit.put("retryable", Boolean.toString(failed.retryable()));
      error.providerCode().ifPresent(c -> audit.put("providerCode", c));
      ctx.audit(AuditType.CODE_SEND_FAILED, AuditOutcome.FAILURE, audit);
      LOG.info("code message not accepted: channel={}, retryable={}, reason={}", channel,
          failed.retryable(), error.reason());
      throw error;
    }
    // The new code replaces the old one only once the provider took it: a failed resend leaves
    // the code the user may already have working.
    StoredCode.issue(ctx, factor, sequence, expires, code).store(ctx);
    audit.put("providerMessageId", ((SendResult.Accepted) result).providerMessageId());
    ctx.audit(AuditType.CODE_SENT, AuditOutcome.SUCCESS, audit);
    return expires;
  }

  private static boolean replaced(FactorContext ctx, FactorRecord factor) {
    return ctx.factorsOfKind().stream().anyMatch(f -> f.state() == FactorState.ACTIVE
        && !f.id().equals(factor.id())
        && factor.id().value().equals(f.attributes().get(ATTR_REPLACES)));
  }

  private static Channel storedChannel(FactorRecord factor) {
    return Channel.parse(factor.attributes().getOrDefault(ATTR_CHANNEL, "SMS"));
  }

  private static Map<String, String> details(FactorRecord factor, VerificationOutcome outcome) {
    return Map.of("factor", factor.id().value(), "outcome", outcome.name(),
        ATTR_CHANNEL, factor.attributes().getOrDefault(ATTR_CHANNEL, "SMS"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OneTimeCodeFactor[sender=" + sender.getClass().getSimpleName() + ", cooldown="
        + throttle.resendCooldown() + ", maxSendsPerChallenge="
        + throttle.maxSendsPerChallenge() + "]";
  }

  /** Configures a {@link OneTimeCodeFactor}. */
  public static final class Builder {
    private MessageSender sender;
    private MessageTemplates templates = MessageTemplates.english();
    private Function<PracticeId, String> practiceName = PracticeId::value;
    private Function<PracticeId, Set<String>> allowedRegions;
    private Function<PracticeId, ? extends Collection<String>> practiceNumbers;
    private boolean allowAllRegions;
    private Optional<String> defaultRegion = Optional.empty();
    private Duration resendCooldown = Duration.ofSeconds(30);
    private int maxSendsPerChallenge = 5;
    private SendLimit perUser = SendLimit.perHour(10);
    private SendLimit perDestination = SendLimit.perDay(20);
    private SendLimit perDestinationAllPractices = SendLimit.perDay(100);
    private SendLimit perPrefix = SendLimit.perHour(30);
    private SendLimit perPrefixAllPractices = SendLimit.perHour(300);
    private SendLimit perIp = SendLimit.perHour(100);
    private Function<PracticeId, Integer> practiceDailyBudget = p -> 1000;
    private int visibleDigits = 2;

    private Builder() {}

    /** The delivery SPI. Required. */
    public Builder sender(MessageSender sender) {
      this.sender = Objects.requireNonNull(sender, "sender");
      return this;
    }

    /** Message patterns per language (default {@link MessageTemplates#english()}). */
    public Builder templates(MessageTemplates templates) {
      this.templates = Objects.requireNonNull(templates, "templates");
      return this;
    }

    /** The practice's name as users know it, for messages (default: the practice id). */
    public Builder practiceName(Function<PracticeId, String> practiceName) {
      this.practiceName = Objects.requireNonNull(practiceName, "practiceName");
      return this;
    }

    /**
     * The ISO 3166 regions whose numbers each practice accepts ({@code p -> Set.of("US", "CA")});
     * an empty set (or null) accepts none. Checked at enrollment and before every send; a number
     * of another region is refused with a {@link RegionNotAcceptedException}. Default: the regions
     * of the practice's own numbers ({@link #practiceNumbers}) if given, else {@link
     * #DEFAULT_REGIONS}.
     */
    public Builder allowedRegions(Function<PracticeId, Set<String>> allowedRegions) {
      this.allowedRegions = Objects.requireNonNull(allowedRegions, "allowedRegions");
      return this;
    }

    /** The same ISO 3166 regions for every practice ({@code Set.of("US")}). */
    public Builder allowedRegions(Set<String> regions) {
      Set<String> fixed = Set.copyOf(Objects.requireNonNull(regions, "regions"));
      for (String r : fixed) {
        if (!r.matches("[A-Z]{2}")) {
          throw new IllegalArgumentException("regions must be ISO 3166 two-letter codes");
        }
      }
      return allowedRegions(p -> fixed);
    }

    /**
     * The practice's own phone numbers (office, front desk; with {@code +} and the country code):
     * when {@link #allowedRegions(Function)} is not set, a practice accepts the regions of these
     * numbers (a practice with none accepts {@link #DEFAULT_REGIONS}).
     */
    public Builder practiceNumbers(Function<PracticeId, ? extends Collection<String>> numbers) {
      this.practiceNumbers = Objects.requireNonNull(numbers, "numbers");
      return this;
    }

    /**
     * Accepts numbers of every region for every practice: the widest door for SMS pumping, so
     * only on purpose (and never with {@link #allowedRegions(Function)} or {@link
     * #practiceNumbers}).
     */
    public Builder allowAllRegions() {
      this.allowAllRegions = true;
      return this;
    }

    /** The region of numbers typed without {@code +} and country code (default: none accepted). */
    public Builder defaultRegion(String region) {
      Objects.requireNonNull(region, "region");
      if (!region.matches("[A-Z]{2}")) {
        throw new IllegalArgumentException("region must be an ISO 3166 two-letter code");
      }
      this.defaultRegion = Optional.of(region);
      return this;
    }

    /** Least time between two sends to one user (default 30 s; 1 s to 5 min). */
    public Builder resendCooldown(Duration cooldown) {
      Objects.requireNonNull(cooldown, "cooldown");
      if (cooldown.compareTo(Duration.ofSeconds(1)) < 0
          || cooldown.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("resendCooldown must be 1 second to 5 minutes");
      }
      this.resendCooldown = cooldown;
      return this;
    }

    /** Sends per sign-in or enrollment ceremony (default 5, as Twilio Verify; 1 to 10). */
    public Builder maxSendsPerChallenge(int max) {
      if (max < 1 || max > 10) {
        throw new IllegalArgumentException("maxSendsPerChallenge must be 1 to 10");
      }
      this.maxSendsPerChallenge = max;
      return this;
    }

    /** Sends per user (default 10 an hour). */
    public Builder perUser(SendLimit limit) {
      this.perUser = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** Sends per destination number within one practice, over its users (default 20 a day). */
    public Builder perDestination(SendLimit limit) {
      this.perDestination = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sends per destination number over all practices (default 100 a day): the ceiling above
     * {@link #perDestination}, so that a number cannot be pumped through many practices.
     */
    public Builder perDestinationAllPractices(SendLimit limit) {
      this.perDestinationAllPractices = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sends to one number block (the number without its last four digits) within one practice
     * (default 30 an hour): pumping sweeps consecutive numbers.
     */
    public Builder perPrefix(SendLimit limit) {
      this.perPrefix = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** Sends to one number block over all practices (default 300 an hour). */
    public Builder perPrefixAllPractices(SendLimit limit) {
      this.perPrefixAllPractices = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sends asked for from one client IP address (default 100 an hour: a practice's office may
     * share one address).
     */
    public Builder perIp(SendLimit limit) {
      this.perIp = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** Sends per practice per UTC day (default 1000 for every practice). */
    public Builder practiceDailyBudget(Function<PracticeId, Integer> budget) {
      this.practiceDailyBudget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /** Digits shown at the end of a masked number (default 2; 2 to 4). */
    public Builder visibleDigits(int digits) {
      if (digits < 2 || digits > 4) {
        throw new IllegalArgumentException("visibleDigits must be 2 to 4");
      }
      this.visibleDigits = digits;
      return this;
    }

    /**
     * Builds the provider.
     *
     * @throws IllegalStateException if no sender was set, or {@link #allowAllRegions()} was
     *     combined with {@link #allowedRegions(Function)} or {@link #practiceNumbers}
     */
    public OneTimeCodeFactor build() {
      if (sender == null) {
        throw new IllegalStateException("sender is required");
      }
      if (allowAllRegions && (allowedRegions != null || practiceNumbers != null)) {
        throw new IllegalStateException(
            "allowAllRegions cannot be combined with allowedRegions or practiceNumbers");
      }
      return new OneTimeCodeFactor(this);
    }
  }
}
