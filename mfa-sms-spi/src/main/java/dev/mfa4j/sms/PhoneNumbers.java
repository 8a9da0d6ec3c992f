package dev.mfa4j.sms;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.mfa4j.InvalidInputException;
import java.util.Optional;
import java.util.Set;

/**
 * Parsing, checking and masking of phone numbers with libphonenumber. Error messages never repeat
 * the number.
 */
final class PhoneNumbers {
  /** Longest input accepted before parsing (libphonenumber itself allows 250). */
  static final int MAX_INPUT = 32;

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private PhoneNumbers() {}

  /** A number that passed every check. */
  record Checked(String e164, String region, PhoneNumberType type) {
    @Override
    public String toString() {
      return "Checked[region=" + region + ", type=" + type + ", number=redacted]";
    }
  }

  /**
   * Parses and checks a number typed by a user.
   *
   * @param input the number, with {@code +} and country code, or national if {@code defaultRegion}
   *     is given
   * @param defaultRegion ISO 3166 region for national numbers, if any
   * @param channel the channel it will receive codes on (VOICE also accepts landlines)
   * @param allowedRegions regions the practice accepts, or {@code null} for every region (only
   *     when the host asked for it: {@code allowAllRegions()}); an empty set accepts none
   * @throws InvalidInputException if it is malformed, invalid, or of a costly or unsuitable type
   * @throws RegionNotAcceptedException if it is in a region the practice does not accept
   */
  static Checked check(String input, Optional<String> defaultRegion, Channel channel,
      Set<String> allowedRegions) {
    if (input.length() > MAX_INPUT) {
      throw new InvalidInputException("phone number is longer than " + MAX_INPUT + " characters");
    }
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '('
          || c == ')' || c == '.';
      if (!ok) {
        throw new InvalidInputException(
            "phone number may hold only ASCII digits, '+', spaces, '-', '.', '(' and ')'");
      }
    }
    PhoneNumber number;
    try {
      number = UTIL.parse(input, defaultRegion.orElse("ZZ"));
    } catch (NumberParseException e) {
      throw new InvalidInputException("phone number is not valid ("
          + e.getErrorType() + "); give it with + and the country code");
    }
    if (!UTIL.isValidNumber(number)) {
      throw new InvalidInputException("phone number is not valid");
    }
    String region = UTIL.getRegionCodeForNumber(number);
    if (region == null || "ZZ".equals(region) || "001".equals(region)) {
      throw new InvalidInputException("phone number is not a number of a country");
    }
    if (allowedRegions != null && !allowedRegions.contains(region)) {
      throw new RegionNotAcceptedException(region, allowedRegions);
    }
    PhoneNumberType type = UTIL.getNumberType(number);
    if (!acceptable(type, channel)) {
      throw new InvalidInputException("phone numbers of type " + type
          + " cannot receive codes by " + channel
          + (channel == Channel.SMS && type == PhoneNumberType.FIXED_LINE
              ? " (choose a voice call for a landline)" : ""));
    }
    return new Checked(UTIL.format(number, PhoneNumberFormat.E164), region, type);
  }

  /**
   * Mobile numbers for SMS; mobile and landline numbers for voice. Premium-rate, shared-cost,
   * toll-free, personal (UK 070), UAN, pager, voicemail, VoIP and unknown types are refused: they
   * are the costly or unowned numbers SMS pumping uses, or cannot receive a code.
   */
  static boolean acceptable(PhoneNumberType type, Channel channel) {
    switch (type) {
      case MOBILE:
      case FIXED_LINE_OR_MOBILE:
        return true;
      case FIXED_LINE:
        return channel == Channel.VOICE;
      default:
        return false;
    }
  }

  /** The number's region (ISO 3166), for an E.164 number that was checked before. */
  static String regionOf(String e164) {
    try {
      return UTIL.getRegionCodeForNumber(UTIL.parse(e164, "ZZ"));
    } catch (NumberParseException e) {
      throw new IllegalStateException("a stored phone number no longer parses", e);
    }
  }

  /**
   * The number masked for display: the country calling code, dots for the hidden digits, and the
   * last {@code visible} digits, e.g. {@code +44 ••••••••12}.
   */
  static String mask(String e164, int visible) {
    PhoneNumber number;
    try {
      number = UTIL.parse(e164, "ZZ");
    } catch (NumberParseException e) {
      throw new IllegalStateException("a stored phone number no longer parses", e);
    }
    String national = UTIL.getNationalSignificantNumber(number);
    int shown = Math.min(visible, Math.max(0, national.length() - 4));
    return "+" + number.getCountryCode() + " " + "•".repeat(national.length() - shown)
        + national.substring(national.length() - shown);
  }
}
