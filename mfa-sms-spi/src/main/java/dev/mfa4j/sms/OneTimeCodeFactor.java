package dev.mfa4j.sms;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorId;
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
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IllformedLocaleException;
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

  static final String STATE_CODE = "phone.code";
  static final String STATE_SENDS = "phone.sends";
  static final String STATE_NEXT = "phone.next";
  static final String ATTR_CHANNEL = "channel";
  static final String ATTR_MASKED = "destination";
  static final String ATTR_REGION = "region";
  static final String ATTR_LOCALE = "locale";
  static final String ATTR_REPLACES = FactorRecord.REPLACES;
  static final String MAC_CODE = "mfa4j.phone.code";
  static final String MAC_NUMBER = "mfa4j.phone.number";
  static final String MAC_THROTTLE = "mfa4j.phone.throttle";

  /**
   * The regions accepted when the host names neither {@link Builder#allowedRegions(Function)} nor
   * {@link Builder#practiceNumbers} nor {@link Builder#allowAllRegions()}: the United States and
   * Canada (not the other +1 countries), the United Kingdom, Ireland, Australia, New Zealand, the
   * EU and EEA countries and Switzerland. A practice should narrow it to where its clients live.
   */
  public static final Set<String> DEFAULT_REGIONS = Set.of("US", "CA", "GB", "IE", "AU", "NZ",
      "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IT", "LV",
      "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH");

  private static final Set<String> BEGIN_PARAMETERS =
      Set.of("phone", "channel", "locale", "region", "replaces");
  private static final Set<String> PROMPT_PARAMETERS = Set.of("channel", "locale");

  private final MessageSender sender;
  private final MessageTemplates templates;
  private final Function<PracticeId, String> practiceName;
  private final Function<PracticeId, Set<String>> allowedRegions;
  private final Optional<String> defaultRegion;
  private final Duration resendCooldown;
  private final int maxSendsPerChallenge;
  private final SendLimit perUser;
  private final SendLimit perDestination;
  private final SendLimit perDestinationAllPractices;
  private final SendLimit perPrefix;
  private final SendLimit perPrefixAllPractices;
  private final SendLimit perIp;
  private final Function<PracticeId, Integer> practiceDailyBudget;
  private final int visibleDigits;

  private OneTimeCodeFactor(Builder b) {
    this.sender = b.sender;
    this.templates = b.templates;
    this.practiceName = b.practiceName;
    this.allowedRegions = b.regions();
    this.defaultRegion = b.defaultRegion;
    this.resendCooldown = b.resendCooldown;
    this.maxSendsPerChallenge = b.maxSendsPerChallenge;
    this.perUser = b.perUser;
    this.perDestination = b.perDestination;
    this.perDestinationAllPractices = b.perDestinationAllPractices;
    this.perPrefix = b.perPrefix;
    this.perPrefixAllPractices = b.perPrefixAllPractices;
    this.perIp = b.perIp;
    this.practiceDailyBudget = b.practiceDailyBudget;
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
    checkKeys(parameters, BEGIN_PARAMETERS);
    String phone = parameters.get("phone");
    if (phone == null || phone.isBlank()) {
      throw new InvalidInputException("parameter phone is required");
    }
    Channel channel = Channel.parse(parameters.getOrDefault("channel", "SMS"));
    Optional<Locale> locale = parseLocale(parameters.get("locale"));
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
    PhoneNumbers.Checked number = PhoneNumbers.check(phone.trim(), region, channel,
        allowedRegions.apply(pending.practice()));

    Map<String, String> attributes = new HashMap<>(pending.attributes());
    attributes.put(ATTR_CHANNEL, channel.name());
    attributes.put(ATTR_MASKED, PhoneNumbers.mask(number.e164(), visibleDigits));
    attributes.put(ATTR_REGION, number.region());
    locale.ifPresent(l -> attributes.put(ATTR_LOCALE, l.toLanguageTag()));
    replaces.ifPresent(r -> attributes.put(ATTR_REPLACES, r.value()));
    String numberKey = Tokens.base64Url(ctx.mac(MAC_NUMBER, utf8(number.e164())));
    FactorRecord record = pending.withAttributes(attributes)
        .withLookupKey(Optional.of(numberKey + "." + pending.id().value()));
    record = record.withSealedSecret(ctx.seal(record, utf8(number.e164())));

    Instant expires = send(ctx, record, number.e164(), channel,
        locale.orElse(Locale.ENGLISH));
    PhoneEnrollment details = new PhoneEnrollment(attributes.get(ATTR_MASKED), channel, expires,
        templates.riskNotice(locale.orElse(Locale.ENGLISH)), replaces);
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
    Checked checked = check(ctx, pending, answer);
    if (checked.outcome != VerificationOutcome.ACCEPTED) {
      return Verification.rejected(checked.outcome, details(pending, checked.outcome));
    }
    FactorRecord updated = pending.withCounter(checked.sequence);
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
    checkKeys(parameters, PROMPT_PARAMETERS);
    if (factor.state() == FactorState.DISABLED || replaced(ctx, factor)) {
      throw new InvalidInputException("this phone factor cannot be used");
    }
    Channel channel = parameters.containsKey("channel")
        ? Channel.parse(parameters.get("channel")) : storedChannel(factor);
    Locale locale = parseLocale(parameters.get("locale"))
        .or(() -> Optional.ofNullable(factor.attributes().get(ATTR_LOCALE))
            .map(Locale::forLanguageTag))
        .orElse(Locale.ENGLISH);
    String e164 = new String(ctx.open(factor), StandardCharsets.UTF_8);
    // The practice may have narrowed its countries, or the user may have switched to SMS on a
    // landline, since enrollment: check the number again before every send.
    PhoneNumbers.check(e164, Optional.empty(), channel, allowedRegions.apply(factor.practice()));
    Instant expires = send(ctx, factor, e164, channel, locale);
    Instant next = ctx.clock().instant().plus(resendCooldown);
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
    Checked checked = check(ctx, factor, answer);
    if (checked.outcome != VerificationOutcome.ACCEPTED) {
      return Verification.rejected(checked.outcome, details(factor, checked.outcome));
    }
    if (!ctx.advanceCounter(factor, checked.sequence)) {
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

  private record Checked(VerificationOutcome outcome, long sequence) {}

  private Checked check(FactorContext ctx, FactorRecord factor, Answer answer) {
    if (!(answer instanceof Answer.Code code) || !code.factor().equals(factor.id())) {
      return new Checked(VerificationOutcome.MALFORMED, 0);
    }
    Optional<CodeState> state = ctx.state(STATE_CODE).map(CodeState::parse);
    if (state.isEmpty()) {
      return new Checked(VerificationOutcome.NOT_PROMPTED, 0);
    }
    CodeState s = state.get();
    String typed = code.reveal();
    if (!isDigits(typed, s.length)) {
      return new Checked(VerificationOutcome.MALFORMED, 0);
    }
    if (s.spent) {
      // Compared anyway, so that a spent code and a wrong one cost the same.
      MessageDigest.isEqual(s.hash, codeHash(ctx, factor, s.sequence, typed));
      return new Checked(VerificationOutcome.REPLAYED, 0);
    }
    boolean match = MessageDigest.isEqual(s.hash, codeHash(ctx, factor, s.sequence, typed));
    if (!ctx.clock().instant().isBefore(s.expires)) {
      return new Checked(VerificationOutcome.EXPIRED, 0);
    }
    if (!match) {
      return new Checked(VerificationOutcome.INVALID, 0);
    }
    ctx.putState(STATE_CODE, s.spent().format());
    return new Checked(VerificationOutcome.ACCEPTED, s.sequence);
  }

  private Instant send(FactorContext ctx, FactorRecord factor, String e164, Channel channel,
      Locale locale) {
    PracticePolicy policy = ctx.policy();
    Instant now = ctx.clock().instant();
    Map<String, String> audit = new HashMap<>();
    audit.put("factor", factor.id().value());
    audit.put(ATTR_CHANNEL, channel.name());
    audit.put(ATTR_MASKED, PhoneNumbers.mask(e164, visibleDigits));

    int sends = ctx.state(STATE_SENDS).map(OneTimeCodeFactor::parseInt).orElse(0);
    if (sends >= maxSendsPerChallenge) {
      throw refuse(ctx, audit, "challenge_send_limit",
          "no more codes can be sent for this sign-in; start again",
          now.plus(policy.challengeLifetime()));
    }
    Optional<Instant> next = ctx.state(STATE_NEXT).map(v -> Instant.ofEpochMilli(parseLong(v)));
    if (next.isPresent() && now.isBefore(next.get())) {
      throw refuse(ctx, audit, "cooldown", "please wait before asking for another code",
          next.get());
    }
    String userKey = throttleKey(ctx, "user\0" + factor.practice().value() + "\0"
        + factor.user().value());
    String cooldownKey = "mfa4j.phone.cooldown:" + userKey;
    if (ctx.counters().get(cooldownKey, now) > 0) {
      throw refuse(ctx, audit, "cooldown", "please wait before asking for another code",
          next.filter(now::isBefore).orElse(now.plus(resendCooldown)));
    }
    limit(ctx, audit, "user", "mfa4j.phone.user:" + userKey, perUser, now,
        "too many codes were sent to this account; try again later");
    // Number and block: first within the practice, then over all practices. The practice's own
    // limit comes first so that a practice that reached it adds nothing more to the shared
    // ceiling; both refusals say the same, so a user never learns that another practice sends to
    // the number.
    String practice = factor.practice().value();
    limit(ctx, audit, "destination", "mfa4j.phone.destination:"
        + throttleKey(ctx, "destination\0" + practice + "\0" + e164), perDestination,
        now, "too many codes were sent to this number; try again later");
    limit(ctx, audit, "destination_all", "mfa4j.phone.destination-all:"
        + throttleKey(ctx, "destination\0" + e164), perDestinationAllPractices,
        now, "too many codes were sent to this number; try again later");
    limit(ctx, audit, "prefix", "mfa4j.phone.prefix:"
        + throttleKey(ctx, "prefix\0" + practice + "\0" + prefix(e164)), perPrefix, now,
        "too many codes were sent to numbers like this one; try again later");
    limit(ctx, audit, "prefix_all", "mfa4j.phone.prefix-all:"
        + throttleKey(ctx, "prefix\0" + prefix(e164)), perPrefixAllPractices, now,
        "too many codes were sent to numbers like this one; try again later");
    if (!ctx.request().ip().isEmpty()) {
      limit(ctx, audit, "ip", "mfa4j.phone.ip:" + throttleKey(ctx, "ip\0" + ctx.request().ip()),
          perIp, now, "too many codes were asked for from this network; try again later");
    }
    limit(ctx, audit, "practice", "mfa4j.phone.practice:" + factor.practice().value(),
        SendLimit.perDay(practiceDailyBudget.apply(factor.practice())), now,
        "the practice's daily budget of code messages is used up; try again tomorrow");
    // The atomic guard of the cooldown, taken last so that a refusal above does not start it:
    // of two racing sends of one user, only one passes.
    if (ctx.counters().increment(cooldownKey, now, now.plus(resendCooldown)) > 1) {
      throw refuse(ctx, audit, "cooldown", "please wait before asking for another code",
          now.plus(resendCooldown));
    }

    int length = policy.codeLength();
    Duration lifetime = policy.codeLifetime();
    String code = randomDigits(ctx, length);
    long previous = ctx.state(STATE_CODE).map(v -> CodeState.parse(v).sequence).orElse(0L);
    long sequence = Math.max(now.toEpochMilli(), Math.max(previous, factor.counter()) + 1);
    Instant expires = now.plus(lifetime);
    String text = templates.render(channel, locale, practiceName.apply(factor.practice()), code,
        lifetime);
    String idempotencyKey = Tokens.base64Url(ctx.mac("mfa4j.phone.idempotency",
        utf8(factor.id().value() + "\0" + sequence))).substring(0, 32);
    OutboundMessage message = new OutboundMessage(channel, e164, text, locale, idempotencyKey);

    ctx.putState(STATE_SENDS, Integer.toString(sends + 1));
    ctx.putState(STATE_NEXT, Long.toString(now.plus(resendCooldown).toEpochMilli()));
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
    ctx.putState(STATE_CODE,
        new CodeState(false, sequence, expires, length, codeHash(ctx, factor, sequence, code))
            .format());
    audit.put("providerMessageId", ((SendResult.Accepted) result).providerMessageId());
    ctx.audit(AuditType.CODE_SENT, AuditOutcome.SUCCESS, audit);
    return expires;
  }

  private void limit(FactorContext ctx, Map<String, String> audit, String name, String key,
      SendLimit limit, Instant now, String message) {
    long window = limit.window().toMillis();
    long index = Math.floorDiv(now.toEpochMilli(), window);
    Instant end = Instant.ofEpochMilli((index + 1) * window);
    if (ctx.counters().increment(key + ":" + index, now, end) > limit.limit()) {
      throw refuse(ctx, audit, name, message, end);
    }
  }

  private static RateLimitedException refuse(FactorContext ctx, Map<String, String> audit,
      String throttle, String message, Instant retryAfter) {
    Map<String, String> details = new HashMap<>(audit);
    details.put("reason", "throttled");
    details.put("throttle", throttle);
    ctx.audit(AuditType.CODE_SEND_FAILED, AuditOutcome.DENIED, details);
    return new RateLimitedException(limitOf(throttle), message, retryAfter);
  }

  /**
   * The limit a throttle reports as. The ceilings over all practices report as the practice's
   * own, so that a host never tells a user that another practice sends to the number.
   */
  static RateLimitedException.Limit limitOf(String throttle) {
    return switch (throttle) {
      case "cooldown" -> RateLimitedException.Limit.CODE_COOLDOWN;
      case "challenge_send_limit" -> RateLimitedException.Limit.CODES_PER_CEREMONY;
      case "user" -> RateLimitedException.Limit.CODES_PER_USER;
      case "destination", "destination_all" -> RateLimitedException.Limit.CODES_PER_DESTINATION;
      case "prefix", "prefix_all" -> RateLimitedException.Limit.CODES_PER_PREFIX;
      case "ip" -> RateLimitedException.Limit.CODES_PER_IP;
      case "practice" -> RateLimitedException.Limit.CODES_PER_PRACTICE;
      default -> throw new IllegalArgumentException("unknown throttle " + throttle);
    };
  }

  /** The number without its last four digits: the block of 10,000 numbers SMS pumping sweeps. */
  static String prefix(String e164) {
    return e164.substring(0, e164.length() - 4);
  }

  private static String throttleKey(FactorContext ctx, String data) {
    return Tokens.base64Url(ctx.mac(MAC_THROTTLE, utf8(data))).substring(0, 27);
  }

  private static byte[] codeHash(FactorContext ctx, FactorRecord factor, long sequence,
      String code) {
    return ctx.mac(MAC_CODE, utf8(factor.practice().value() + "\0" + factor.user().value() + "\0"
        + factor.id().value() + "\0" + sequence + "\0" + code));
  }

  private static String randomDigits(FactorContext ctx, int length) {
    char[] digits = new char[length];
    for (int i = 0; i < length; i++) {
      digits[i] = (char) ('0' + ctx.random().nextInt(10));
    }
    return new String(digits);
  }

  private static boolean isDigits(String typed, int length) {
    if (typed.length() != length) {
      return false;
    }
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
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

  private static Optional<Locale> parseLocale(String tag) {
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

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("corrupt phone factor state");
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("corrupt phone factor state");
    }
  }

  @Override
  public String toString() {
    return "OneTimeCodeFactor[sender=" + sender.getClass().getSimpleName() + ", cooldown="
        + resendCooldown + ", maxSendsPerChallenge=" + maxSendsPerChallenge + "]";
  }

  /** The code of a ceremony as stored: issue number, expiry, length and keyed hash. */
  static final class CodeState {
    final boolean spent;
    final long sequence;
    final Instant expires;
    final int length;
    final byte[] hash;

    CodeState(boolean spent, long sequence, Instant expires, int length, byte[] hash) {
      this.spent = spent;
      this.sequence = sequence;
      this.expires = expires;
      this.length = length;
      this.hash = hash;
    }

    CodeState spent() {
      return new CodeState(true, sequence, expires, length, hash);
    }

    String format() {
      return (spent ? "spent" : "v1") + ";" + sequence + ";" + expires.toEpochMilli() + ";"
          + length + ";" + Tokens.base64Url(hash);
    }

    static CodeState parse(String value) {
      String[] p = value.split(";");
      if (p.length != 5 || !(p[0].equals("v1") || p[0].equals("spent"))) {
        throw new IllegalStateException("corrupt phone factor state");
      }
      try {
        return new CodeState(p[0].equals("spent"), Long.parseLong(p[1]),
            Instant.ofEpochMilli(Long.parseLong(p[2])), Integer.parseInt(p[3]),
            java.util.Base64.getUrlDecoder().decode(p[4]));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("corrupt phone factor state");
      }
    }

    @Override
    public String toString() {
      return "CodeState[redacted]";
    }
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

    /** The regions per practice as configured; null from the function means every region. */
    private Function<PracticeId, Set<String>> regions() {
      if (allowAllRegions) {
        return p -> null;
      }
      if (allowedRegions != null) {
        Function<PracticeId, Set<String>> f = allowedRegions;
        return p -> normalised(f.apply(p));
      }
      if (practiceNumbers != null) {
        Function<PracticeId, ? extends Collection<String>> f = practiceNumbers;
        return p -> {
          Collection<String> own = f.apply(p);
          if (own == null || own.isEmpty()) {
            return DEFAULT_REGIONS;
          }
          Set<String> regions = new HashSet<>();
          for (String n : own) {
            String region = n == null ? null : PhoneNumbers.regionOf(n);
            if (region == null || region.equals("ZZ") || region.equals("001")) {
              throw new IllegalStateException("a practice number is not a number of a country");
            }
            regions.add(region);
          }
          return Set.copyOf(regions);
        };
      }
      return p -> DEFAULT_REGIONS;
    }

    private static Set<String> normalised(Set<String> regions) {
      if (regions == null) {
        return Set.of();
      }
      Set<String> out = new HashSet<>();
      for (String r : regions) {
        out.add(r.trim().toUpperCase(Locale.ROOT));
      }
      return Set.copyOf(out);
    }
  }
}
