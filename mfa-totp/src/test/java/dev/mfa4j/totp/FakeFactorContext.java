package dev.mfa4j.totp;

import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.NotificationType;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A FactorContext for unit tests of the provider alone: a settable clock, a reversible "seal"
 * that is visibly not the plaintext, and a compare-and-set counter with the store's semantics
 * (advance only to a strictly higher value).
 */
final class FakeFactorContext implements FactorContext {
  Instant now;
  PracticePolicy policy = PracticePolicy.defaults();
  final UserRef user = UserRef.staff("p1", "u1");
  final AtomicLong counter = new AtomicLong(0);
  final AtomicInteger opens = new AtomicInteger();
  boolean loseRace;
  private final Map<String, String> state = new HashMap<>();

  FakeFactorContext(Instant now) {
    this.now = now;
  }

  @Override
  public UserRef user() {
    return user;
  }

  @Override
  public RequestContext request() {
    return RequestContext.of("127.0.0.1", "test");
  }

  @Override
  public PracticePolicy policy() {
    return policy;
  }

  @Override
  public Clock clock() {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  @Override
  public SecureRandom random() {
    return new SecureRandom();
  }

  @Override
  public byte[] seal(FactorRecord factor, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + 1];
    out[0] = 0x5A;
    for (int i = 0; i < plaintext.length; i++) {
      out[i + 1] = (byte) (plaintext[i] ^ 0xA5);
    }
    return out;
  }

  @Override
  public byte[] open(FactorRecord factor) {
    opens.incrementAndGet();
    byte[] sealed = factor.sealedSecret();
    if (sealed.length < 2 || sealed[0] != 0x5A) {
      throw new IllegalStateException("not sealed by this context");
    }
    byte[] out = new byte[sealed.length - 1];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (sealed[i + 1] ^ 0xA5);
    }
    return out;
  }

  @Override
  public byte[] mac(String purpose, byte[] data) {
    throw new UnsupportedOperationException("TOTP does not use mac()");
  }

  @Override
  public boolean advanceCounter(FactorRecord factor, long newCounter) {
    if (loseRace) {
      return false;
    }
    long cur;
    do {
      cur = counter.get();
      if (newCounter <= cur) {
        return false;
      }
    } while (!counter.compareAndSet(cur, newCounter));
    return true;
  }

  @Override
  public void putState(String key, String value) {
    state.put(key, value);
  }

  @Override
  public Optional<String> state(String key) {
    return Optional.ofNullable(state.get(key));
  }

  @Override
  public List<FactorRecord> factorsOfKind() {
    return List.of();
  }

    @Override
  public boolean lookupKeyTaken(String lookupKey) {
    return false;
  }

  @Override
  public CounterStore counters() {
    throw new UnsupportedOperationException("TOTP does not use counters()");
  }

  @Override
  public void audit(AuditType type, AuditOutcome outcome, Map<String, String> details) {}

  @Override
  public void notifyUser(NotificationType type, Map<String, String> details) {}
}
