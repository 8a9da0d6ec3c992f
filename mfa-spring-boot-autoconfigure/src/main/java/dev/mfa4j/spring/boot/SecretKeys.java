package dev.mfa4j.spring.boot;

import dev.mfa4j.AesGcmSecretProtector;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the secret protector from {@code mfa4j.secret.*}, or refuses to. */
final class SecretKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SecretKeys.class);

  static final String MISSING = "mfa4j: no secret key is configured. Factor secrets are sealed"
      + " with AES-256-GCM and need a key: set mfa4j.secret.keys.<id>=<base64 of 32 random bytes>"
      + " (environment: MFA4J_SECRET_KEYS_<ID>) and mfa4j.secret.current=<id>, e.g. a key made"
      + " with `openssl rand -base64 32`. For development only, mfa4j.dev-mode=true starts with an"
      + " ephemeral key.";

  private SecretKeys() {}

  static AesGcmSecretProtector protector(Mfa4jProperties.Secret secret, boolean devMode,
      SecureRandom random) {
    Map<String, String> keys = secret.getKeys();
    if (keys.isEmpty()) {
      if (!devMode) {
        throw new IllegalStateException(MISSING);
      }
      byte[] key = new byte[32];
      random.nextBytes(key);
      LOG.warn("*** mfa4j DEV MODE: no mfa4j.secret.keys configured; using an EPHEMERAL key."
          + " Every factor secret sealed now is unreadable after a restart. Never run like this"
          + " in production. ***");
      return AesGcmSecretProtector.fromKey("dev-ephemeral", key);
    }
    AesGcmSecretProtector.Builder b = AesGcmSecretProtector.builder();
    for (Map.Entry<String, String> k : keys.entrySet()) {
      b.key(k.getKey(), decode(k.getKey(), k.getValue()));
    }
    if (secret.getCurrent() != null) {
      if (!keys.containsKey(secret.getCurrent())) {
        throw new IllegalStateException("mfa4j: mfa4j.secret.current=" + secret.getCurrent()
            + " names no key of mfa4j.secret.keys (ids: " + keys.keySet() + ")");
      }
      b.current(secret.getCurrent());
    } else if (keys.size() > 1) {
      throw new IllegalStateException("mfa4j: mfa4j.secret.keys holds " + keys.size()
          + " keys; set mfa4j.secret.current to the id of the one that seals new secrets");
    }
    if (secret.getMacKey() != null) {
      b.macKey(secret.getMacKey());
    }
    return b.build();
  }

  private static byte[] decode(String id, String value) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("mfa4j: mfa4j.secret.keys." + id + " is not base64", e);
    }
    if (key.length != 32) {
      throw new IllegalStateException("mfa4j: mfa4j.secret.keys." + id + " decodes to "
          + key.length + " bytes; AES-256 keys are 32 bytes (openssl rand -base64 32)");
    }
    return key;
  }
}
