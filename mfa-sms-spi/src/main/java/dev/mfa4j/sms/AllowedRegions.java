package dev.mfa4j.sms;

import dev.mfa4j.PracticeId;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Which regions' numbers each practice accepts, from the builder's options: {@code
 * allowAllRegions} (every region: the function answers null); else {@code allowedRegions} as
 * given (null or empty accepts none); else the regions of the practice's own numbers (none known:
 * {@link OneTimeCodeFactor#DEFAULT_REGIONS}); else {@link OneTimeCodeFactor#DEFAULT_REGIONS}.
 */
final class AllowedRegions {
  private AllowedRegions() {}

  static Function<PracticeId, Set<String>> resolve(boolean allowAll,
      Function<PracticeId, Set<String>> allowed,
      Function<PracticeId, ? extends Collection<String>> practiceNumbers) {
    if (allowAll) {
      return p -> null;
    }
    if (allowed != null) {
      return p -> normalised(allowed.apply(p));
    }
    if (practiceNumbers != null) {
      return p -> regionsOf(practiceNumbers.apply(p));
    }
    return p -> OneTimeCodeFactor.DEFAULT_REGIONS;
  }

  private static Set<String> regionsOf(Collection<String> own) {
    if (own == null || own.isEmpty()) {
      return OneTimeCodeFactor.DEFAULT_REGIONS;
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
