package dev.mfa4j;

/**
 * How backup codes are hashed at rest: Argon2id (Bouncy Castle) with a 16-byte random salt per
 * code, in the PHC string format. Backup codes carry 80 bits, below NIST's 112-bit line, so a
 * salted, cost-factor hash is required (NIST SP 800-63B-4 §3.1.2.2).
 */
public final class BackupCodeHasher {
  final int memoryKiB;
  final int iterations;
  final int parallelism;

  private BackupCodeHasher(int memoryKiB, int iterations, int parallelism) {
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** OWASP's Argon2id minimum: m = 19 MiB, t = 2, p = 1. The default. */
  public static BackupCodeHasher owasp() {
    return new BackupCodeHasher(19 * 1024, 2, 1);
  }

  /**
   * Other parameters. Lower ones than {@link #owasp()} are for tests only.
   *
   * @throws IllegalArgumentException if memory is below 8 KiB per lane, or t or p below 1
   */
  public static BackupCodeHasher argon2id(int memoryKiB, int iterations, int parallelism) {
    if (iterations < 1 || parallelism < 1 || memoryKiB < 8 * parallelism) {
      throw new IllegalArgumentException("invalid Argon2id parameters");
    }
    return new BackupCodeHasher(memoryKiB, iterations, parallelism);
  }

  @Override
  public String toString() {
    return "BackupCodeHasher[argon2id m=" + memoryKiB + " t=" + iterations + " p=" + parallelism
        + "]";
  }
}
