package dev.mfa4j;

import dev.mfa4j.spi.AuditEntry;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditHead;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.spi.AuditStore;
import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.BackupCodeStore;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.ChallengeStore;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.DeviceRecord;
import dev.mfa4j.spi.DeviceStore;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.FactorStore;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordStore;
import dev.mfa4j.spi.PolicyStore;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.UserStateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store that keeps everything in memory: for tests, demos and single-node development. Lost on
 * restart, and not shared between app nodes, so not for production.
 *
 * <p>Thread-safe: every repository guards its maps with its own monitor, so each conditional
 * operation (take an attempt, consume a challenge or a backup code, advance a counter) is one
 * atomic step and exactly one of several racing callers wins. A unit of work ({@link
 * #atomically}) holds all the monitors and undoes every change if it throws. Stored values are immutable records
 * (byte arrays are copied by the records), so nothing a caller holds can change what is stored.
 */
public final class InMemoryMfaStore implements MfaStore {
  private static final int MAX_STATE_CHARS = 16 * 1024;

  private final Factors factors = new Factors();
  private final Challenges challenges = new Challenges();
  private final BackupCodes backupCodes = new BackupCodes();
  private final Devices devices = new Devices();
  private final Users users = new Users();
  private final Audit audit = new Audit();
  private final Policies policies = new Policies();
  private final Counters counters = new Counters();
  private final Passwords passwords = new Passwords();

  /** An empty store. */
  public InMemoryMfaStore() {}

  /**
   * Runs {@code work} holding every repository's monitor, so no other thread sees or changes
   * anything until it ends; if {@code work} throws, every repository is put back as it was.
   */
  @Override
  public <T> T atomically(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    Object[] monitors = {factors, challenges, backupCodes, devices, users, audit, policies,
        counters, passwords};
    return holding(monitors, 0, work);
  }

  private <T> T holding(Object[] monitors, int i, Supplier<T> work) {
    if (i < monitors.length) {
      synchronized (monitors[i]) {
        return holding(monitors, i + 1, work);
      }
    }
    if (depth.get()[0]++ > 0) {
      try {
        return work.get();
      } finally {
        depth.get()[0]--;
      }
    }
    List<Runnable> undo = List.of(factors.snapshot(), challenges.snapshot(),
        backupCodes.snapshot(), devices.snapshot(), users.snapshot(), audit.snapshot(),
        policies.snapshot(), counters.snapshot(), passwords.snapshot());
    try {
      return work.get();
    } catch (RuntimeException | Error e) {
      undo.forEach(Runnable::run);
      throw e;
    } finally {
      depth.get()[0]--;
    }
  }

  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

  @Override
  public FactorStore factors() {
    return factors;
  }

  @Override
  public ChallengeStore challenges() {
    return challenges;
  }

  @Override
  public BackupCodeStore backupCodes() {
    return backupCodes;
  }

  @Override
  public DeviceStore devices() {
    return devices;
  }

  @Override
  public UserStateStore users() {
    return users;
  }

  @Override
  public dev.mfa4j.spi.AuditStore audit() {
    return audit;
  }

  @Override
  public PolicyStore policies() {
    return policies;
  }

  @Override
  public CounterStore counters() {
    return counters;
  }

  @Override
  public PasswordStore passwords() {
    return passwords;
  }

  @Override
  public String toString() {
    return "InMemoryMfaStore";
  }

  private record Owner(PracticeId practice, UserId user) {
    Owner {
      Objects.requireNonNull(practice, "practice");
      Objects.requireNonNull(user, "user");
    }
  }

  private static String hex(byte[] b) {
    Objects.requireNonNull(b, "hash");
    return HexFormat.of().formatHex(b);
  }

  private static final class Factors implements FactorStore {
    private final Map<Owner, LinkedHashMap<FactorId, FactorRecord>> byOwner = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<Owner, LinkedHashMap<FactorId, FactorRecord>> copy = new HashMap<>();
      byOwner.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
      return () -> {
        byOwner.clear();
        byOwner.putAll(copy);
      };
    }

    @Override
    public synchronized void insert(FactorRecord factor) {
      Objects.requireNonNull(factor, "factor");
      for (Map<FactorId, FactorRecord> m : byOwner.values()) {
        for (FactorRecord f : m.values()) {
          if (f.id().equals(factor.id())) {
            throw new StoreException("factor id already exists");
          }
          if (factor.lookupKey().isPresent() && f.kind().equals(factor.kind())
              && f.lookupKey().equals(factor.lookupKey())) {
            throw new StoreException("factor lookup key already exists for this kind");
          }
        }
      }
      byOwner.computeIfAbsent(new Owner(factor.practice(), factor.user()),
          k -> new LinkedHashMap<>()).put(factor.id(), factor);
    }

    @Override
    public synchronized Optional<FactorRecord> find(PracticeId practice, UserId user, FactorId id) {
      Objects.requireNonNull(id, "id");
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      return m == null ? Optional.empty() : Optional.ofNullable(m.get(id));
    }

    @Override
    public synchronized List<FactorRecord> list(PracticeId practice, UserId user) {
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      if (m == null) {
        return List.of();
      }
      List<FactorRecord> out = new ArrayList<>(m.values());
      out.sort(Comparator.comparing(FactorRecord::created));
      return List.copyOf(out);
    }

    @Override
    public synchronized Optional<FactorRecord> findByLookupKey(FactorKind kind, String lookupKey) {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(lookupKey, "lookupKey");
      for (Map<FactorId, FactorRecord> m : byOwner.values()) {
        for (FactorRecord f : m.values()) {
          if (f.kind().equals(kind) && f.lookupKey().equals(Optional.of(lookupKey))) {
            return Optional.of(f);
          }
        }
      }
      return Optional.empty();
    }

    @Override
    public synchronized boolean transition(PracticeId practice, UserId user, FactorId id,
        FactorState from, FactorState to) {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      FactorRecord f = m == null ? null : m.get(id);
      if (f == null || f.state() != from) {
        return false;
      }
      m.put(id, f.withState(to));
      return true;
    }

    @Override
    public synchronized boolean recordUse(PracticeId practice, UserId user, FactorId id,
        long newCounter, Instant at) {
      Objects.requireNonNull(at, "at");
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      FactorRecord f = m == null ? null : m.get(id);
      if (f == null) {
        return false;
      }
      long counter = f.counter();
      if (newCounter >= 0) {
        if (f.counter() >= newCounter) {
          return false;
        }
        counter = newCounter;
      }
      m.put(id, new FactorRecord(f.id(), f.practice(), f.user(), f.kind(), f.label(), f.state(),
          f.created(), Optional.of(at), counter, 0, f.lookupKey(), f.sealedSecret(),
          f.attributes()));
      return true;
    }

    @Override
    public synchronized int recordFailure(PracticeId practice, UserId user, FactorId id) {
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      FactorRecord f = m == null ? null : m.get(id);
      if (f == null) {
        return 0;
      }
      int failures = f.failures() + 1;
      m.put(id, new FactorRecord(f.id(), f.practice(), f.user(), f.kind(), f.label(), f.state(),
          f.created(), f.lastUsed(), f.counter(), failures, f.lookupKey(), f.sealedSecret(),
          f.attributes()));
      return failures;
    }

    @Override
    public synchronized boolean update(PracticeId practice, UserId user, FactorId id, String label,
        Map<String, String> attributes) {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(attributes, "attributes");
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      FactorRecord f = m == null ? null : m.get(id);
      if (f == null) {
        return false;
      }
      m.put(id, f.withLabel(label).withAttributes(attributes));
      return true;
    }

    @Override
    public synchronized boolean delete(PracticeId practice, UserId user, FactorId id) {
      Map<FactorId, FactorRecord> m = byOwner.get(new Owner(practice, user));
      return m != null && m.remove(id) != null;
    }

    @Override
    public synchronized int deleteAll(PracticeId practice, UserId user) {
      Map<FactorId, FactorRecord> m = byOwner.remove(new Owner(practice, user));
      return m == null ? 0 : m.size();
    }
  }

  private static final class Challenges implements ChallengeStore {
    private final Map<String, ChallengeRecord> byHash = new HashMap<>();
    private final Map<String, Map<String, String>> state = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<String, ChallengeRecord> records = new HashMap<>(byHash);
      Map<String, Map<String, String>> copy = new HashMap<>();
      state.forEach((k, v) -> copy.put(k, new HashMap<>(v)));
      return () -> {
        byHash.clear();
        byHash.putAll(records);
        state.clear();
        state.putAll(copy);
      };
    }

    @Override
    public synchronized void insert(ChallengeRecord challenge) {
      Objects.requireNonNull(challenge, "challenge");
      String k = hex(challenge.idHash());
      if (byHash.containsKey(k)) {
        throw new StoreException("challenge already exists");
      }
      byHash.put(k, challenge);
    }

    @Override
    public synchronized Optional<ChallengeRecord> find(byte[] idHash) {
      return Optional.ofNullable(byHash.get(hex(idHash)));
    }

    @Override
    public synchronized boolean takeAttempt(byte[] idHash, Instant now) {
      Objects.requireNonNull(now, "now");
      String k = hex(idHash);
      ChallengeRecord c = byHash.get(k);
      if (c == null || c.consumed().isPresent() || c.attempts() >= c.maxAttempts()
          || !c.expires().isAfter(now)) {
        return false;
      }
      byHash.put(k, new ChallengeRecord(c.idHash(), c.practice(), c.user(), c.purpose(),
          c.factor(), c.created(), c.expires(), c.attempts() + 1, c.maxAttempts(), c.consumed()));
      return true;
    }

    @Override
    public synchronized boolean consume(byte[] idHash, Instant now) {
      Objects.requireNonNull(now, "now");
      String k = hex(idHash);
      ChallengeRecord c = byHash.get(k);
      if (c == null || c.consumed().isPresent() || !c.expires().isAfter(now)) {
        return false;
      }
      byHash.put(k, new ChallengeRecord(c.idHash(), c.practice(), c.user(), c.purpose(),
          c.factor(), c.created(), c.expires(), c.attempts(), c.maxAttempts(), Optional.of(now)));
      return true;
    }

    @Override
    public synchronized void putState(byte[] idHash, String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (value.length() > MAX_STATE_CHARS) {
        throw new StoreException("challenge state value longer than 16 KiB");
      }
      String k = hex(idHash);
      if (!byHash.containsKey(k)) {
        throw new StoreException("no such challenge");
      }
      state.computeIfAbsent(k, x -> new HashMap<>()).put(key, value);
    }

    @Override
    public synchronized Optional<String> state(byte[] idHash, String key) {
      Objects.requireNonNull(key, "key");
      Map<String, String> m = state.get(hex(idHash));
      return m == null ? Optional.empty() : Optional.ofNullable(m.get(key));
    }

    @Override
    public synchronized int purgeExpired(Instant before) {
      Objects.requireNonNull(before, "before");
      int n = 0;
      for (Iterator<Map.Entry<String, ChallengeRecord>> it = byHash.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, ChallengeRecord> e = it.next();
        if (e.getValue().expires().isBefore(before)) {
          it.remove();
          state.remove(e.getKey());
          n++;
        }
      }
      return n;
    }
  }

  private static final class BackupCodes implements BackupCodeStore {
    private final Map<Owner, Map<String, BackupCodeRecord>> byOwner = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<Owner, Map<String, BackupCodeRecord>> copy = new HashMap<>();
      byOwner.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
      return () -> {
        byOwner.clear();
        byOwner.putAll(copy);
      };
    }

    @Override
    public synchronized void replaceAll(PracticeId practice, UserId user,
        List<BackupCodeRecord> codes) {
      Objects.requireNonNull(codes, "codes");
      Owner owner = new Owner(practice, user);
      Map<String, BackupCodeRecord> set = new LinkedHashMap<>();
      for (BackupCodeRecord c : codes) {
        if (!new Owner(c.practice(), c.user()).equals(owner)) {
          throw new StoreException("backup code of another user");
        }
        if (set.put(c.lookupId(), c) != null) {
          throw new StoreException("duplicate backup code lookup id");
        }
      }
      byOwner.put(owner, set);
    }

    @Override
    public synchronized Optional<BackupCodeRecord> find(PracticeId practice, UserId user,
        String lookupId) {
      Objects.requireNonNull(lookupId, "lookupId");
      Map<String, BackupCodeRecord> m = byOwner.get(new Owner(practice, user));
      return m == null ? Optional.empty() : Optional.ofNullable(m.get(lookupId));
    }

    @Override
    public synchronized boolean consume(PracticeId practice, UserId user, String lookupId,
        Instant at) {
      Objects.requireNonNull(lookupId, "lookupId");
      Objects.requireNonNull(at, "at");
      Map<String, BackupCodeRecord> m = byOwner.get(new Owner(practice, user));
      BackupCodeRecord c = m == null ? null : m.get(lookupId);
      if (c == null || c.used().isPresent()) {
        return false;
      }
      m.put(lookupId, new BackupCodeRecord(c.practice(), c.user(), c.lookupId(), c.hash(),
          c.created(), Optional.of(at)));
      return true;
    }

    @Override
    public synchronized int countUnused(PracticeId practice, UserId user) {
      Map<String, BackupCodeRecord> m = byOwner.get(new Owner(practice, user));
      return m == null ? 0 : (int) m.values().stream().filter(c -> c.used().isEmpty()).count();
    }

    @Override
    public synchronized int deleteAll(PracticeId practice, UserId user) {
      Map<String, BackupCodeRecord> m = byOwner.remove(new Owner(practice, user));
      return m == null ? 0 : m.size();
    }
  }

  private static final class Devices implements DeviceStore {
    private final Map<String, DeviceRecord> byId = new LinkedHashMap<>();

    synchronized Runnable snapshot() {
      Map<String, DeviceRecord> copy = new LinkedHashMap<>(byId);
      return () -> {
        byId.clear();
        byId.putAll(copy);
      };
    }

    @Override
    public synchronized void insert(DeviceRecord device) {
      Objects.requireNonNull(device, "device");
      if (byId.containsKey(device.id())) {
        throw new StoreException("device id already exists");
      }
      byId.put(device.id(), device);
    }

    @Override
    public synchronized Optional<DeviceRecord> findByTokenHash(byte[] tokenHash) {
      Objects.requireNonNull(tokenHash, "tokenHash");
      for (DeviceRecord d : byId.values()) {
        if (java.security.MessageDigest.isEqual(d.tokenHash(), tokenHash)) {
          return Optional.of(d);
        }
      }
      return Optional.empty();
    }

    @Override
    public synchronized boolean touch(String id, Instant lastSeen) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(lastSeen, "lastSeen");
      DeviceRecord d = byId.get(id);
      if (d == null) {
        return false;
      }
      byId.put(id, new DeviceRecord(d.id(), d.practice(), d.user(), d.tokenHash(), d.label(),
          d.ip(), d.created(), d.expires(), lastSeen));
      return true;
    }

    @Override
    public synchronized List<DeviceRecord> list(PracticeId practice, UserId user) {
      Owner owner = new Owner(practice, user);
      List<DeviceRecord> out = new ArrayList<>();
      for (DeviceRecord d : byId.values()) {
        if (new Owner(d.practice(), d.user()).equals(owner)) {
          out.add(d);
        }
      }
      out.sort(Comparator.comparing(DeviceRecord::created).reversed());
      return List.copyOf(out);
    }

    @Override
    public synchronized boolean delete(PracticeId practice, UserId user, String id) {
      Objects.requireNonNull(id, "id");
      DeviceRecord d = byId.get(id);
      if (d == null || !new Owner(d.practice(), d.user()).equals(new Owner(practice, user))) {
        return false;
      }
      byId.remove(id);
      return true;
    }

    @Override
    public synchronized int deleteAll(PracticeId practice, UserId user) {
      Owner owner = new Owner(practice, user);
      int n = 0;
      for (Iterator<DeviceRecord> it = byId.values().iterator(); it.hasNext(); ) {
        DeviceRecord d = it.next();
        if (new Owner(d.practice(), d.user()).equals(owner)) {
          it.remove();
          n++;
        }
      }
      return n;
    }
  }

  private static final class Users implements UserStateStore {
    private final Map<Owner, UserSecurityState> byOwner = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<Owner, UserSecurityState> copy = new HashMap<>(byOwner);
      return () -> {
        byOwner.clear();
        byOwner.putAll(copy);
      };
    }

    private UserSecurityState get(Owner o) {
      return byOwner.getOrDefault(o, UserSecurityState.initial(o.practice(), o.user()));
    }

    @Override
    public synchronized Optional<UserSecurityState> find(PracticeId practice, UserId user) {
      return Optional.ofNullable(byOwner.get(new Owner(practice, user)));
    }

    @Override
    public synchronized int recordFailure(PracticeId practice, UserId user) {
      Owner o = new Owner(practice, user);
      UserSecurityState s = get(o);
      int n = s.consecutiveFailures() + 1;
      byOwner.put(o, new UserSecurityState(practice, user, n, s.lockedUntil(), s.lastSignIn(),
          s.graceSignIns(), s.graceStarted()));
      return n;
    }

    @Override
    public synchronized void lockUntil(PracticeId practice, UserId user, Instant until) {
      Objects.requireNonNull(until, "until");
      Owner o = new Owner(practice, user);
      UserSecurityState s = get(o);
      if (s.lockedUntil().isPresent() && !s.lockedUntil().get().isBefore(until)) {
        return; // a lock only ever extends
      }
      byOwner.put(o, new UserSecurityState(practice, user, s.consecutiveFailures(),
          Optional.of(until), s.lastSignIn(), s.graceSignIns(), s.graceStarted()));
    }

    @Override
    public synchronized UserSecurityState lock(PracticeId practice, UserId user) {
      // the unit already holds every monitor: reading is enough
      Owner o = new Owner(practice, user);
      UserSecurityState s = get(o);
      byOwner.putIfAbsent(o, s);
      return s;
    }

    @Override
    public synchronized void recordSignIn(PracticeId practice, UserId user, SignIn signIn) {
      Objects.requireNonNull(signIn, "signIn");
      Owner o = new Owner(practice, user);
      UserSecurityState s = get(o);
      byOwner.put(o, new UserSecurityState(practice, user, 0, Optional.empty(),
          Optional.of(signIn), s.graceSignIns(), s.graceStarted()));
    }

    @Override
    public synchronized int recordGraceSignIn(PracticeId practice, UserId user, Instant at) {
      Objects.requireNonNull(at, "at");
      Owner o = new Owner(practice, user);
      UserSecurityState s = get(o);
      int n = s.graceSignIns() + 1;
      byOwner.put(o, new UserSecurityState(practice, user, s.consecutiveFailures(),
          s.lockedUntil(), s.lastSignIn(), n, Optional.of(s.graceStarted().orElse(at))));
      return n;
    }

    @Override
    public synchronized void endGrace(PracticeId practice, UserId user, Instant at) {
      Objects.requireNonNull(at, "at");
      Owner o = new Owner(practice, user);
      UserSecurityState s = get(o);
      byOwner.put(o, new UserSecurityState(practice, user, s.consecutiveFailures(),
          s.lockedUntil(), s.lastSignIn(), Math.max(s.graceSignIns(), GRACE_ENDED),
          Optional.of(s.graceStarted().orElse(at))));
    }
  }

  private static final class Audit implements AuditStore {
    private final Map<PracticeId, List<AuditEntry>> byPractice = new HashMap<>();
    private final Map<PracticeId, AuditHead> heads = new HashMap<>();
    private final Map<PracticeId, List<AuditCheckpoint>> checkpoints = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<PracticeId, List<AuditEntry>> entries = new HashMap<>();
      byPractice.forEach((k, v) -> entries.put(k, new ArrayList<>(v)));
      Map<PracticeId, AuditHead> headCopy = new HashMap<>(heads);
      Map<PracticeId, List<AuditCheckpoint>> cps = new HashMap<>();
      checkpoints.forEach((k, v) -> cps.put(k, new ArrayList<>(v)));
      return () -> {
        byPractice.clear();
        byPractice.putAll(entries);
        heads.clear();
        heads.putAll(headCopy);
        checkpoints.clear();
        checkpoints.putAll(cps);
      };
    }

    @Override
    public synchronized AuditHead head(PracticeId practice) {
      Objects.requireNonNull(practice, "practice");
      return heads.computeIfAbsent(practice, AuditHead::empty);
    }

    @Override
    public synchronized void append(List<AuditEntry> entries) {
      Objects.requireNonNull(entries, "entries");
      Map<PracticeId, AuditHead> next = new HashMap<>();
      for (AuditEntry e : entries) {
        PracticeId p = e.event().practice();
        AuditHead h = next.getOrDefault(p, heads.getOrDefault(p, AuditHead.empty(p)));
        if (e.seq() != h.seq() + 1 || !e.prev().equals(h.digest())) {
          throw new StoreException("in-memory store: audit entry " + e.seq()
              + " does not follow the chain head " + h.seq());
        }
        next.put(p, new AuditHead(p, e.seq(), e.digest(), h.baseSeq(), h.baseDigest()));
      }
      for (AuditEntry e : entries) {
        byPractice.computeIfAbsent(e.event().practice(), k -> new ArrayList<>()).add(e);
      }
      heads.putAll(next);
    }

    @Override
    public synchronized List<AuditEvent> find(AuditQuery query) {
      Objects.requireNonNull(query, "query");
      List<AuditEntry> all = byPractice.getOrDefault(query.practice(), List.of());
      List<AuditEvent> out = new ArrayList<>();
      for (AuditEntry entry : all) {
        AuditEvent e = entry.event();
        if (query.subject().isPresent() && !e.subject().equals(query.subject())) {
          continue;
        }
        if (query.before().isPresent() && !e.at().isBefore(query.before().get())) {
          continue;
        }
        out.add(e);
      }
      out.sort(Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id).reversed());
      return List.copyOf(out.subList(0, Math.min(query.limit(), out.size())));
    }

    @Override
    public synchronized List<AuditEntry> chain(PracticeId practice, long afterSeq,
        long throughSeq) {
      Objects.requireNonNull(practice, "practice");
      return byPractice.getOrDefault(practice, List.of()).stream()
          .filter(e -> e.seq() > afterSeq && e.seq() <= throughSeq)
          .sorted(Comparator.comparingLong(AuditEntry::seq)
              .thenComparing(e -> e.event().id()))
          .toList();
    }

    @Override
    public synchronized List<AuditEntry> after(PracticeId practice, long seq, int limit) {
      return chain(practice, seq, Long.MAX_VALUE).stream().limit(limit).toList();
    }

    @Override
    public synchronized AuditHead purge(PracticeId practice, Instant before) {
      Objects.requireNonNull(practice, "practice");
      Objects.requireNonNull(before, "before");
      AuditHead h = head(practice);
      List<AuditEntry> kept = chain(practice, h.baseSeq(), h.seq());
      AuditEntry cut = null;
      for (AuditEntry e : kept) {
        if (!e.event().at().isBefore(before)) {
          break;
        }
        cut = e;
      }
      if (cut == null) {
        return h;
      }
      long through = cut.seq();
      byPractice.get(practice).removeIf(e -> e.seq() <= through);
      AuditHead moved = new AuditHead(practice, h.seq(), h.digest(), through, cut.digest());
      heads.put(practice, moved);
      return moved;
    }

    @Override
    public synchronized void saveCheckpoint(AuditCheckpoint checkpoint) {
      Objects.requireNonNull(checkpoint, "checkpoint");
      List<AuditCheckpoint> list =
          checkpoints.computeIfAbsent(checkpoint.practice(), k -> new ArrayList<>());
      list.removeIf(c -> c.seq() == checkpoint.seq() && c.keyId().equals(checkpoint.keyId()));
      list.add(checkpoint);
      list.sort(Comparator.comparingLong(AuditCheckpoint::seq));
    }

    @Override
    public synchronized List<AuditCheckpoint> checkpoints(PracticeId practice) {
      return List.copyOf(checkpoints.getOrDefault(practice, List.of()));
    }

    @Override
    public synchronized List<PracticeId> practices() {
      return heads.keySet().stream().sorted(Comparator.comparing(PracticeId::value)).toList();
    }
  }

  private static final class Policies implements PolicyStore {
    private final Map<PracticeId, PracticePolicy> byPractice = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<PracticeId, PracticePolicy> copy = new HashMap<>(byPractice);
      return () -> {
        byPractice.clear();
        byPractice.putAll(copy);
      };
    }

    @Override
    public synchronized Optional<PracticePolicy> find(PracticeId practice) {
      Objects.requireNonNull(practice, "practice");
      return Optional.ofNullable(byPractice.get(practice));
    }

    @Override
    public synchronized void put(PracticeId practice, PracticePolicy policy) {
      Objects.requireNonNull(practice, "practice");
      Objects.requireNonNull(policy, "policy");
      byPractice.put(practice, policy);
    }
  }

  private static final class Counters implements CounterStore {
    private record Window(long count, Instant end) {}

    private final Map<String, Window> byKey = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<String, Window> copy = new HashMap<>(byKey);
      return () -> {
        byKey.clear();
        byKey.putAll(copy);
      };
    }

    @Override
    public synchronized long increment(String key, Instant now, Instant windowEnd) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(windowEnd, "windowEnd");
      Window w = byKey.get(key);
      Window next = (w == null || !w.end().isAfter(now))
          ? new Window(1, windowEnd)
          : new Window(w.count() + 1, w.end());
      byKey.put(key, next);
      return next.count();
    }

    @Override
    public synchronized long get(String key, Instant now) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(now, "now");
      Window w = byKey.get(key);
      return (w == null || !w.end().isAfter(now)) ? 0 : w.count();
    }
  }

  private static final class Passwords implements PasswordStore {
    private final Map<Owner, PasswordRecord> byOwner = new HashMap<>();

    synchronized Runnable snapshot() {
      Map<Owner, PasswordRecord> copy = new HashMap<>(byOwner);
      return () -> {
        byOwner.clear();
        byOwner.putAll(copy);
      };
    }

    @Override
    public synchronized Optional<PasswordRecord> find(PracticeId practice, UserId user) {
      return Optional.ofNullable(byOwner.get(new Owner(practice, user)));
    }

    @Override
    public synchronized void put(PasswordRecord password) {
      Objects.requireNonNull(password, "password");
      byOwner.put(new Owner(password.practice(), password.user()), password);
    }

    @Override
    public synchronized boolean replace(PracticeId practice, UserId user, String expectedHash,
        PasswordRecord next) {
      Objects.requireNonNull(expectedHash, "expectedHash");
      Objects.requireNonNull(next, "next");
      Owner o = new Owner(practice, user);
      PasswordRecord cur = byOwner.get(o);
      if (cur == null || !cur.hash().equals(expectedHash)
          || !new Owner(next.practice(), next.user()).equals(o)) {
        return false;
      }
      byOwner.put(o, next);
      return true;
    }

    @Override
    public synchronized boolean recordFailure(PracticeId practice, UserId user,
        int expectedFailures, Optional<Instant> nextCheck) {
      Objects.requireNonNull(nextCheck, "nextCheck");
      Owner o = new Owner(practice, user);
      PasswordRecord cur = byOwner.get(o);
      if (cur == null || cur.failures() != expectedFailures) {
        return false;
      }
      byOwner.put(o, new PasswordRecord(cur.practice(), cur.user(), cur.hash(), cur.changed(),
          cur.temporary(), cur.expires(), cur.length(), expectedFailures + 1, nextCheck));
      return true;
    }

    @Override
    public synchronized void clearFailures(PracticeId practice, UserId user) {
      Owner o = new Owner(practice, user);
      PasswordRecord cur = byOwner.get(o);
      if (cur != null) {
        byOwner.put(o, new PasswordRecord(cur.practice(), cur.user(), cur.hash(), cur.changed(),
            cur.temporary(), cur.expires(), cur.length(), 0, Optional.empty()));
      }
    }
  }
}
