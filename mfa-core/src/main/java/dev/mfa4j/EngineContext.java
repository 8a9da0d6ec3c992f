package dev.mfa4j;

import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine lends a provider for one call about one factor within one ceremony. State keys
 * are scoped to (ceremony, factor), so a provider never reads state written for another factor.
 * Before the ceremony is stored (while enrollment begins) state is buffered and written with it.
 */
final class EngineContext implements FactorContext {
  private final Engine engine;
  private final UserRef user;
  private final RequestContext request;
  private final PracticePolicy policy;
  private final byte[] ceremony;
  private final FactorId factor;
  private final FactorKind kind;
  /** What state keys are scoped to: the factor, or the whole ceremony (passwordless). */
  private String scope;
  private Map<String, String> buffered;
  /** In an answer's unit: the ceremony's factor as read under the user's lock, else null. */
  private FactorRecord answering;
  /** Counters advanced in an answer's unit, written by its settlement. */
  private final Map<FactorId, Long> pending = new LinkedHashMap<>();

  EngineContext(Engine engine, UserRef user, RequestContext request, PracticePolicy policy,
      byte[] ceremony, FactorId factor, FactorKind kind, boolean buffer) {
    this.engine = engine;
    this.user = user;
    this.request = request;
    this.policy = policy;
    this.ceremony = ceremony.clone();
    this.factor = factor;
    this.kind = kind;
    this.scope = factor.value();
    this.buffered = buffer ? new LinkedHashMap<>() : null;
  }

  /**
   * Makes this context one of a passwordless ceremony: its state is the ceremony's, not a
   * factor's, since the factor that answers is known only after the prompt was made.
   */
  EngineContext passwordless() {
    this.scope = PASSWORDLESS_SCOPE;
    return this;
  }

  private static final String PASSWORDLESS_SCOPE = "mfa4j.passwordless";

  @Override
  public UserRef user() {
    return user;
  }

  @Override
  public RequestContext request() {
    return request;
  }

  @Override
  public PracticePolicy policy() {
    return policy;
  }

  @Override
  public Clock clock() {
    return engine.clock;
  }

  @Override
  public SecureRandom random() {
    return engine.random;
  }

  private void checkOwn(FactorRecord f) {
    Objects.requireNonNull(f, "factor");
    if (!f.practice().equals(user.practice()) || !f.user().equals(user.user())
        || !f.id().equals(factor) || !f.kind().equals(kind)) {
      throw new IllegalArgumentException("factor is not the one of this ceremony");
    }
  }

  /**
   * The ceremony's factor, or another of the user's active factors of this kind (the one that
   * answered a prompt covering several).
   */
  private void checkSameKind(FactorRecord f) {
    Objects.requireNonNull(f, "factor");
    if (!f.practice().equals(user.practice()) || !f.user().equals(user.user())
        || !f.kind().equals(kind)) {
      throw new IllegalArgumentException("factor is not this user's factor of this kind");
    }
    if (!f.id().equals(factor) && engine.store.factors().find(user.practice(), user.user(), f.id())
        .filter(g -> g.state() == FactorState.ACTIVE && g.kind().equals(kind))
        .isEmpty()) {
      throw new IllegalArgumentException("factor is not an active factor of this user");
    }
  }

  @Override
  public byte[] seal(FactorRecord f, byte[] plaintext) {
    checkOwn(f);
    Objects.requireNonNull(plaintext, "plaintext");
    return engine.config.protector.seal(plaintext, Engine.associatedData(f));
  }

  @Override
  public byte[] open(FactorRecord f) {
    checkOwn(f);
    return engine.config.protector.open(f.sealedSecret(), Engine.associatedData(f));
  }

  @Override
  public byte[] mac(String purpose, byte[] data) {
    return engine.config.protector.mac(Objects.requireNonNull(purpose, "purpose"),
        Objects.requireNonNull(data, "data"));
  }

  /**
   * Makes this context one of an answer's unit: counters are checked against what the unit read
   * under the user's lock and written later by the settlement, not at once.
   */
  EngineContext answering(FactorRecord read) {
    this.answering = read;
    return this;
  }

  /** The counter the provider advanced {@code id} to in this answer, or -1. */
  long pendingCounter(FactorId id) {
    return pending.getOrDefault(id, -1L);
  }

  @Override
  public boolean advanceCounter(FactorRecord f, long newCounter) {
    checkSameKind(f);
    if (newCounter < 0) {
      throw new IllegalArgumentException("counter must not be negative");
    }
    if (answering != null) {
      // Inside the answer's unit the user is locked: the stored counter cannot move under us.
      long stored = f.id().equals(answering.id()) ? answering.counter()
          : engine.store.factors().find(user.practice(), user.user(), f.id())
              .map(FactorRecord::counter).orElse(Long.MAX_VALUE);
      long floor = Math.max(stored, pending.getOrDefault(f.id(), -1L));
      if (newCounter <= floor) {
        return false;
      }
      pending.put(f.id(), newCounter);
      return true;
    }
    return engine.store.factors().recordUse(user.practice(), user.user(), f.id(), newCounter,
        engine.now());
  }

  private String scoped(String key) {
    Objects.requireNonNull(key, "key");
    return scope + "|" + key;
  }

  @Override
  public void putState(String key, String value) {
    Objects.requireNonNull(value, "value");
    if (buffered != null) {
      buffered.put(scoped(key), value);
    } else {
      engine.store.challenges().putState(ceremony, scoped(key), value);
    }
  }

  @Override
  public Optional<String> state(String key) {
    if (buffered != null) {
      return Optional.ofNullable(buffered.get(scoped(key)));
    }
    return engine.store.challenges().state(ceremony, scoped(key));
  }

  /**
   * Writes buffered state now that the ceremony is stored; later state goes straight through. A
   * unit retried after a store conflict (its first run rolled back) calls this again, and the
   * same buffered state is written again.
   */
  void flush() {
    if (buffered != null) {
      flushed = buffered;
      buffered = null;
    }
    if (flushed != null) {
      flushed.forEach((k, v) -> engine.store.challenges().putState(ceremony, k, v));
    }
  }

  /** The state {@link #flush} wrote, to write again if its unit runs again. */
  private Map<String, String> flushed;

  @Override
  public List<FactorRecord> factorsOfKind() {
    return engine.store.factors().list(user.practice(), user.user()).stream()
        .filter(f -> f.kind().equals(kind))
        .toList();
  }

  @Override
  public boolean lookupKeyTaken(String lookupKey) {
    Objects.requireNonNull(lookupKey, "lookupKey");
    return engine.store.factors().findByLookupKey(kind, lookupKey)
        .filter(f -> !(f.id().equals(factor) && f.practice().equals(user.practice())
            && f.user().equals(user.user())))
        .isPresent();
  }

  @Override
  public CounterStore counters() {
    return engine.store.counters();
  }

  @Override
  public void audit(AuditType type, AuditOutcome outcome, Map<String, String> details) {
    Map<String, String> d = new LinkedHashMap<>(details);
    d.putIfAbsent("factor", factor.value());
    d.putIfAbsent("kind", kind.id());
    engine.audit(user, Objects.requireNonNull(type, "type"),
        Objects.requireNonNull(outcome, "outcome"), request, d);
  }

  @Override
  public void notifyUser(NotificationType type, Map<String, String> details) {
    engine.notifyUser(Objects.requireNonNull(type, "type"), user, request, details);
  }

  @Override
  public String toString() {
    return "FactorContext[user=" + user.user().value() + ", factor=" + factor.value() + "]";
  }
}
