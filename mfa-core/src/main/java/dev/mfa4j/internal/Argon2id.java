package dev.mfa4j.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) through Bouncy Castle, in the PHC string format {@code
 * $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>} (base64 without padding).
 * Internal: not part of the public API.
 */
public final class Argon2id {
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final int HASH_BYTES = 32;
  private static final int SALT_BYTES = 16;
  private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
  private static final int MAX_ITERATIONS = 64;
  private static final int MAX_LANES = 16;

  /**
   * Parameters of a hash.
   *
   * @param memoryKiB memory in KiB
   * @param iterations passes
   * @param parallelism lanes
   */
  public record Params(int memoryKiB, int iterations, int parallelism) {
    /** Validates the ranges this class accepts. */
    public Params {
      if (iterations < 1 || iterations > MAX_ITERATIONS || parallelism < 1
          || parallelism > MAX_LANES || memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException("Argon2id parameters out of range");
      }
    }

    /** Whether these are at least as strong as {@code other} in every dimension. */
    public boolean atLeast(Params other) {
      return memoryKiB >= other.memoryKiB && iterations >= other.iterations
          && parallelism >= other.parallelism;
    }
  }

  private Argon2id() {}

  /** Hashes {@code secret} with a fresh salt; returns the PHC string. */
  public static String hash(byte[] secret, Params params, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] out = derive(secret, salt, params, HASH_BYTES);
    return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p="
        + params.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Hashes the UTF-8 bytes of {@code secret}. */
  public static String hash(String secret, Params params, SecureRandom random) {
    return hash(secret.getBytes(StandardCharsets.UTF_8), params, random);
  }

  /**
   * Whether {@code secret} matches the PHC string, compared in constant time. A malformed PHC
   * string never matches.
   */
  public static boolean verify(byte[] secret, String phc) {
    Parsed p = parse(phc);
    if (p == null) {
      return false;
    }
    byte[] out = derive(secret, p.salt, p.params, p.hash.length);
    return MessageDigest.isEqual(out, p.hash);
  }

  /** Verifies the UTF-8 bytes of {@code secret}. */
  public static boolean verify(String secret, String phc) {
    return verify(secret.getBytes(StandardCharsets.UTF_8), phc);
  }

  /** The parameters of a PHC string, or null if it is not one this class reads. */
  public static Params paramsOf(String phc) {
    Parsed p = parse(phc);
    return p == null ? null : p.params;
  }

  private record Parsed(Params params, byte[] salt, byte[] hash) {}

  private static Parsed parse(String phc) {
    if (phc == null || phc.length() > 512) {
      return null;
    }
    String[] parts = phc.split("\\$", -1);
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id")
        || !parts[2].equals("v=19")) {
      return null;
    }
    try {
      int m = -1;
      int t = -1;
      int p = -1;
      for (String kv : parts[3].split(",", -1)) {
        if (kv.startsWith("m=")) {
          m = Integer.parseInt(kv.substring(2));
        } else if (kv.startsWith("t=")) {
          t = Integer.parseInt(kv.substring(2));
        } else if (kv.startsWith("p=")) {
          p = Integer.parseInt(kv.substring(2));
        } else {
          return null;
        }
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] hash = B64D.decode(parts[5]);
      if (salt.length < 8 || hash.length < 16 || hash.length > 64) {
        return null;
      }
      return new Parsed(new Params(m, t, p), salt, hash);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] derive(byte[] secret, byte[] salt, Params params, int length) {
    Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(params.memoryKiB())
        .withIterations(params.iterations())
        .withParallelism(params.parallelism())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(p);
    byte[] out = new byte[length];
    gen.generateBytes(secret, out);
    return out;
  }
}
