package dev.mfa4j;

import java.util.List;
import java.util.Objects;

/**
 * A new set of backup codes, to show the user once. Never stored: the store keeps only salted
 * hashes. Does not print its codes.
 */
public final class BackupCodes {
  private final List<String> codes;

  BackupCodes(List<String> codes) {
    this.codes = List.copyOf(Objects.requireNonNull(codes, "codes"));
  }

  /** The codes, grouped for typing ({@code XXXX-XXXX-XXXX-XXXX-XXXX}). Show once. */
  public List<String> reveal() {
    return codes;
  }

  /** How many codes. */
  public int size() {
    return codes.size();
  }

  @Override
  public String toString() {
    return "BackupCodes[" + codes.size() + " codes, redacted]";
  }
}
