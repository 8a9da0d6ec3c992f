package dev.mfa4j;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What proved a user, and when: the assurance record of a sign-in ({@link
 * LoginStep.Authenticated#assurance()}) or of a step-up ({@link StepUpFlow}). Keep it in the
 * server-side session beside the user; pass it to {@link AccountSecurity#confirmedBy} and {@link
 * Administration#confirmedBy} so that changes that weaken security can rely on a recent proof
 * instead of asking again, and to {@link StepUpFlow#isFresh} before a sensitive action of the
 * host's own (opening a client's chart export, say).
 *
 * <p>Only the engine makes these: each carries a MAC (the engine's {@link
 * dev.mfa4j.spi.SecretProtector#mac}) over its facts, checked whenever it is used, so a record
 * altered or assembled by hand (a session deserialized from somewhere it should not be, a
 * proof's time moved) is refused. {@link #token()} is its compact form for sessions kept
 * outside the JVM; {@link StepUpFlow#restore} reads it back.
 *
 * <p>The level follows NIST SP 800-63B-4: {@link Level#AAL2} for a password with any second
 * factor, or for a passkey that verified the person (a multi-factor cryptographic
 * authenticator); {@link Level#AAL1} for a password alone, a password with a remembered browser
 * (the browser's cookie is not an authenticator), or a passkey without user verification.
 */
public final class Assurance implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Authenticator assurance level (NIST SP 800-63B-4 §2). */
  public enum Level {
    /** One factor. */
    AAL1,
    /** Two factors, or one multi-factor authenticator. */
    AAL2
  }

  /** What a proof was. */
  public enum Type {
    /** The user's password (checked by the host or the engine). */
    PASSWORD,
    /** A second factor of {@link Proof#kind()}; for a passkey see {@link Proof#userVerified()}. */
    FACTOR,
    /** A remembered browser skipped the second step. */
    REMEMBERED_DEVICE
  }

  /**
   * One proof.
   *
   * @param type what it was
   * @param kind the factor's kind, for {@link Type#FACTOR} (backup codes are {@link
   *     FactorKind#BACKUP_CODE}); empty otherwise
   * @param userVerified for a passkey, whether the authenticator verified the person (PIN,
   *     biometrics); false for everything else
   * @param at when, by the engine's clock
   */
  public record Proof(Type type, Optional<FactorKind> kind, boolean userVerified, Instant at)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks for nulls; a factor proof needs its kind, other proofs have none. */
    public Proof {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(at, "at");
      if ((type == Type.FACTOR) != kind.isPresent()) {
        throw new IllegalArgumentException("a factor proof, and only one, names its kind");
      }
      if (userVerified && !kind.equals(Optional.of(FactorKind.PASSKEY))) {
        throw new IllegalArgumentException("only a passkey verifies the user");
      }
    }

    /** Whether this proof alone is two factors: a passkey that verified the person. */
    public boolean multiFactor() {
      return userVerified;
    }
  }

  private final UserRef user;
  private final List<Proof> proofs;
  private final String mac;

  Assurance(UserRef user, List<Proof> proofs, String mac) {
    this.user = Objects.requireNonNull(user, "user");
    this.proofs = List.copyOf(proofs);
    this.mac = Objects.requireNonNull(mac, "mac");
    if (this.proofs.isEmpty()) {
      throw new IllegalArgumentException("an assurance record needs a proof");
    }
  }

  /** The user proven. */
  public UserRef user() {
    return user;
  }

  /** The proofs, oldest first; at most one of each type and kind (the latest). */
  public List<Proof> proofs() {
    return proofs;
  }

  /** The resulting level. */
  public Level level() {
    return levelOf(proofs);
  }

  /** When the most recent proof was made. */
  public Instant lastProof() {
    return proofs.stream().map(Proof::at).max(Comparator.naturalOrder()).orElseThrow();
  }

  /**
   * When the user last proved a second factor or used a passkey that verified them (a step-up
   * counts); empty if never in this record.
   */
  public Optional<Instant> secondFactorAt() {
    return proofs.stream().filter(p -> p.type() == Type.FACTOR).map(Proof::at)
        .max(Comparator.naturalOrder());
  }

  /** When the user last gave their password in this record; empty if never. */
  public Optional<Instant> passwordAt() {
    return proofs.stream().filter(p -> p.type() == Type.PASSWORD).map(Proof::at)
        .max(Comparator.naturalOrder());
  }

  /**
   * Whether a second factor was proven within {@code maxAge} of {@code now}, at AAL2. The engine's
   * own check ({@link StepUpFlow#isFresh}) also verifies the record's MAC; this one does not.
   */
  public boolean secondFactorWithin(Duration maxAge, Instant now) {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(now, "now");
    return level() == Level.AAL2 && secondFactorAt()
        .filter(t -> !t.isBefore(now.minus(maxAge)) && !t.isAfter(now)).isPresent();
  }

  /**
   * The compact, MAC-protected form for a session kept outside the JVM (a cookie-less store, a
   * cache): {@link StepUpFlow#restore} reads it back. Not a secret, but a bearer of nothing
   * either: it grants only what the session that holds it already has.
   */
  public String token() {
    return Assurances.encode(user, proofs) + "." + mac;
  }

  String mac() {
    return mac;
  }

  static Level levelOf(List<Proof> proofs) {
    boolean password = proofs.stream().anyMatch(p -> p.type() == Type.PASSWORD);
    boolean factor = proofs.stream().anyMatch(p -> p.type() == Type.FACTOR);
    boolean multi = proofs.stream().anyMatch(Proof::multiFactor);
    return multi || (password && factor) ? Level.AAL2 : Level.AAL1;
  }

  /** No token, no MAC: the level and when it was proven. */
  @Override
  public String toString() {
    return "Assurance[" + level() + ", " + proofs.size() + " proofs, last " + lastProof() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Assurance a && a.user.equals(user) && a.proofs.equals(proofs)
        && a.mac.equals(mac);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, proofs, mac);
  }
}
