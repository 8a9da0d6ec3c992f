package dev.mfa4j.store.jdbc;

import dev.mfa4j.Audience;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.Reauthentication;
import dev.mfa4j.TwoFactorRequirement;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Text encodings of small maps and of a {@link PracticePolicy}: {@code k=v&k=v}, keys sorted, both
 * URL-encoded (UTF-8). Decoding a malformed text throws {@link IllegalArgumentException}.
 */
final class Codec {
  /** Longest encoded map or policy text read back (a guard against oversized rows). */
  static final int MAX_TEXT = 256 * 1024;

  private Codec() {}

  static String encodeMap(Map<String, String> map) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  static Map<String, String> decodeMap(String text) {
    if (text == null) {
      throw new IllegalArgumentException("map text is null");
    }
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("map text is too long");
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed map entry");
      }
      String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (out.put(key, value) != null) {
        throw new IllegalArgumentException("duplicate map key");
      }
    }
    return out;
  }

  static String encodePolicy(PracticePolicy p) {
    Map<String, String> m = new TreeMap<>();
    m.put("v", "1");
    m.put("requirement", p.requirement().name());
    m.put("staffMethods", kinds(p.staffMethods()));
    m.put("clientMethods", kinds(p.clientMethods()));
    m.put("rememberDevice", p.rememberDevice().toString());
    m.put("challengeLifetime", p.challengeLifetime().toString());
    m.put("maxAttemptsPerChallenge", Integer.toString(p.maxAttemptsPerChallenge()));
    m.put("lockoutThreshold", Integer.toString(p.lockoutThreshold()));
    m.put("lockoutBase", p.lockoutBase().toString());
    m.put("lockoutMax", p.lockoutMax().toString());
    m.put("factorFailureLimit", Integer.toString(p.factorFailureLimit()));
    m.put("codeLength", Integer.toString(p.codeLength()));
    m.put("codeLifetime", p.codeLifetime().toString());
    m.put("totpWindow", Integer.toString(p.totpWindow()));
    m.put("requireNonPhoneFactor", Boolean.toString(p.requireNonPhoneFactor()));
    m.put("enrollmentGraceSignIns", Integer.toString(p.enrollmentGraceSignIns()));
    m.put("enrollmentGracePeriod", p.enrollmentGracePeriod().toString());
    m.put("minPasswordLength", Integer.toString(p.minPasswordLength()));
    m.put("passwordCharacterClasses", Integer.toString(p.passwordCharacterClasses()));
    m.put("passkeySignIn", p.passkeySignIn().stream().map(Enum::name).sorted()
        .collect(Collectors.joining(",")));
    m.put("reauthentication", p.reauthentication().name());
    m.put("stepUpMaxAge", p.stepUpMaxAge().toString());
    return encodeMap(m);
  }

  /**
   * Decodes a policy; a key missing (written by an older version) keeps the documented default,
   * unknown keys are ignored, an unknown enum value or a broken number throws.
   */
  static PracticePolicy decodePolicy(String text) {
    Map<String, String> m = decodeMap(text);
    PracticePolicy d = PracticePolicy.defaults();
    return PracticePolicy.builder()
        .requirement(m.containsKey("requirement")
            ? TwoFactorRequirement.valueOf(m.get("requirement")) : d.requirement())
        .staffMethods(m.containsKey("staffMethods")
            ? parseKinds(m.get("staffMethods")) : d.staffMethods())
        .clientMethods(m.containsKey("clientMethods")
            ? parseKinds(m.get("clientMethods")) : d.clientMethods())
        .rememberDevice(duration(m, "rememberDevice", d.rememberDevice()))
        .challengeLifetime(duration(m, "challengeLifetime", d.challengeLifetime()))
        .maxAttemptsPerChallenge(integer(m, "maxAttemptsPerChallenge", d.maxAttemptsPerChallenge()))
        .lockout(integer(m, "lockoutThreshold", d.lockoutThreshold()),
            duration(m, "lockoutBase", d.lockoutBase()),
            duration(m, "lockoutMax", d.lockoutMax()))
        .factorFailureLimit(integer(m, "factorFailureLimit", d.factorFailureLimit()))
        .codeLength(integer(m, "codeLength", d.codeLength()))
        .codeLifetime(duration(m, "codeLifetime", d.codeLifetime()))
        .totpWindow(integer(m, "totpWindow", d.totpWindow()))
        .requireNonPhoneFactor(m.containsKey("requireNonPhoneFactor")
            ? bool(m.get("requireNonPhoneFactor")) : d.requireNonPhoneFactor())
        .enrollmentGrace(integer(m, "enrollmentGraceSignIns", d.enrollmentGraceSignIns()),
            duration(m, "enrollmentGracePeriod", d.enrollmentGracePeriod()))
        .minPasswordLength(integer(m, "minPasswordLength", d.minPasswordLength()))
        .passwordCharacterClasses(
            integer(m, "passwordCharacterClasses", d.passwordCharacterClasses()))
        .passkeySignIn(m.containsKey("passkeySignIn")
            ? audiences(m.get("passkeySignIn")) : d.passkeySignIn())
        .reauthentication(m.containsKey("reauthentication")
            ? Reauthentication.valueOf(m.get("reauthentication")) : d.reauthentication())
        .stepUpMaxAge(duration(m, "stepUpMaxAge", d.stepUpMaxAge()))
        .build();
  }

  private static String kinds(Set<FactorKind> kinds) {
    return kinds.stream().map(FactorKind::id).sorted().collect(Collectors.joining(","));
  }

  private static Set<FactorKind> parseKinds(String text) {
    Set<FactorKind> out = new TreeSet<>((a, b) -> a.id().compareTo(b.id()));
    if (!text.isEmpty()) {
      for (String id : text.split(",", -1)) {
        out.add(FactorKind.of(id));
      }
    }
    return Set.copyOf(out);
  }

  private static Duration duration(Map<String, String> m, String key, Duration fallback) {
    String v = m.get(key);
    return v == null ? fallback : Duration.parse(v);
  }

  private static int integer(Map<String, String> m, String key, int fallback) {
    String v = m.get(key);
    return v == null ? fallback : Integer.parseInt(v);
  }

  private static boolean bool(String v) {
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException("not a boolean");
  }

  private static Set<Audience> audiences(String v) {
    if (v.isEmpty()) {
      return Set.of();
    }
    Set<Audience> out = new TreeSet<>();
    for (String a : v.split(",", -1)) {
      out.add(Audience.valueOf(a));
    }
    return out;
  }
}
