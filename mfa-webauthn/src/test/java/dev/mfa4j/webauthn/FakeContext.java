package dev.mfa4j.webauthn;

import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.NotificationType;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link FactorContext} over an in-test list of records, for provider-level tests that do not
 * need the engine. Counter semantics follow {@code FactorStore.recordUse}.
 */
final class FakeContext implements FactorContext {
  final UserRef user;
  final MutableClock clock;
  final Map<String, FactorRecord> records;
  final Map<String, String> state = new HashMap<>();
  final List<AuditType> audits;
  final List<Map<String, String>> auditDetails;
  private final SecureRandom random = new SecureRandom();

  FakeContext(UserRef user, MutableClock clock, Map<String, FactorRecord> sharedRecords) {
    this(user, clock, sharedRecords, new ArrayList<>(), new ArrayList<>());
  }

  private FakeContext(UserRef user, MutableClock clock, Map<String, FactorRecord> sharedRecords,
      List<AuditType> audits, List<Map<String, String>> auditDetails) {
    this.user = user;
    this.clock = clock;
    this.records = sharedRecords;
    this.audits = audits;
    this.auditDetails = auditDetails;
  }

  /** A fresh ceremony for the same user and records (a new challenge). */
  FakeContext newCeremony() {
    return new FakeContext(user, clock, records, audits, auditDetails);
  }

  FactorRecord pending(String label) {
    return new FactorRecord(FactorId.random(random), user.practice(), user.user(),
        FactorKind.PASSKEY, label, FactorState.PENDING, clock.instant(), Optional.empty(), 0, 0,
        Optional.empty(), new byte[0], Map.of());
  }

  FactorRecord get(FactorId id) {
    return records.get(id.value());
  }

  void put(FactorRecord r) {
    records.put(r.id().value(), r);
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
    return PracticePolicy.defaults();
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
    throw new UnsupportedOperationException("passkeys seal nothing");
  }

  @Override
  public byte[] open(FactorRecord factor) {
    throw new UnsupportedOperationException("passkeys open nothing");
  }

  @Override
  public byte[] mac(String purpose, byte[] data) {
    throw new UnsupportedOperationException();
  }

  boolean advanced;

  @Override
  public synchronized boolean advanceCounter(FactorRecord factor, long newCounter) {
    if (newCounter < 0) {
      throw new IllegalArgumentException("counter must not be negative"); // as the engine
    }
    return recordUse(factor, newCounter);
  }

  /** {@code FactorStore.recordUse}: -1 leaves the counter, else it must go up. */
  synchronized boolean recordUse(FactorRecord factor, long newCounter) {
    FactorRecord stored = records.get(factor.id().value());
    if (stored == null || !stored.user().equals(user.user())) {
      return false;
    }
    if (newCounter >= 0 && stored.counter() >= newCounter) {
      return false;
    }
    advanced |= newCounter >= 0;
    FactorRecord updated = new FactorRecord(stored.id(), stored.practice(), stored.user(),
        stored.kind(), stored.label(), stored.state(), stored.created(),
        Optional.of(clock.instant()), newCounter >= 0 ? newCounter : stored.counter(), 0,
        stored.lookupKey(), stored.sealedSecret(), stored.attributes());
    records.put(updated.id().value(), updated);
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
    return records.values().stream()
        .filter(r -> r.user().equals(user.user()) && r.practice().equals(user.practice()))
        .filter(r -> r.kind().equals(FactorKind.PASSKEY))
        .toList();
  }

    @Override
  public boolean lookupKeyTaken(String lookupKey) {
    return false;
  }

  @Override
  public CounterStore counters() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void audit(AuditType type, AuditOutcome outcome, Map<String, String> details) {
    audits.add(type);
    auditDetails.add(details);
  }

  @Override
  public void notifyUser(NotificationType type, Map<String, String> details) {}
}
