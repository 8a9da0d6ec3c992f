package dev.mfa4j.store.jdbc;

import dev.mfa4j.StoreException;
import dev.mfa4j.spi.AuditStore;
import dev.mfa4j.spi.BackupCodeStore;
import dev.mfa4j.spi.ChallengeStore;
import dev.mfa4j.spi.CounterStore;
import dev.mfa4j.spi.DeviceStore;
import dev.mfa4j.spi.FactorStore;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.spi.PasswordStore;
import dev.mfa4j.spi.PolicyStore;
import dev.mfa4j.spi.UserStateStore;
import dev.mfa4j.FactorId;
import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.spi.Answering;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.ChallengeRecord;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Settlement;
import dev.mfa4j.spi.UserSecurityState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The mfa4j store over plain JDBC on the host's {@link DataSource}: PostgreSQL, MariaDB/MySQL or
 * H2. Prepared statements only, no ORM.
 *
 * <p>Every single-use consumption and counter advance is one conditional statement ({@code UPDATE …
 * WHERE used IS NULL}, {@code WHERE counter < ?}), so that several app nodes sharing the database
 * accept a code, backup code or challenge at most once. Operations writing several rows (replacing
 * a set of backup codes) run in one transaction. Every failure is a {@link StoreException} naming
 * the operation and SQLState, never a value; a row that cannot be read back (unknown enum, bad id,
 * oversized text) fails only the call that read it.
 *
 * <p>Instants are stored in UTC with microsecond precision; finer digits are truncated.
 *
 * <p>Schema: run {@link #migrate()} at start-up, or apply the scripts in {@code
 * db/mfa4j/<dialect>/} (see {@link Dialect#migrationsLocation()}) with Flyway or Liquibase,
 * setting the placeholder {@code prefix} to the table prefix.
 *
 * <pre>{@code
 * JdbcMfaStore store = JdbcMfaStore.builder(dataSource).tablePrefix("mfa_").build();
 * store.migrate();
 * MfaEngine engine = MfaEngine.builder().store(store)...build();
 * }</pre>
 */
public final class JdbcMfaStore implements MfaStore {
  /** The default table prefix. */
  public static final String DEFAULT_PREFIX = "mfa_";

  private static final Pattern PREFIX = Pattern.compile("[a-z0-9_]{0,16}");
  private static final List<String> TABLES = List.of("factor", "challenge", "challenge_state",
      "backup_code", "device", "user_state", "audit", "policy", "counter", "password",
      "audit_head", "audit_checkpoint");

  private final Jdbc db;
  private final Clock clock;
  private final JdbcFactorStore factors;
  private final JdbcChallengeStore challenges;
  private final JdbcBackupCodeStore backupCodes;
  private final JdbcDeviceStore devices;
  private final JdbcUserStateStore users;
  private final JdbcAuditStore audit;
  private final PolicyStore policies;
  private final CounterStore counters;
  private final PasswordStore passwords;
  private final Jdbc.RowMapper<UserSecurityState> answerState;
  private final Jdbc.RowMapper<ChallengeRecord> answerChallenge;
  private final Jdbc.RowMapper<FactorRecord> answerFactor;

  private JdbcMfaStore(Jdbc db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.factors = new JdbcFactorStore(db);
    this.challenges = new JdbcChallengeStore(db);
    this.backupCodes = new JdbcBackupCodeStore(db);
    this.devices = new JdbcDeviceStore(db);
    this.users = new JdbcUserStateStore(db);
    this.audit = new JdbcAuditStore(db);
    this.policies = new JdbcPolicyStore(db, clock);
    this.counters = new JdbcCounterStore(db);
    this.passwords = new JdbcPasswordStore(db);
    this.answerState = Jdbc.aliased("u", users.mapper());
    this.answerChallenge = Jdbc.aliased("c", challenges.mapper());
    this.answerFactor = Jdbc.aliased("f", factors.mapper());
  }

  /**
   * A store with the default prefix ({@value #DEFAULT_PREFIX}) and the dialect detected from the
   * database.
   *
   * @throws StoreException if the database cannot be reached or is not one mfa4j knows
   */
  public static JdbcMfaStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** A builder over the host's data source. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Creates or upgrades the schema to the version this jar bundles. Idempotent; safe when several
   * nodes call it at once (they serialize on a row lock in {@code <prefix>schema_version}).
   *
   * @throws StoreException if a migration fails
   */
  public void migrate() {
    new Migrations(db, clock).migrate();
  }

  /** The dialect in use. */
  public Dialect dialect() {
    return db.dialect;
  }

  /** The table prefix in use. */
  public String tablePrefix() {
    return db.prefix;
  }

  /** The names of the tables holding mfa4j's data (without the schema-version table). */
  public List<String> tableNames() {
    return TABLES.stream().map(t -> db.prefix + t).toList();
  }

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
   * Binds one pooled connection (auto-commit off) to the current thread while {@code work} runs:
   * every repository of this store uses it, and it commits when {@code work} returns or rolls
   * back when it throws (rethrown unchanged). A unit inside another of this store joins it.
   *
   * @throws StoreException if the unit cannot begin or commit
   */
  @Override
  public <T> T atomically(Supplier<T> work) {
    return db.atomically(Objects.requireNonNull(work, "work"));
  }

  /**
   * One statement: the user's state, the ceremony and (if named) the factor, joined and locked
   * ({@code SELECT … FOR UPDATE} locks the rows of every joined table, so that on PostgreSQL a
   * unit that waited for the lock re-reads all three as the previous unit left them). If the join
   * finds no row (no state recorded yet, unknown ceremony or another user's, no such factor),
   * falls back to the three separate reads of {@link MfaStore#answering}.
   */
  @Override
  public Answering answering(byte[] challenge, PracticeId practice, UserId user,
      Optional<FactorId> factor) {
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(factor, "factor");
    boolean withFactor = factor.isPresent();
    String sql = "SELECT " + JdbcUserStateStore.columnsAs("u") + ", "
        + JdbcChallengeStore.columnsAs("c")
        + (withFactor ? ", " + JdbcFactorStore.columnsAs("f") : "")
        + " FROM " + users.table() + " u JOIN " + challenges.table()
        + " c ON c.practice = u.practice AND c.user_id = u.user_id"
        + (withFactor ? " JOIN " + factors.table()
            + " f ON f.practice = u.practice AND f.user_id = u.user_id" : "")
        + " WHERE u.practice = ? AND u.user_id = ? AND c.id_hash = ?"
        + (withFactor ? " AND f.id = ?" : "") + " FOR UPDATE";
    Object[] params = withFactor
        ? Jdbc.args(practice.value(), user.value(), challenge, factor.get().value())
        : Jdbc.args(practice.value(), user.value(), challenge);
    Optional<Answering> joined = db.tx("read answer", c -> Jdbc.queryOne(c, sql,
        rs -> new Answering(answerState.map(rs), Optional.of(answerChallenge.map(rs)),
            withFactor ? Optional.of(answerFactor.map(rs)) : Optional.empty()), params));
    return joined.orElseGet(() -> MfaStore.super.answering(challenge, practice, user, factor));
  }

  /**
   * Writes the settlement with the repositories' own statements, in the order of {@link
   * MfaStore#settle} (the attempt and the completion are one UPDATE). On PostgreSQL all of them go
   * in one round trip (one prepared statement of {@code ;}-separated statements, one update count
   * each); on MariaDB and H2 one by one, stopping at the first conditional write that did not
   * hold. Outside a unit, runs as one.
   */
  @Override
  public boolean settle(Settlement s) {
    Objects.requireNonNull(s, "settlement");
    if (!db.inUnit()) {
      return atomically(() -> settle(s));
    }
    List<Step> steps = steps(s);
    return db.tx("settle answer", c -> db.dialect == Dialect.POSTGRESQL
        ? settleInOneRoundTrip(c, steps) : settleOneByOne(c, steps));
  }

  /**
   * One write of a settlement: {@code required} ones must change exactly one row (else the
   * settlement fails); {@code ifNoRow}, if given, writes through the repository when the
   * statement found no row (a user state row not created yet).
   */
  private record Step(Jdbc.Sql sql, boolean required, Runnable ifNoRow) {}

  private List<Step> steps(Settlement s) {
    PracticeId p = s.practice();
    UserId u = s.user();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(challenges.takeAttemptSql(s.challenge(), s.at(), s.complete()), true, null));
    s.use().ifPresent(use -> {
      steps.add(new Step(factors.recordUseSql(p, u, use.id(), use.counter(), s.at()), true, null));
      use.attributes().ifPresent(a -> steps.add(new Step(
          factors.updateSql(p, u, use.id(), use.label(), Codec.encodeMap(a)), true, null)));
    });
    s.failedFactor().ifPresent(f -> {
      steps.add(new Step(factors.addFailureSql(p, u, f.id()), false, null));
      if (f.disable()) {
        steps.add(new Step(factors.transitionSql(p, u, f.id(), FactorState.ACTIVE,
            FactorState.DISABLED), false, null));
      }
    });
    s.spentBackupCode().ifPresent(code ->
        steps.add(new Step(backupCodes.consumeSql(p, u, code, s.at()), true, null)));
    if (s.userChange() instanceof Settlement.SignedIn in) {
      steps.add(new Step(users.signInSql(p, u, in.signIn()), false,
          () -> users.recordSignIn(p, u, in.signIn())));
    } else if (s.userChange() instanceof Settlement.Failed failed) {
      steps.add(new Step(users.addFailureSql(p, u), false, () -> users.recordFailure(p, u)));
      failed.lockUntil().ifPresent(t -> steps.add(new Step(users.extendLockSql(p, u, t), false,
          () -> users.lockUntil(p, u, t))));
    }
    s.device().ifPresent(d -> steps.add(new Step(devices.insertSql(d), false, null)));
    if (!s.audit().isEmpty()) {
      List<Jdbc.Sql> appends = audit.appendSql(s.audit());
      int heads = JdbcAuditStore.headUpdates(s.audit());
      for (int i = 0; i < appends.size(); i++) {
        // the rows, then each practice's head: it must move from where the engine read it; if
        // it moved meanwhile (its lock did not hold), the unit is run again on fresh reads
        boolean head = i >= appends.size() - heads;
        steps.add(new Step(appends.get(i), false, head ? JdbcAuditStore::headMoved : null));
      }
    }
    return steps;
  }

  private static boolean settleOneByOne(Connection c, List<Step> steps) throws SQLException {
    for (Step step : steps) {
      int n = Jdbc.update(c, step.sql());
      if (step.required() && n != 1) {
        return false;
      }
      if (n == 0 && step.ifNoRow() != null) {
        step.ifNoRow().run();
      }
    }
    return true;
  }

  private static boolean settleInOneRoundTrip(Connection c, List<Step> steps)
      throws SQLException {
    StringBuilder text = new StringBuilder();
    List<Object> params = new ArrayList<>();
    for (Step step : steps) {
      if (text.length() > 0) {
        text.append(";\n");
      }
      text.append(step.sql().text());
      params.addAll(Arrays.asList(step.sql().params()));
    }
    int[] counts = new int[steps.size()];
    int seen = 0;
    try (PreparedStatement ps = Jdbc.prepare(c, text.toString(), params.toArray())) {
      boolean rows = ps.execute();
      while (true) {
        if (rows) {
          throw new SQLException("settlement statement returned rows", "XX000");
        }
        int n = ps.getUpdateCount();
        if (n == -1) {
          break;
        }
        if (seen == counts.length) {
          throw new SQLException("settlement returned more update counts than statements",
              "XX000");
        }
        counts[seen++] = n;
        rows = ps.getMoreResults();
      }
    }
    if (seen != counts.length) {
      throw new SQLException("settlement returned fewer update counts than statements", "XX000");
    }
    for (int i = 0; i < counts.length; i++) {
      if (steps.get(i).required() && counts[i] != 1) {
        return false;
      }
    }
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0 && steps.get(i).ifNoRow() != null) {
        steps.get(i).ifNoRow().run();
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "JdbcMfaStore[" + db.dialect + ", prefix=" + db.prefix + "]";
  }

  /** Configures a {@link JdbcMfaStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String prefix = DEFAULT_PREFIX;
    private Dialect dialect;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of every table name: 0 to 16 characters of {@code [a-z0-9_]}.
     *
     * @throws IllegalArgumentException on anything else
     */
    public Builder tablePrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException("table prefix must be 0 to 16 characters of [a-z0-9_]");
      }
      this.prefix = prefix;
      return this;
    }

    /** The dialect, instead of detecting it from the database's metadata. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The clock stamping schema versions and policy changes (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the store; detects the dialect unless one was given.
     *
     * @throws StoreException if detection fails (database unreachable or unknown)
     */
    public JdbcMfaStore build() {
      Dialect d = dialect != null ? dialect : detect(dataSource);
      return new JdbcMfaStore(new Jdbc(dataSource, d, prefix), clock);
    }

    private static Dialect detect(DataSource dataSource) {
      String product;
      Optional<Dialect> found;
      try (Connection c = dataSource.getConnection()) {
        product = c.getMetaData().getDatabaseProductName();
        found = Dialect.fromProductName(product);
      } catch (SQLException e) {
        throw Jdbc.failure("detect dialect", e);
      }
      return found.orElseThrow(() -> new StoreException(
          "JDBC store: unsupported database " + product + "; give a Dialect explicitly"));
    }
  }
}
