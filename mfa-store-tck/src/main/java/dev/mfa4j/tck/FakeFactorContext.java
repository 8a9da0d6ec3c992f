package dev.mfa4j.tck;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.SecretProtectionException;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the engine lends a {@link dev.mfa4j.spi.FactorProvider}, faked for unit tests of one
 * provider without the engine: one ceremony's state, stored factors, fixed-window throttle
 * counters, factor counters with the store's compare-and-set rule, a real HMAC, a toy (but
 * binding) seal, and the audit events and notices the provider sent.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
 * FakeFactorContext ctx = FakeFactorContext.of(UserRef.staff("p1", "alice"), FactorKind.PHONE, clock);
 * Enrollment e = provider.begin(ctx, ctx.pending("Phone"), Map.of("phone", "+447700900123"));
 * FakeFactorContext signIn = ctx.newCeremony();      // a new challenge: empty state
 * FakeFactorContext bob = ctx.forUser(UserRef.staff("p1", "bob"));
 * }</pre>
 *
 * <p>Contexts made from one another by {@link #newCeremony} and {@link #forUser} share one "store":
 * the stored factors ({@link #store}), the throttle and factor counters, the audit events and the
 * notices. Each has its own ceremony state. Not a security boundary: the seal only binds a secret
 * to its factor (as {@link dev.mfa4j.spi.SecretProtector} does) and hides nothing.
 */
public final class FakeFactorContext implements FactorContext {
  /** An audit event a provider wrote. */
  public record Audited(AuditType type, AuditOutcome outcome, Map<String, String> details) {}

  /** A notice a provider sent to the user. */
  public record Notified(NotificationType type, Map<String, String> details) {}

  /** What the contexts made from one another share. */
  private static final class Shared {
    final Map<String, FactorRecord> records = new LinkedHashMap<>();
    final Map<String, Long> unstoredCounters = new HashMap<>();
    final Map<String, long[]> windows = new HashMap<>();
    final List<Audited> audits = new CopyOnWriteArrayList<>();
    final List<Notified> notices = new CopyOnWriteArrayList<>();
    final AtomicInteger opens = new AtomicInteger();
    int increments;
    volatile boolean loseRaces;
  }

  private final Shared shared;
  private final UserRef user;
  private final FactorKind kind;
  private final Clock clock;
  private final Map<String, String> state = new ConcurrentHashMap<>();
  private volatile PracticePolicy policy;
  private volatile SecureRandom random;
  private volatile RequestContext request;
  private volatile boolean advanced;

  private FakeFactorContext(Shared shared, UserRef user, FactorKind kind, Clock clock,
      PracticePolicy policy, SecureRandom random, RequestContext request) {
    this.shared = shared;
    this.user = Objects.requireNonNull(user, "user");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = policy;
    this.random = random;
    this.request = request;
  }

  /**
   * A context for {@code user} and a provider of {@code kind}, with the default policy, a new
   * {@link SecureRandom} and a request from {@code 127.0.0.1}.
   *
   * @param clock the only "now" the provider sees; a {@link MutableClock} lets a test move it
   */
  public static FakeFactorContext of(UserRef user, FactorKind kind, Clock clock) {
    return new FakeFactorContext(new Shared(), user, kind, clock, PracticePolicy.defaults(),
        new SecureRandom(), RequestContext.of("127.0.0.1", "test"));
  }

  /** A new ceremony of the same user (empty state), sharing the store. */
  public FakeFactorContext newCeremony() {
    return forUser(user);
  }

  /** A new ceremony of {@code other} (empty state), sharing the store, policy and random. */
  public FakeFactorContext forUser(UserRef other) {
    return new FakeFactorContext(shared, other, kind, clock, policy, random, request);
  }

  // ------------------------------------------------------------------ test controls

  /** Sets the policy this context reports. */
  public FakeFactorContext policy(PracticePolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** Sets the random source this context lends. */
  public FakeFactorContext random(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** Sets the request this context reports. */
  public FakeFactorContext request(RequestContext request) {
    this.request = Objects.requireNonNull(request, "request");
    return this;
  }

  /** When true, every {@link #advanceCounter} loses its race (returns false). */
  public FakeFactorContext loseRaces(boolean lose) {
    shared.loseRaces = lose;
    return this;
  }

  /** A new {@code PENDING} record of this context's user and kind, as the engine makes one. */
  public FactorRecord pending(String label) {
    return new FactorRecord(FactorId.random(random), user.practice(), user.user(), kind, label,
        FactorState.PENDING, clock.instant(), Optional.empty(), 0, 0, Optional.empty(),
        new byte[0], Map.of());
  }

  /** Stores {@code record} (replacing one with its id), as the engine would after a step. */
  public void store(FactorRecord record) {
    Objects.requireNonNull(record, "record");
    synchronized (shared) {
      shared.records.put(record.id().value(), record);
    }
  }

  /**
   * The stored record with {@code id}.
   *
   * @throws java.util.NoSuchElementException if none is stored
   */
  public FactorRecord stored(FactorId id) {
    synchronized (shared) {
      return Optional.ofNullable(shared.records.get(id.value())).orElseThrow();
    }
  }

  /** A copy of every stored record, of every user, by factor id. */
  public Map<String, FactorRecord> records() {
    synchronized (shared) {
      return Map.copyOf(shared.records);
    }
  }

  /**
   * Records a use of {@code factor} without a counter (its last use becomes now), as the engine
   * does after an accepted answer that advanced no counter.
   */
  public void recordUse(FactorRecord factor) {
    synchronized (shared) {
      FactorRecord stored = shared.records.get(factor.id().value());
      if (stored != null) {
        shared.records.put(stored.id().value(), used(stored, stored.counter()));
      }
    }
  }

  /** Whether {@link #advanceCounter} succeeded on this context. */
  public boolean advanced() {
    return advanced;
  }

  /** {@code id}'s counter: the stored record's, else what advanceCounter left, else 0. */
  public long counter(FactorId id) {
    synchronized (shared) {
      FactorRecord stored = shared.records.get(id.value());
      return stored != null ? stored.counter()
          : shared.unstoredCounters.getOrDefault(id.value(), 0L);
    }
  }

  /** This ceremony's state, live: a test may read, copy, change or restore it. */
  public Map<String, String> ceremonyState() {
    return state;
  }

  /** The audit events written through any context of this store, oldest first. */
  public List<Audited> audits() {
    return List.copyOf(shared.audits);
  }

  /** The notices sent through any context of this store, oldest first. */
  public List<Notified> notices() {
    return List.copyOf(shared.notices);
  }

  /** How many times {@link CounterStore#increment} was called. */
  public int counterIncrements() {
    synchronized (shared) {
      return shared.increments;
    }
  }

  /** The throttle counter keys used so far. */
  public List<String> counterKeys() {
    synchronized (shared) {
      return new ArrayList<>(shared.windows.keySet());
    }
  }

  /** How many times {@link #open} was called. */
  public int opens() {
    return shared.opens.get();
  }

  // ------------------------------------------------------------------ FactorContext

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
    return clock;
  }

  @Override
  public SecureRandom random() {
    return random;
  }

  /** A reversible toy seal that names the factor, so opening it as another factor fails. */
  @Override
  public byte[] seal(FactorRecord factor, byte[] plaintext) {
    byte[] ad = associatedData(factor);
    byte[] out = new byte[ad.length + 1 + plaintext.length];
    System.arraycopy(ad, 0, out, 0, ad.length);
    for (int i = 0; i < plaintext.length; i++) {
      out[ad.length + 1 + i] = (byte) (plaintext[i] ^ 0x5A);
    }
    return out;
  }

  /** @throws SecretProtectionException if the secret was sealed for another factor */
  @Override
  public byte[] open(FactorRecord factor) {
    shared.opens.incrementAndGet();
    byte[] sealed = factor.sealedSecret();
    byte[] ad = associatedData(factor);
    if (sealed.length <= ad.length || !Arrays.equals(Arrays.copyOf(sealed, ad.length), ad)
        || sealed[ad.length] != 0) {
      throw new SecretProtectionException("sealed for another factor");
    }
    byte[] out = new byte[sealed.length - ad.length - 1];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (sealed[ad.length + 1 + i] ^ 0x5A);
    }
    return out;
  }

  private static byte[] associatedData(FactorRecord f) {
    return (f.practice().value() + "/" + f.user().value() + "/" + f.id().value() + "/"
        + f.kind().id()).getBytes(StandardCharsets.UTF_8);
  }

  /** HMAC-SHA-256 under a fixed test key per purpose. */
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

  /**
   * The store's rule: the counter only goes up. A stored record is updated (counter and last
   * use); for a factor not stored, the fake remembers the counter, starting from the record's.
   *
   * @throws IllegalArgumentException for another user's factor, another kind or a negative
   *     counter, as the engine
   */
  @Override
  public boolean advanceCounter(FactorRecord factor, long newCounter) {
    if (!factor.practice().equals(user.practice()) || !factor.user().equals(user.user())
        || !factor.kind().equals(kind)) {
      throw new IllegalArgumentException("factor is not this user's factor of this kind");
    }
    if (newCounter < 0) {
      throw new IllegalArgumentException("counter must not be negative");
    }
    if (shared.loseRaces) {
      return false;
    }
    synchronized (shared) {
      String id = factor.id().value();
      FactorRecord stored = shared.records.get(id);
      if (stored != null) {
        if (newCounter <= stored.counter()) {
          return false;
        }
        shared.records.put(id, used(stored, newCounter));
      } else {
        if (newCounter <= shared.unstoredCounters.getOrDefault(id, factor.counter())) {
          return false;
        }
        shared.unstoredCounters.put(id, newCounter);
      }
    }
    advanced = true;
    return true;
  }

  private FactorRecord used(FactorRecord r, long counter) {
    return new FactorRecord(r.id(), r.practice(), r.user(), r.kind(), r.label(), r.state(),
        r.created(), Optional.of(clock.instant()), counter, r.failures(), r.lookupKey(),
        r.sealedSecret(), r.attributes());
  }

  @Override
  public void putState(String key, String value) {
    state.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  @Override
  public Optional<String> state(String key) {
    return Optional.ofNullable(state.get(key));
  }

  /** The stored records of this user and kind, in the order they were first stored. */
  @Override
  public List<FactorRecord> factorsOfKind() {
    synchronized (shared) {
      return shared.records.values().stream()
          .filter(r -> r.practice().equals(user.practice()) && r.user().equals(user.user())
              && r.kind().equals(kind))
          .toList();
    }
  }

  /** Whether any stored record of this kind, of any user, holds {@code lookupKey}. */
  @Override
  public boolean lookupKeyTaken(String lookupKey) {
    synchronized (shared) {
      return shared.records.values().stream().anyMatch(r -> r.kind().equals(kind)
          && r.lookupKey().equals(Optional.of(lookupKey)));
    }
  }

  /** Fixed-window counters with the {@link CounterStore} contract. */
  @Override
  public CounterStore counters() {
    return new CounterStore() {
      @Override
      public int purgeExpired(Instant before, int limit) {
        synchronized (shared) {
          List<String> ended = shared.windows.entrySet().stream()
              .filter(e -> e.getValue()[1] < before.toEpochMilli())
              .sorted(java.util.Comparator.comparingLong(e -> e.getValue()[1]))
              .limit(limit).map(java.util.Map.Entry::getKey).toList();
          ended.forEach(shared.windows::remove);
          return ended.size();
        }
      }

      @Override
      public long increment(String key, Instant now, Instant windowEnd) {
        synchronized (shared) {
          shared.increments++;
          long[] w = shared.windows.get(key);
          if (w == null || w[1] <= now.toEpochMilli()) {
            shared.windows.put(key, new long[] {1, windowEnd.toEpochMilli()});
            return 1;
          }
          return ++w[0];
        }
      }

      @Override
      public long get(String key, Instant now) {
        synchronized (shared) {
          long[] w = shared.windows.get(key);
          return w == null || w[1] <= now.toEpochMilli() ? 0 : w[0];
        }
      }
    };
  }

  @Override
  public void audit(AuditType type, AuditOutcome outcome, Map<String, String> details) {
    shared.audits.add(new Audited(type, outcome, Map.copyOf(details)));
  }

  @Override
  public void notifyUser(NotificationType type, Map<String, String> details) {
    shared.notices.add(new Notified(type, Map.copyOf(details)));
  }

  @Override
  public String toString() {
    return "FakeFactorContext[user=" + user.user().value() + ", kind=" + kind.id() + "]";
  }
}
