package dev.mfa4j.spi;

import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine lends a provider for one call: who is acting, the policy, the clock and random
 * source, the factor's sealed storage, and the current ceremony's state. Valid only during the
 * call.
 */
public interface FactorContext {
  /** The user the ceremony belongs to. */
  UserRef user();

  /** The HTTP request behind the call. */
  RequestContext request();

  /** The user's practice policy. */
  PracticePolicy policy();

  /** The engine's clock: the only source of "now". */
  Clock clock();

  /** The engine's random source. */
  SecureRandom random();

  /** Encrypts a factor secret bound to this user and {@code factor}'s id and kind. */
  byte[] seal(FactorRecord factor, byte[] plaintext);

  /** Decrypts {@code factor}'s sealed secret. */
  byte[] open(FactorRecord factor);

  /** A keyed hash for codes and phone numbers (see {@link SecretProtector#mac}). */
  byte[] mac(String purpose, byte[] data);

  /**
   * Records a successful use of {@code factor} with a monotonic counter (see {@link
   * FactorStore#recordUse}); returns false on replay or a lost race. {@code factor} is the
   * ceremony's factor or another of the user's factors of the same kind (the one that answered a
   * prompt covering several, see {@link Verification#updated}).
   *
   * @throws IllegalArgumentException for another user's factor or another kind
   */
  boolean advanceCounter(FactorRecord factor, long newCounter);

  /** Sets this ceremony's state for the provider under {@code key} (replaces). */
  void putState(String key, String value);

  /** This ceremony's state under {@code key}. */
  Optional<String> state(String key);

  /**
   * The user's factors of this provider's kind, in any state, as stored now (the ceremony's own
   * factor included once it is stored; filter it out by id where only the others matter).
   */
  List<FactorRecord> factorsOfKind();

  /**
   * Whether a stored factor of this provider's kind, other than the one this call is about, holds
   * {@code lookupKey} ({@link FactorRecord#lookupKey}), for any user of any practice. A yes or no
   * only: a provider learns that a key is taken (for a passkey, that a credential id is registered
   * already, refused by WebAuthn §7.1 step 26) without reading anyone else's factors, and it never
   * reaches the store itself.
   *
   * @param lookupKey the key as the provider would store it
   */
  boolean lookupKeyTaken(String lookupKey);

  /** The throttle counters. */
  CounterStore counters();

  /** Writes an audit event about this user (and sends it to listeners). */
  void audit(AuditType type, AuditOutcome outcome, Map<String, String> details);

  /** Tells the host's security listener. */
  void notifyUser(NotificationType type, Map<String, String> details);
}
