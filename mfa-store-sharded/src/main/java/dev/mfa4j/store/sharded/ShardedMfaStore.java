package dev.mfa4j.store.sharded;

import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.Answering;
import dev.mfa4j.spi.AuditEvent;
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
import dev.mfa4j.spi.Settlement;
import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.UserStateStore;
import dev.mfa4j.store.jdbc.Dialect;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * An {@link MfaStore} over several JDBC stores ("shards", each an ordinary {@link JdbcMfaStore} on
 * its own primary), routing every practice-scoped operation to the shard that the {@link
 * ShardDirectory} names for the practice.
 *
 * <p><b>Units of work.</b> A unit ({@link #atomically}) runs on exactly one shard: the first
 * routed call pins it, and its connection to that shard is opened then. A call in the same unit
 * that needs another shard throws {@link IllegalStateException} before it touches that shard; the
 * unit is then rolled back whole. Nothing is ever committed on two shards by one unit.
 *
 * <p><b>Lookups not scoped to a practice.</b> A ceremony by its id hash, a remembered device by its
 * token hash or id, and a factor by its lookup key (a passkey's credential id) are searched on
 * every shard (inside a pinned unit, ceremonies and devices on its shard only); throttle counters
 * live on one "home" shard, so that a ceiling across practices (sends to one phone number) holds.
 * See {@code docs/sharding.md} for the uniqueness argument and the failure behaviour.
 *
 * <pre>{@code
 * ShardedMfaStore store = ShardedMfaStore.builder(ShardDirectory.withDefault("eu-1")
 *         .assign(PracticeId.of("big-clinic"), "eu-2"))
 *     .shard("eu-1", dataSource1)
 *     .shard("eu-2", dataSource2)
 *     .build();
 * store.migrate();
 * }</pre>
 */
public final class ShardedMfaStore implements MfaStore {
  private final ThreadLocal<Unit> unit;
  private final Map<String, Shard> shards;
  private final ShardDirectory directory;
  private final Shard home;
  private final String counterTable;
  private final Factors factors = new Factors();
  private final Challenges challenges = new Challenges();
  private final BackupCodes backupCodes = new BackupCodes();
  private final Devices devices = new Devices();
  private final Users users = new Users();
  private final Audit audit = new Audit();
  private final Policies policies = new Policies();
  private final Counters counters = new Counters();
  private final Passwords passwords = new Passwords();

  private ShardedMfaStore(ThreadLocal<Unit> unit, Map<String, Shard> shards,
      ShardDirectory directory, Shard home) {
    this.unit = unit;
    this.shards = shards;
    this.directory = directory;
    this.home = home;
    this.counterTable = home.outside.tablePrefix() + "counter";
  }

  /**
   * A builder routing by {@code directory}.
   *
   * @param directory which practice is on which shard
   * @return a new builder
   */
  public static Builder builder(ShardDirectory directory) {
    return new Builder(Objects.requireNonNull(directory, "directory"));
  }

  /** Creates or upgrades the schema on every shard (see {@link JdbcMfaStore#migrate}). */
  public void migrate() {
    for (Shard s : shards.values()) {
      s.outside.migrate();
    }
  }

  /** {@return the shards' names, in the order they were added} */
  public List<String> shardNames() {
    return List.copyOf(shards.keySet());
  }

  /** {@return the directory this store routes by} */
  public ShardDirectory directory() {
    return directory;
  }

  /**
   * The shard that keeps the throttle counters.
   *
   * @return the name of the shard that keeps the throttle counters
   */
  public String counterHome() {
    return home.name;
  }

  Shard shard(String name) {
    Shard s = shards.get(name);
    if (s == null) {
      throw new StoreException("the directory names an unknown shard");
    }
    return s;
  }

  // ---- routing ----

  private Shard shardOf(PracticeId practice) {
    return shard(directory.shardOf(Objects.requireNonNull(practice, "practice")));
  }

  /** Runs a practice-scoped operation on the practice's shard (joining the current unit). */
  private <T> T on(PracticeId practice, Function<JdbcMfaStore, T> op) {
    Shard s = shardOf(practice);
    Unit u = unit.get();
    if (u != null) {
      join(u, s, practice);
      return op.apply(s.store);
    }
    directory.enter(practice);
    try {
      return op.apply(s.store);
    } finally {
      directory.exit(practice);
    }
  }

  private void run(PracticeId practice, java.util.function.Consumer<JdbcMfaStore> op) {
    on(practice, s -> {
      op.accept(s);
      return null;
    });
  }

  private void join(Unit u, Shard s, PracticeId practice) {
    if (u.pinned != null && u.pinned != s) {
      throw new IllegalStateException("a unit of work may not span two shards: it runs on "
          + u.pinned.name + " and a call needs " + s.name);
    }
    if (!u.practices.contains(practice)) {
      directory.enter(practice);
      u.practices.add(practice);
    }
    u.pinned = s;
  }

  /** The shard the current unit is pinned to, if the thread runs a pinned unit. */
  private Optional<Shard> pinned() {
    Unit u = unit.get();
    return u == null ? Optional.empty() : Optional.ofNullable(u.pinned);
  }

  /** The store to read {@code s} with: the unit's if the unit is on it, else one outside it. */
  private JdbcMfaStore reader(Shard s) {
    Unit u = unit.get();
    return u == null || u.pinned == s ? s.store : s.outside;
  }

  /** The shards, the current unit's first. */
  private List<Shard> searchOrder() {
    List<Shard> order = new ArrayList<>(shards.size());
    pinned().ifPresent(order::add);
    for (Shard s : shards.values()) {
      if (!order.contains(s)) {
        order.add(s);
      }
    }
    return order;
  }

  /** A row found on a shard that the directory says holds its practice. */
  private record Found<T>(Shard shard, T value) {}

  /**
   * Searches every shard for a row keyed by a globally unique value (a hash of a random token);
   * copies left on a shard that no longer holds the practice are ignored. A shard that fails is
   * skipped, but if the row was found nowhere else the search fails: it cannot tell absence.
   */
  private <T> Optional<Found<T>> locate(Function<JdbcMfaStore, Optional<T>> read,
      Function<T, PracticeId> practiceOf) {
    StoreException failure = null;
    for (Shard s : searchOrder()) {
      try {
        Optional<T> r = read.apply(reader(s));
        if (r.isPresent() && shardOf(practiceOf.apply(r.get())) == s) {
          return Optional.of(new Found<>(s, r.get()));
        }
      } catch (StoreException e) {
        failure = add(failure, e);
      }
    }
    if (failure != null) {
      throw new StoreException("a shard could not be searched", failure);
    }
    return Optional.empty();
  }

  /**
   * Purges shard after shard (the current unit's first) with what is left of {@code limit}, so
   * that one call deletes at most {@code limit} rows in all and fewer means every shard is done.
   * A shard that fails does not stop the others; its failure is thrown at the end.
   */
  private int purgeShards(int limit, java.util.function.ToIntBiFunction<JdbcMfaStore, Integer>
      purge) {
    ChallengeStore.checkPurgeLimit(limit);
    int n = 0;
    StoreException failure = null;
    for (Shard s : searchOrder()) {
      if (n >= limit) {
        break;
      }
      try {
        n += purge.applyAsInt(reader(s), limit - n);
      } catch (StoreException e) {
        failure = add(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return n;
  }

  private static StoreException add(StoreException first, StoreException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  // ---- MfaStore ----

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
  public AuditStore audit() {
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

  /**
   * Runs {@code work} as one unit on one shard (see the class comment). The unit's connection is
   * opened by its first routed call; a unit that makes none opens none.
   *
   * @throws IllegalStateException if the work needs a second shard (the unit is rolled back)
   * @throws StoreException if the unit cannot begin or commit (it is then undone)
   */
  @Override
  public <T> T atomically(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    if (unit.get() != null) {
      return work.get();
    }
    Unit u = new Unit();
    unit.set(u);
    try {
      T result;
      try {
        result = work.get();
      } catch (RuntimeException | Error t) {
        u.rollback(t);
        throw t;
      }
      try {
        u.commit();
      } catch (RuntimeException e) {
        u.rollback(e);
        throw e;
      }
      return result;
    } finally {
      unit.remove();
      u.close(directory);
    }
  }

  /** The practice's shard answers, with its one-statement join. */
  @Override
  public Answering answering(byte[] challenge, PracticeId practice, UserId user,
      Optional<FactorId> factor) {
    return on(practice, s -> s.answering(challenge, practice, user, factor));
  }

  /** The practice's shard settles, in one batch on PostgreSQL. */
  @Override
  public boolean settle(Settlement s) {
    return on(Objects.requireNonNull(s, "settlement").practice(), st -> st.settle(s));
  }

  @Override
  public String toString() {
    return "ShardedMfaStore" + shards.keySet() + "[counters on " + home.name + "]";
  }

  // ---- repositories ----

  private final class Factors implements FactorStore {
    @Override
    public void insert(FactorRecord factor) {
      run(factor.practice(), s -> s.factors().insert(factor));
    }

    @Override
    public Optional<FactorRecord> find(PracticeId practice, UserId user, FactorId id) {
      return on(practice, s -> s.factors().find(practice, user, id));
    }

    @Override
    public List<FactorRecord> list(PracticeId practice, UserId user) {
      return on(practice, s -> s.factors().list(practice, user));
    }

    /**
     * Searches every shard (a passkey's credential id names its owner, whose practice is not
     * known yet). More than one match fails closed; a failed shard fails the search only if no
     * other shard had the key.
     */
    @Override
    public Optional<FactorRecord> findByLookupKey(FactorKind kind, String lookupKey) {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(lookupKey, "lookupKey");
      List<FactorRecord> found = new ArrayList<>(1);
      StoreException failure = null;
      for (Shard s : searchOrder()) {
        try {
          Optional<FactorRecord> r = reader(s).factors().findByLookupKey(kind, lookupKey);
          if (r.isPresent() && shardOf(r.get().practice()) == s) {
            found.add(r.get());
          }
        } catch (StoreException e) {
          failure = add(failure, e);
        }
      }
      if (found.size() > 1) {
        throw new StoreException("a lookup key is registered on two shards");
      }
      if (found.isEmpty() && failure != null) {
        throw new StoreException("a shard could not be searched", failure);
      }
      return found.stream().findFirst();
    }

    @Override
    public boolean transition(PracticeId practice, UserId user, FactorId id, FactorState from,
        FactorState to) {
      return on(practice, s -> s.factors().transition(practice, user, id, from, to));
    }

    @Override
    public boolean recordUse(PracticeId practice, UserId user, FactorId id, long newCounter,
        Instant at) {
      return on(practice, s -> s.factors().recordUse(practice, user, id, newCounter, at));
    }

    @Override
    public int recordFailure(PracticeId practice, UserId user, FactorId id) {
      return on(practice, s -> s.factors().recordFailure(practice, user, id));
    }

    @Override
    public boolean update(PracticeId practice, UserId user, FactorId id, String label,
        Map<String, String> attributes) {
      return on(practice, s -> s.factors().update(practice, user, id, label, attributes));
    }

    @Override
    public boolean delete(PracticeId practice, UserId user, FactorId id) {
      return on(practice, s -> s.factors().delete(practice, user, id));
    }

    @Override
    public int deleteAll(PracticeId practice, UserId user) {
      return on(practice, s -> s.factors().deleteAll(practice, user));
    }
  }

  /**
   * Ceremonies are kept on their practice's shard. By id hash: inside a pinned unit, the unit's
   * shard only (a ceremony of a practice elsewhere is never the unit's to answer); otherwise the
   * shard that holds it is searched for, and a write then runs there as an operation on the
   * ceremony's practice.
   */
  private final class Challenges implements ChallengeStore {
    @Override
    public void insert(ChallengeRecord challenge) {
      run(challenge.practice(), s -> s.challenges().insert(challenge));
    }

    private Optional<Found<ChallengeRecord>> locate(byte[] idHash) {
      Objects.requireNonNull(idHash, "idHash");
      return ShardedMfaStore.this.locate(s -> s.challenges().find(idHash),
          ChallengeRecord::practice);
    }

    @Override
    public Optional<ChallengeRecord> find(byte[] idHash) {
      Optional<Shard> p = pinned();
      if (p.isPresent()) {
        return p.get().store.challenges().find(idHash);
      }
      return locate(idHash).map(Found::value);
    }

    /** Runs a write on the ceremony's shard, or answers {@code absent} if it is nowhere. */
    private <T> T write(byte[] idHash, Function<JdbcMfaStore, T> op, T absent) {
      Optional<Shard> p = pinned();
      if (p.isPresent()) {
        return op.apply(p.get().store);
      }
      Optional<Found<ChallengeRecord>> f = locate(idHash);
      return f.isEmpty() ? absent : on(f.get().value().practice(), op);
    }

    @Override
    public boolean takeAttempt(byte[] idHash, Instant now) {
      return write(idHash, s -> s.challenges().takeAttempt(idHash, now), false);
    }

    @Override
    public boolean consume(byte[] idHash, Instant now) {
      return write(idHash, s -> s.challenges().consume(idHash, now), false);
    }

    @Override
    public void putState(byte[] idHash, String key, String value) {
      Optional<Shard> p = pinned();
      if (p.isPresent()) {
        p.get().store.challenges().putState(idHash, key, value);
        return;
      }
      Optional<Found<ChallengeRecord>> f = locate(idHash);
      if (f.isPresent()) {
        run(f.get().value().practice(), s -> s.challenges().putState(idHash, key, value));
      } else {
        // an unknown ceremony: the first shard refuses it as a single store would
        searchOrder().get(0).outside.challenges().putState(idHash, key, value);
      }
    }

    @Override
    public Optional<String> state(byte[] idHash, String key) {
      Optional<Shard> p = pinned();
      if (p.isPresent()) {
        return p.get().store.challenges().state(idHash, key);
      }
      return locate(idHash).flatMap(f -> reader(f.shard()).challenges().state(idHash, key));
    }

    /** Every shard in turn, until {@code limit} rows in all (see {@link #purgeShards}). */
    @Override
    public int purgeExpired(Instant before, int limit) {
      return purgeShards(limit, (s, n) -> s.challenges().purgeExpired(before, n));
    }
  }

  private final class BackupCodes implements BackupCodeStore {
    @Override
    public void replaceAll(PracticeId practice, UserId user, List<BackupCodeRecord> codes) {
      run(practice, s -> s.backupCodes().replaceAll(practice, user, codes));
    }

    @Override
    public Optional<BackupCodeRecord> find(PracticeId practice, UserId user, String lookupId) {
      return on(practice, s -> s.backupCodes().find(practice, user, lookupId));
    }

    @Override
    public boolean consume(PracticeId practice, UserId user, String lookupId, Instant at) {
      return on(practice, s -> s.backupCodes().consume(practice, user, lookupId, at));
    }

    @Override
    public int countUnused(PracticeId practice, UserId user) {
      return on(practice, s -> s.backupCodes().countUnused(practice, user));
    }

    @Override
    public int deleteAll(PracticeId practice, UserId user) {
      return on(practice, s -> s.backupCodes().deleteAll(practice, user));
    }
  }

  /**
   * Devices are kept on their practice's shard. By token hash: as ceremonies. {@link #touch} by
   * id: the unit's shard inside a pinned unit, else every shard (ids are random; one row at most
   * changes).
   */
  private final class Devices implements DeviceStore {
    @Override
    public void insert(DeviceRecord device) {
      run(device.practice(), s -> s.devices().insert(device));
    }

    @Override
    public Optional<DeviceRecord> findByTokenHash(byte[] tokenHash) {
      Objects.requireNonNull(tokenHash, "tokenHash");
      Optional<Shard> p = pinned();
      if (p.isPresent()) {
        return p.get().store.devices().findByTokenHash(tokenHash);
      }
      return locate(s -> s.devices().findByTokenHash(tokenHash), DeviceRecord::practice)
          .map(Found::value);
    }

    @Override
    public boolean touch(String id, Instant lastSeen) {
      Optional<Shard> p = pinned();
      if (p.isPresent()) {
        return p.get().store.devices().touch(id, lastSeen);
      }
      StoreException failure = null;
      for (Shard s : searchOrder()) {
        try {
          if (reader(s).devices().touch(id, lastSeen)) {
            return true;
          }
        } catch (StoreException e) {
          failure = add(failure, e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return false;
    }

    @Override
    public List<DeviceRecord> list(PracticeId practice, UserId user) {
      return on(practice, s -> s.devices().list(practice, user));
    }

    @Override
    public boolean delete(PracticeId practice, UserId user, String id) {
      return on(practice, s -> s.devices().delete(practice, user, id));
    }

    @Override
    public int deleteAll(PracticeId practice, UserId user) {
      return on(practice, s -> s.devices().deleteAll(practice, user));
    }

    /** Every shard in turn, until {@code limit} rows in all (see {@link #purgeShards}). */
    @Override
    public int purgeExpired(Instant before, int limit) {
      return purgeShards(limit, (s, n) -> s.devices().purgeExpired(before, n));
    }
  }

  private final class Users implements UserStateStore {
    @Override
    public Optional<UserSecurityState> find(PracticeId practice, UserId user) {
      return on(practice, s -> s.users().find(practice, user));
    }

    @Override
    public int recordFailure(PracticeId practice, UserId user) {
      return on(practice, s -> s.users().recordFailure(practice, user));
    }

    @Override
    public void lockUntil(PracticeId practice, UserId user, Instant until) {
      run(practice, s -> s.users().lockUntil(practice, user, until));
    }

    @Override
    public void recordSignIn(PracticeId practice, UserId user, SignIn signIn) {
      run(practice, s -> s.users().recordSignIn(practice, user, signIn));
    }

    @Override
    public int recordGraceSignIn(PracticeId practice, UserId user, Instant at) {
      return on(practice, s -> s.users().recordGraceSignIn(practice, user, at));
    }

    @Override
    public void endGrace(PracticeId practice, UserId user, Instant at) {
      run(practice, s -> s.users().endGrace(practice, user, at));
    }

    @Override
    public UserSecurityState lock(PracticeId practice, UserId user) {
      return on(practice, s -> s.users().lock(practice, user));
    }
  }

  /** The audit log of a practice is on the practice's shard. */
  /** Every practice's chain lives whole on its shard: each call goes to the practice's shard. */
  private final class Audit implements AuditStore {
    @Override
    public dev.mfa4j.spi.AuditHead head(PracticeId practice) {
      return on(practice, s -> s.audit().head(practice));
    }

    @Override
    public void append(List<dev.mfa4j.spi.AuditEntry> entries) {
      java.util.Map<PracticeId, List<dev.mfa4j.spi.AuditEntry>> byPractice =
          new java.util.LinkedHashMap<>();
      for (dev.mfa4j.spi.AuditEntry e : entries) {
        byPractice.computeIfAbsent(e.event().practice(), k -> new java.util.ArrayList<>()).add(e);
      }
      byPractice.forEach((p, list) -> run(p, s -> s.audit().append(list)));
    }

    @Override
    public List<AuditEvent> find(AuditQuery query) {
      return on(query.practice(), s -> s.audit().find(query));
    }

    @Override
    public List<dev.mfa4j.spi.AuditEntry> findEntries(AuditQuery query) {
      return on(query.practice(), s -> s.audit().findEntries(query));
    }

    @Override
    public List<dev.mfa4j.spi.AuditEntry> chain(PracticeId practice, long afterSeq,
        long throughSeq) {
      return on(practice, s -> s.audit().chain(practice, afterSeq, throughSeq));
    }

    @Override
    public List<dev.mfa4j.spi.AuditEntry> after(PracticeId practice, long seq, int limit) {
      return on(practice, s -> s.audit().after(practice, seq, limit));
    }

    @Override
    public dev.mfa4j.spi.AuditHead purge(PracticeId practice, Instant before) {
      return on(practice, s -> s.audit().purge(practice, before));
    }

    @Override
    public void saveCheckpoint(dev.mfa4j.AuditCheckpoint checkpoint) {
      run(checkpoint.practice(), s -> s.audit().saveCheckpoint(checkpoint));
    }

    @Override
    public List<dev.mfa4j.AuditCheckpoint> checkpoints(PracticeId practice) {
      return on(practice, s -> s.audit().checkpoints(practice));
    }

    /** The practices with a chain on the shard the directory names for them. */
    @Override
    public List<PracticeId> practices() {
      java.util.TreeSet<String> out = new java.util.TreeSet<>();
      for (Shard sh : shards.values()) {
        for (PracticeId p : sh.outside.audit().practices()) {
          if (directory.shardOf(p).equals(sh.name)) {
            out.add(p.value());
          }
        }
      }
      return out.stream().map(PracticeId::of).toList();
    }
  }

  private final class Policies implements PolicyStore {
    @Override
    public Optional<PracticePolicy> find(PracticeId practice) {
      return on(practice, s -> s.policies().find(practice));
    }

    @Override
    public void put(PracticeId practice, PracticePolicy policy) {
      run(practice, s -> s.policies().put(practice, policy));
    }
  }

  /**
   * Counters are global (a phone number's sends across practices), so all of them live on the
   * home shard, written outside any unit of work: an increment is visible at once, and undone by
   * a decrement if the unit that made it rolls back (should the decrement fail, the count stays
   * one too high: a throttle errs on the side of refusing).
   */
  private final class Counters implements CounterStore {
    @Override
    public long increment(String key, Instant now, Instant windowEnd) {
      long n = home.outside.counters().increment(key, now, windowEnd);
      Unit u = unit.get();
      if (u != null) {
        u.onRollback.add(() -> decrement(key));
      }
      return n;
    }

    @Override
    public long get(String key, Instant now) {
      return home.outside.counters().get(key, now);
    }

    /** On the home shard, where every counter lives, outside any unit of work. */
    @Override
    public int purgeExpired(Instant before, int limit) {
      return home.outside.counters().purgeExpired(before, limit);
    }

    private void decrement(String key) {
      try (Connection c = home.raw.getConnection()) {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + counterTable
            + " SET hits = hits - 1 WHERE counter_key = ? AND hits > 0")) {
          ps.setString(1, key);
          ps.executeUpdate();
        }
      } catch (SQLException e) {
        throw new StoreException("cannot undo a counter increment on the home shard", e);
      }
    }
  }

  private final class Passwords implements PasswordStore {
    @Override
    public Optional<PasswordRecord> find(PracticeId practice, UserId user) {
      return on(practice, s -> s.passwords().find(practice, user));
    }

    @Override
    public void put(PasswordRecord password) {
      run(password.practice(), s -> s.passwords().put(password));
    }

    @Override
    public boolean replace(PracticeId practice, UserId user, String expectedHash,
        PasswordRecord next) {
      return on(practice, s -> s.passwords().replace(practice, user, expectedHash, next));
    }

    @Override
    public boolean recordFailure(PracticeId practice, UserId user, int expectedFailures,
        Optional<Instant> nextCheck) {
      return on(practice, s -> s.passwords().recordFailure(practice, user, expectedFailures,
          nextCheck));
    }

    @Override
    public void clearFailures(PracticeId practice, UserId user) {
      run(practice, s -> s.passwords().clearFailures(practice, user));
    }
  }

  /** Configures a {@link ShardedMfaStore}. */
  public static final class Builder {
    private final ShardDirectory directory;
    private final Map<String, DataSource> shards = new LinkedHashMap<>();
    private String counterHome;
    private String prefix = JdbcMfaStore.DEFAULT_PREFIX;
    private Dialect dialect;
    private Clock clock = Clock.systemUTC();

    private Builder(ShardDirectory directory) {
      this.directory = directory;
    }

    /**
     * Adds a shard: a name the directory uses, and the data source of its primary.
     *
     * @param name the shard's name, as the directory uses it
     * @param dataSource the data source of the shard's primary
     * @return this builder
     */
    public Builder shard(String name, DataSource dataSource) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dataSource, "dataSource");
      if (shards.putIfAbsent(name, dataSource) != null) {
        throw new IllegalArgumentException("shard " + name + " was added twice");
      }
      return this;
    }

    /**
     * The shard that keeps the throttle counters (default: the first shard added).
     *
     * @param name the name of a shard added with {@link #shard}
     * @return this builder
     */
    public Builder counterHome(String name) {
      this.counterHome = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The table prefix on every shard (see {@link JdbcMfaStore.Builder#tablePrefix}).
     *
     * @param prefix the prefix of every table name
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * The dialect of every shard. Given, it lets the store be built while a shard is down
     * (otherwise each shard is asked at build time).
     *
     * @param dialect the SQL dialect of every shard
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * The clock of the shard stores (see {@link JdbcMfaStore.Builder#clock}).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     * @throws IllegalArgumentException if there is no shard or the counter home is not one
     * @throws StoreException if a shard's dialect must be detected and cannot be
     */
    public ShardedMfaStore build() {
      if (shards.isEmpty()) {
        throw new IllegalArgumentException("no shard");
      }
      String homeName = counterHome != null ? counterHome : shards.keySet().iterator().next();
      if (!shards.containsKey(homeName)) {
        throw new IllegalArgumentException("the counter home is not a shard");
      }
      ThreadLocal<Unit> unit = new ThreadLocal<>();
      Map<String, Shard> built = new LinkedHashMap<>();
      for (Map.Entry<String, DataSource> e : shards.entrySet()) {
        Dialect d = dialect != null ? dialect
            : JdbcMfaStore.builder(e.getValue()).tablePrefix(prefix).build().dialect();
        UnitDataSource bound = new UnitDataSource(unit::get);
        Shard s = new Shard(e.getKey(), e.getValue(), jdbc(bound, d), jdbc(e.getValue(), d));
        bound.bind(s);
        built.put(e.getKey(), s);
      }
      return new ShardedMfaStore(unit, built, directory, built.get(homeName));
    }

    private JdbcMfaStore jdbc(DataSource ds, Dialect d) {
      return JdbcMfaStore.builder(ds).tablePrefix(prefix).clock(clock).dialect(d).build();
    }
  }
}
