package dev.mfa4j;

import dev.mfa4j.internal.Argon2id;
import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.MfaStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Built-in backup codes. A code is 5 groups of 4 symbols from a 32-symbol alphabet ({@code 2-9}
 * and {@code A-Z} without {@code I} and {@code O}, so no 0/O or 1/I/L confusion is possible): the
 * first group is a non-secret lookup id, unique within the set; the other 16 symbols are the secret,
 * 80 bits. Only an Argon2id PHC string of the secret is stored, so one attempt costs exactly one
 * hash (the lookup id picks the row).
 */
final class BackupCodeBook {
  static final int SET_SIZE = 10;
  static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  static final int GROUP = 4;
  static final int GROUPS = 5;
  static final int SYMBOLS = GROUP * GROUPS;
  /** Secret bits per code: 16 symbols of 5 bits. */
  static final int SECRET_BITS = (SYMBOLS - GROUP) * 5;

  /** Why a typed code was not accepted. */
  enum Result { ACCEPTED, MALFORMED, INVALID, USED }

  private final MfaStore store;
  private final Argon2id.Params params;
  private final SecureRandom random;
  private volatile String dummyHash;

  BackupCodeBook(MfaStore store, BackupCodeHasher hasher, SecureRandom random) {
    this.store = store;
    this.params = new Argon2id.Params(hasher.memoryKiB, hasher.iterations, hasher.parallelism);
    this.random = random;
  }

  /** A hash of a random secret, made once when first needed, to spend on unknown lookup ids. */
  private String dummyHash() {
    String d = dummyHash;
    if (d == null) {
      d = Argon2id.hash(randomSymbols(SYMBOLS - GROUP), params, random);
      dummyHash = d;
    }
    return d;
  }

  /** Makes a new set, replaces the stored set atomically, returns the codes to show once. */
  BackupCodes issue(UserRef user, Instant now) {
    List<String> shown = new ArrayList<>(SET_SIZE);
    List<BackupCodeRecord> records = new ArrayList<>(SET_SIZE);
    Set<String> lookups = new HashSet<>();
    while (shown.size() < SET_SIZE) {
      String lookup = randomSymbols(GROUP);
      if (!lookups.add(lookup)) {
        continue;
      }
      String secret = randomSymbols(SYMBOLS - GROUP);
      records.add(new BackupCodeRecord(user.practice(), user.user(), lookup,
          Argon2id.hash(secret, params, random), now, Optional.empty()));
      StringBuilder sb = new StringBuilder(lookup);
      for (int i = 0; i < secret.length(); i += GROUP) {
        sb.append('-').append(secret, i, i + GROUP);
      }
      shown.add(sb.toString());
    }
    store.backupCodes().replaceAll(user.practice(), user.user(), records);
    return new BackupCodes(shown);
  }

  /**
   * A typed code checked, not yet spent.
   *
   * @param result whether it is right
   * @param lookup its lookup id (the first group), to spend it when ACCEPTED
   */
  record Checked(Result result, String lookup) {}

  /**
   * Checks a typed code without spending it (the answer's settlement spends it, conditionally).
   * Accepts lower case, dashes and spaces. A malformed code is refused without hashing; an
   * unknown lookup id costs one dummy hash, like a real one.
   */
  Checked check(UserRef user, String typed) {
    String canonical = canonical(typed);
    if (canonical == null) {
      return new Checked(Result.MALFORMED, "");
    }
    String lookup = canonical.substring(0, GROUP);
    String secret = canonical.substring(GROUP);
    Optional<BackupCodeRecord> rec = store.backupCodes().find(user.practice(), user.user(), lookup);
    if (rec.isEmpty()) {
      Argon2id.verify(secret, dummyHash());
      return new Checked(Result.INVALID, lookup);
    }
    if (!Argon2id.verify(secret, rec.get().hash())) {
      return new Checked(Result.INVALID, lookup);
    }
    return new Checked(rec.get().used().isPresent() ? Result.USED : Result.ACCEPTED, lookup);
  }

  /** The 20 symbols in upper case, or null if the input is not a well-formed code. */
  static String canonical(String typed) {
    if (typed == null || typed.length() > 64) {
      return null;
    }
    StringBuilder sb = new StringBuilder(SYMBOLS);
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      if (c == '-' || c == ' ') {
        continue;
      }
      if (c >= 'a' && c <= 'z') {
        c = (char) (c - 'a' + 'A');
      }
      if (ALPHABET.indexOf(c) < 0 || sb.length() == SYMBOLS) {
        return null;
      }
      sb.append(c);
    }
    return sb.length() == SYMBOLS ? sb.toString() : null;
  }

  private String randomSymbols(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(out);
  }
}
