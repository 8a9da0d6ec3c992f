package dev.mfa4j.sms;

import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RateLimitedException;
import dev.mfa4j.internal.Tokens;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The send throttles against SMS pumping, in the order they are checked before every send: sends
 * per ceremony; the cooldown between two sends of one user; per user; per destination number
 * within the practice, then over all practices; per number block within the practice, then over
 * all practices; per client IP address; the practice's daily budget. The cooldown's atomic guard
 * is taken last, so that a refusal above does not start it. A refusal is audited as {@code
 * CODE_SEND_FAILED} naming the throttle, and thrown as a {@link RateLimitedException} with the
 * earliest retry time. Counter keys hold keyed hashes, never a number or an address.
 */
final class SendThrottle {
  /** The ceremony's send count. */
  static final String STATE_SENDS = "phone.sends";
  /** The ceremony's earliest next send, epoch milliseconds. */
  static final String STATE_NEXT = "phone.next";
  private static final String MAC_THROTTLE = "mfa4j.phone.throttle";

  private final Duration resendCooldown;
  private final int maxSendsPerChallenge;
  private final SendLimit perUser;
  private final SendLimit perDestination;
  private final SendLimit perDestinationAllPractices;
  private final SendLimit perPrefix;
  private final SendLimit perPrefixAllPractices;
  private final SendLimit perIp;
  private final Function<PracticeId, Integer> practiceDailyBudget;

  SendThrottle(Duration resendCooldown, int maxSendsPerChallenge, SendLimit perUser,
      SendLimit perDestination, SendLimit perDestinationAllPractices, SendLimit perPrefix,
      SendLimit perPrefixAllPractices, SendLimit perIp,
      Function<PracticeId, Integer> practiceDailyBudget) {
    this.resendCooldown = resendCooldown;
    this.maxSendsPerChallenge = maxSendsPerChallenge;
    this.perUser = perUser;
    this.perDestination = perDestination;
    this.perDestinationAllPractices = perDestinationAllPractices;
    this.perPrefix = perPrefix;
    this.perPrefixAllPractices = perPrefixAllPractices;
    this.perIp = perIp;
    this.practiceDailyBudget = practiceDailyBudget;
  }

  Duration resendCooldown() {
    return resendCooldown;
  }

  int maxSendsPerChallenge() {
    return maxSendsPerChallenge;
  }

  /**
   * Admits one send of {@code factor}'s code to {@code e164}, counting it in every throttle, and
   * records it in the ceremony (one more send, the earliest next one).
   *
   * @param audit the details of the send so far, copied into a refusal's audit event
   * @throws RateLimitedException if a throttle refuses (audited; nothing is recorded in the
   *     ceremony)
   */
  void admit(FactorContext ctx, FactorRecord factor, String e164, Map<String, String> audit) {
    PracticePolicy policy = ctx.policy();
    Instant now = ctx.clock().instant();
    int sends = ctx.state(STATE_SENDS).map(SendThrottle::parseInt).orElse(0);
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
    ctx.putState(STATE_SENDS, Integer.toString(sends + 1));
    ctx.putState(STATE_NEXT, Long.toString(now.plus(resendCooldown).toEpochMilli()));
  }

  private static void limit(FactorContext ctx, Map<String, String> audit, String name,
      String key, SendLimit limit, Instant now, String message) {
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
    return Tokens.base64Url(ctx.mac(MAC_THROTTLE, data.getBytes(StandardCharsets.UTF_8)))
        .substring(0, 27);
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
}
