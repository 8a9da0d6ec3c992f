package dev.mfa4j.sms;

import dev.mfa4j.FactorId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.NotificationType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A provider's view of an engine, for unit tests before and besides the real engine: one
 * ceremony's state, atomic counters and factor counters, a real HMAC, a toy (but binding) seal,
 * and recorded audit events and notices.
 */
final class FakeFactorContext implements FactorContext {
  record Audited(AuditType type, AuditOutcome outcome, Map<String, String> details) {}

  record Notified(NotificationType type, Map<String, String> details) {}

  /** Fixed-window counters with the CounterStore contract. */
  static final class Counters implements CounterStore {
    private final Map<String, long[]> windows = new HashMap<>();
    int increments;

    @Override
    public synchronized long increment(String key, Instant now, Instant windowEnd) {
      increments++;
      long[] w = windows.get(key);
      if (w == null || w[1] <= now.toEpochMilli()) {
        windows.put(key, new long[] {1, windowEnd.toEpochMilli()});
        return 1;
      }
      return ++w[0];
    }

    @Override
    public synchronized long get(String key, Instant now) {
      long[] w = windows.get(key);
      return w == null || w[1] <= now.toEpochMilli() ? 0 : w[0];
    }

    synchronized List<String> keys() {
      return new ArrayList<>(windows.keySet());
    }
  }

  UserRef user;
  PracticePolicy policy;
  final Clock clock;
  SecureRandom random;
  final Counters counters;
  final Map<String, Long> factorCounters;
  Map<String, String> state = new ConcurrentHashMap<>();
  final List<FactorRecord> factors = new CopyOnWriteArrayList<>();
  final List<Audited> audits = new CopyOnWriteArrayList<>();
  final List<Notified> notices = new CopyOnWriteArrayList<>();

  FakeFactorContext(UserRef user, PracticePolicy policy, Clock clock) {
    this(user, policy, clock, new Counters(), new ConcurrentHashMap<>());
  }

  private FakeFactorContext(UserRef user, PracticePolicy policy, Clock clock, Counters counters,
      Map<String, Long> factorCounters) {
    this.user = user;
    this.policy = policy;
    this.clock = clock;
    this.random = new SecureRandom();
    this.counters = counters;
    this.factorCounters = factorCounters;
  }

  /** A new ceremony (empty state) for another user, sharing the store's counters. */
  FakeFactorContext forUser(UserRef other) {
    FakeFactorContext c = new FakeFactorContext(other, policy, clock, counters, factorCounters);
    return c;
  }

  /** Starts a new ceremony for the same user: state is cleared, everything else kept. */
  void newCeremony() {
    state = new ConcurrentHashMap<>();
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
    return clock;
  }

  @Override
  public SecureRandom random() {
    return random;
  }

  @Override
  public byte[] seal(FactorRecord factor, byte[] plaintext) {
    byte[] ad = ad(factor);
    byte[] out = new byte[ad.length + 1 + plaintext.length];
    System.arraycopy(ad, 0, out, 0, ad.length);
    out[ad.length] = 0;
    for (int i = 0; i < plaintext.length; i++) {
      out[ad.length + 1 + i] = (byte) (plaintext[i] ^ 0x5A);
    }
    return out;
  }

  @Override
  public byte[] open(FactorRecord factor) {
    byte[] sealed = factor.sealedSecret();
    byte[] ad = ad(factor);
    if (sealed.length <= ad.length || !Arrays.equals(Arrays.copyOf(sealed, ad.length), ad)) {
      throw new dev.mfa4j.SecretProtectionException("bound to another factor");
    }
    byte[] out = new byte[sealed.length - ad.length - 1];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (sealed[ad.length + 1 + i] ^ 0x5A);
    }
    return out;
  }

  private static byte[] ad(FactorRecord f) {
    return (f.practice().value() + "/" + f.user().value() + "/" + f.id().value() + "/"
        + f.kind().id()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] mac(String purpose, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(("test-key/" + purpose).getBytes(StandardCharsets.UTF_8),
          "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean advanceCounter(FactorRecord factor, long newCounter) {
    boolean[] won = {false};
    factorCounters.compute(factor.id().value(), (k, v) -> {
      long current = v == null ? factor.counter() : v;
      if (newCounter > current) {
        won[0] = true;
        return newCounter;
      }
      return current;
    });
    return won[0];
  }

  long counterOf(FactorId id) {
    return factorCounters.getOrDefault(id.value(), 0L);
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
    return List.copyOf(factors);
  }

    @Override
  public boolean lookupKeyTaken(String lookupKey) {
    return false;
  }

  @Override
  public CounterStore counters() {
    return counters;
  }

  @Override
  public void audit(AuditType type, AuditOutcome outcome, Map<String, String> details) {
    audits.add(new Audited(type, outcome, Map.copyOf(details)));
  }

  @Override
  public void notifyUser(NotificationType type, Map<String, String> details) {
    notices.add(new Notified(type, Map.copyOf(details)));
  }
}
