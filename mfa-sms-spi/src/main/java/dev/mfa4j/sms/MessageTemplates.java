package dev.mfa4j.sms;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The words of code messages and of the risk notice, per language. Patterns use three
 * placeholders: {@code {practice}} (the practice's name), {@code {code}} and {@code {minutes}} (the
 * code's lifetime, rounded up). In a VOICE pattern {@code {code}} is read digit by digit ("4, 9, 2,
 * 0, 3, 9") and must appear at least twice, so that the call repeats the code.
 *
 * <p>English defaults are built in; add languages with {@link #builder()}. A message in a locale
 * without a pattern falls back to its language, then to English. Values are inserted in a single
 * pass, so a practice name holding {@code {code}} is shown as such, never expanded.
 */
public final class MessageTemplates {
  /** The default text message. */
  public static final String DEFAULT_SMS =
      "{code} is your {practice} verification code. It expires in {minutes} minutes."
          + " Never share it: {practice} will not ask you for it.";
  /** The default voice call: the code twice, digit by digit. */
  public static final String DEFAULT_VOICE =
      "Hello. This is {practice}. Your verification code is: {code}. Again, your code is: {code}."
          + " It expires in {minutes} minutes.";
  /** The default risk notice of SMS and voice codes. */
  public static final String DEFAULT_RISK_NOTICE =
      "Codes by text message or phone call can be intercepted or redirected, for example if"
          + " someone takes over your phone number. An authenticator app or a passkey protects"
          + " your account better; please add one as well.";

  private final Map<String, String> sms;
  private final Map<String, String> voice;
  private final Map<String, String> notices;

  private MessageTemplates(Builder b) {
    this.sms = Map.copyOf(b.sms);
    this.voice = Map.copyOf(b.voice);
    this.notices = Map.copyOf(b.notices);
  }

  /** The English defaults only. */
  public static MessageTemplates english() {
    return builder().build();
  }

  /** A builder holding the English defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The message for a code.
   *
   * @param channel SMS or VOICE (VOICE reads the digits one by one)
   * @param locale the user's language
   * @param practiceName the practice's name as users know it
   * @param code the code, ASCII digits
   * @param lifetime how long it is valid
   */
  public String render(Channel channel, Locale locale, String practiceName, String code,
      Duration lifetime) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(practiceName, "practiceName");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(lifetime, "lifetime");
    String pattern = lookup(channel == Channel.SMS ? sms : voice, locale);
    String spoken = channel == Channel.VOICE ? spell(code) : code;
    long minutes = Math.max(1, (lifetime.toSeconds() + 59) / 60);
    return substitute(pattern, practiceName, spoken, Long.toString(minutes));
  }

  /** The risk notice in the user's language. */
  public String riskNotice(Locale locale) {
    return lookup(notices, locale);
  }

  private static String lookup(Map<String, String> patterns, Locale locale) {
    Objects.requireNonNull(locale, "locale");
    String exact = patterns.get(locale.toLanguageTag());
    if (exact != null) {
      return exact;
    }
    String language = patterns.get(locale.getLanguage());
    return language != null ? language : patterns.get("en");
  }

  /** "492039" → "4, 9, 2, 0, 3, 9". */
  static String spell(String code) {
    StringBuilder b = new StringBuilder(code.length() * 3);
    for (int i = 0; i < code.length(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(code.charAt(i));
    }
    return b.toString();
  }

  private static String substitute(String pattern, String practice, String code, String minutes) {
    StringBuilder out = new StringBuilder(pattern.length() + 32);
    int i = 0;
    while (i < pattern.length()) {
      if (pattern.startsWith("{practice}", i)) {
        out.append(practice);
        i += "{practice}".length();
      } else if (pattern.startsWith("{code}", i)) {
        out.append(code);
        i += "{code}".length();
      } else if (pattern.startsWith("{minutes}", i)) {
        out.append(minutes);
        i += "{minutes}".length();
      } else {
        out.append(pattern.charAt(i++));
      }
    }
    return out.toString();
  }

  private static int occurrences(String pattern, String placeholder) {
    int n = 0;
    for (int i = pattern.indexOf(placeholder); i >= 0; i = pattern.indexOf(placeholder, i + 1)) {
      n++;
    }
    return n;
  }

  @Override
  public String toString() {
    return "MessageTemplates[languages=" + sms.keySet() + "]";
  }

  /** Adds patterns per language; starts with the English defaults. */
  public static final class Builder {
    private final Map<String, String> sms = new HashMap<>();
    private final Map<String, String> voice = new HashMap<>();
    private final Map<String, String> notices = new HashMap<>();

    private Builder() {
      sms.put("en", DEFAULT_SMS);
      voice.put("en", DEFAULT_VOICE);
      notices.put("en", DEFAULT_RISK_NOTICE);
    }

    /**
     * Sets the patterns of one locale ({@code Locale.FRENCH} for every French locale, {@code
     * Locale.CANADA_FRENCH} for fr-CA only).
     *
     * @param sms text-message pattern; must contain {@code {code}}
     * @param voice voice-call pattern; must contain {@code {code}} at least twice
     * @param riskNotice the risk notice
     * @throws IllegalArgumentException if a pattern lacks its {@code {code}}
     */
    public Builder locale(Locale locale, String sms, String voice, String riskNotice) {
      Objects.requireNonNull(locale, "locale");
      Objects.requireNonNull(sms, "sms");
      Objects.requireNonNull(voice, "voice");
      Objects.requireNonNull(riskNotice, "riskNotice");
      if (occurrences(sms, "{code}") < 1) {
        throw new IllegalArgumentException("an SMS pattern must contain {code}");
      }
      if (occurrences(voice, "{code}") < 2) {
        throw new IllegalArgumentException("a voice pattern must read {code} at least twice");
      }
      String tag = locale.getCountry().isEmpty() ? locale.getLanguage() : locale.toLanguageTag();
      this.sms.put(tag, sms);
      this.voice.put(tag, voice);
      this.notices.put(tag, riskNotice);
      return this;
    }

    /** Builds the templates. */
    public MessageTemplates build() {
      return new MessageTemplates(this);
    }
  }
}
