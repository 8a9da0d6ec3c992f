package dev.mfa4j.sms;

import dev.mfa4j.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A phone number is valid but from a country the practice does not accept (see {@link
 * OneTimeCodeFactor.Builder#allowedRegions(java.util.function.Function)}). Nothing was sent. The
 * message is written for staff and clients ("Phone numbers from Nigeria can't be used with this
 * practice. Please use a phone number from Canada or United States.") and never repeats the
 * number; {@link #region()} and {@link #acceptedRegions()} give the ISO 3166 codes for a host that
 * words its own.
 */
public final class RegionNotAcceptedException extends InvalidInputException {
  private static final long serialVersionUID = 1L;
  /** Beyond this many accepted countries the message does not list them. */
  static final int LISTED = 6;

  private final String region;
  private final Set<String> acceptedRegions;

  RegionNotAcceptedException(String region, Set<String> acceptedRegions) {
    super(message(region, acceptedRegions));
    this.region = Objects.requireNonNull(region, "region");
    this.acceptedRegions = Set.copyOf(acceptedRegions);
  }

  /** The number's country (ISO 3166 two-letter code). */
  public String region() {
    return region;
  }

  /** The countries the practice accepts (ISO 3166 codes); empty if it accepts none. */
  public Set<String> acceptedRegions() {
    return acceptedRegions;
  }

  private static String message(String region, Set<String> accepted) {
    String refused = "Phone numbers from " + country(region)
        + " can't be used with this practice.";
    if (accepted.isEmpty() || accepted.size() > LISTED) {
      return refused + " Please use a phone number from a country this practice works in, or ask"
          + " the practice which numbers can be used.";
    }
    List<String> names = accepted.stream().map(RegionNotAcceptedException::country).sorted()
        .collect(Collectors.toList());
    String list = names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " or "
            + names.get(names.size() - 1);
    return refused + " Please use a phone number from " + list + ".";
  }

  /** The country's English name ("United Kingdom"), or the code if Java does not know it. */
  static String country(String region) {
    String name = new Locale("", region).getDisplayCountry(Locale.ENGLISH);
    return name.isEmpty() || name.equals(region) ? region : name;
  }
}
