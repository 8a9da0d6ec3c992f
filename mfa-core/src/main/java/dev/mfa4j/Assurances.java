package dev.mfa4j;

import dev.mfa4j.internal.Tokens;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes, checks and reads {@link Assurance} records. The MAC covers a canonical text of the
 * user and the proofs, keyed by the engine's {@link dev.mfa4j.spi.SecretProtector#mac} under its
 * own purpose, so a record is valid only on engines sharing the secret key.
 */
final class Assurances {
  private static final String PURPOSE = "mfa4j.assurance.v1";
  private static final int MAX_TOKEN = 4096;

  private final Engine engine;

  Assurances(Engine engine) {
    this.engine = engine;
  }

  /** A record of {@code proofs} (plus those of {@code earlier} that are still newer). */
  Assurance make(UserRef user, Optional<Assurance> earlier, List<Assurance.Proof> proofs) {
    Map<String, Assurance.Proof> latest = new LinkedHashMap<>();
    List<Assurance.Proof> all = new ArrayList<>();
    earlier.filter(a -> valid(a) && a.user().equals(user)).ifPresent(a -> all.addAll(a.proofs()));
    all.addAll(proofs);
    for (Assurance.Proof p : all) {
      String key = p.type() + "/" + p.kind().map(FactorKind::id).orElse("");
      Assurance.Proof seen = latest.get(key);
      if (seen == null || !p.at().isBefore(seen.at())) {
        latest.put(key, p);
      }
    }
    List<Assurance.Proof> sorted = latest.values().stream()
        .sorted(Comparator.comparing(Assurance.Proof::at)).toList();
    return new Assurance(user, sorted, mac(encode(user, sorted)));
  }

  /** A sign-in's record: the password at {@code passwordAt} and whatever else proved the user. */
  Assurance signIn(UserRef user, Optional<Instant> passwordAt, List<Assurance.Proof> others) {
    List<Assurance.Proof> proofs = new ArrayList<>();
    passwordAt.ifPresent(t -> proofs.add(password(t)));
    proofs.addAll(others);
    return make(user, Optional.empty(), proofs);
  }

  static Assurance.Proof password(Instant at) {
    return new Assurance.Proof(Assurance.Type.PASSWORD, Optional.empty(), false, at);
  }

  static Assurance.Proof factor(FactorKind kind, boolean userVerified, Instant at) {
    return new Assurance.Proof(Assurance.Type.FACTOR, Optional.of(kind),
        userVerified && kind.equals(FactorKind.PASSKEY), at);
  }

  static Assurance.Proof rememberedDevice(Instant at) {
    return new Assurance.Proof(Assurance.Type.REMEMBERED_DEVICE, Optional.empty(), false, at);
  }

  /** Whether the record was made by an engine with this secret key, unchanged. */
  boolean valid(Assurance a) {
    byte[] expected = mac(encode(a.user(), a.proofs())).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, a.mac().getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads a {@link Assurance#token()}; empty if malformed or its MAC does not check. */
  Optional<Assurance> restore(String token) {
    if (token == null || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    int dot = token.lastIndexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String text = token.substring(0, dot);
    String mac = token.substring(dot + 1);
    if (!MessageDigest.isEqual(mac(text).getBytes(StandardCharsets.US_ASCII),
        mac.getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(text, mac));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private String mac(String text) {
    return Tokens.base64Url(engine.config.protector.mac(PURPOSE,
        text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * {@code v1&practice&user&audience&admin&proof...}, each part URL-encoded; a proof is {@code
   * type:kind:uv:epochSecond:nano}. The result is base64url, so it holds no dot.
   */
  static String encode(UserRef user, List<Assurance.Proof> proofs) {
    StringBuilder sb = new StringBuilder("v1");
    for (String part : List.of(user.practice().value(), user.user().value(),
        user.audience().name(), Boolean.toString(user.admin()))) {
      sb.append('&').append(URLEncoder.encode(part, StandardCharsets.UTF_8));
    }
    for (Assurance.Proof p : proofs) {
      sb.append('&').append(URLEncoder.encode(p.type().name() + ":"
          + p.kind().map(FactorKind::id).orElse("") + ":" + p.userVerified() + ":"
          + p.at().getEpochSecond() + ":" + p.at().getNano(), StandardCharsets.UTF_8));
    }
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Assurance decode(String text, String mac) {
    String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
    String[] parts = plain.split("&", -1);
    if (parts.length < 6 || !parts[0].equals("v1")) {
      throw new IllegalArgumentException("not an assurance token");
    }
    UserRef user = new UserRef(PracticeId.of(dec(parts[1])), UserId.of(dec(parts[2])),
        Audience.valueOf(dec(parts[3])), Boolean.parseBoolean(dec(parts[4])));
    List<Assurance.Proof> proofs = new ArrayList<>();
    for (int i = 5; i < parts.length; i++) {
      String[] f = dec(parts[i]).split(":", -1);
      if (f.length != 5) {
        throw new IllegalArgumentException("malformed proof");
      }
      proofs.add(new Assurance.Proof(Assurance.Type.valueOf(f[0]),
          f[1].isEmpty() ? Optional.empty() : Optional.of(FactorKind.of(f[1])),
          Boolean.parseBoolean(f[2]),
          Instant.ofEpochSecond(Long.parseLong(f[3]), Long.parseLong(f[4]))));
    }
    return new Assurance(user, proofs, mac);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
