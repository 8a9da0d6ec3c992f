package dev.mfa4j.spring.security;

import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorKind;
import dev.mfa4j.sms.PhoneEnrollment;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.webauthn.PasskeyEnrollment;
import dev.mfa4j.webauthn.PasskeyFactor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a page shows while a factor is being added, read through each provider's documented type.
 * The passkey and phone types live in optional jars, so each is read by a class of its own that is
 * loaded only when that kind is enrolled.
 */
final class EnrollmentViews {
  private EnrollmentViews() {}

  static Map<String, String> details(EnrollmentStart start) {
    String kind = start.kind().id();
    if (kind.equals(FactorKind.TOTP.id())) {
      TotpEnrollment t = start.details(TotpEnrollment.class);
      Map<String, String> d = new LinkedHashMap<>();
      d.put("key", t.groupedKey());
      d.put("uri", t.otpauthUri());
      d.put("qr", t.qrDataUri());
      d.put("issuer", t.issuer());
      d.put("account", t.account());
      return d;
    }
    if (kind.equals(FactorKind.PASSKEY.id())) {
      return Passkeys.details(start);
    }
    if (kind.equals(FactorKind.PHONE.id())) {
      return Phones.details(start);
    }
    return Map.of();
  }

  static Map<String, String> passkeyParameters(String name) {
    return Passkeys.parameters(name);
  }

  static String defaultLabel(FactorKind kind) {
    if (kind.equals(FactorKind.TOTP)) {
      return "Authenticator app";
    }
    if (kind.equals(FactorKind.PASSKEY)) {
      return "Passkey";
    }
    if (kind.equals(FactorKind.PHONE)) {
      return "Phone";
    }
    return kind.id();
  }

  /** mfa-webauthn's types. */
  static final class Passkeys {
    private Passkeys() {}

    static Map<String, String> details(EnrollmentStart start) {
      return Map.of("creationOptions",
          start.details(PasskeyEnrollment.class).creationOptionsJson());
    }

    static Map<String, String> parameters(String name) {
      return Map.of(PasskeyFactor.PARAM_USER_NAME, name, PasskeyFactor.PARAM_DISPLAY_NAME, name);
    }
  }

  /** mfa-sms-spi's types. */
  static final class Phones {
    private Phones() {}

    static Map<String, String> details(EnrollmentStart start) {
      PhoneEnrollment p = start.details(PhoneEnrollment.class);
      Map<String, String> d = new LinkedHashMap<>();
      d.put("destination", p.maskedNumber());
      d.put("channel", p.channel().name());
      d.put("expiresAt", p.codeExpiresAt().toString());
      d.put("riskNotice", p.riskNotice());
      return d;
    }
  }
}
