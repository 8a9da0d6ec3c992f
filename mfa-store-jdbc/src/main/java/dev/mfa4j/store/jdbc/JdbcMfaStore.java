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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
      "backup_code", "device", "user_state", "audit", "policy", "counter", "password");

  private final Jdbc db;
  private final Clock clock;
  private final FactorStore factors;
  private final ChallengeStore challenges;
  private final BackupCodeStore backupCodes;
  private final DeviceStore devices;
  private final UserStateStore users;
  private final AuditStore audit;
  private final PolicyStore policies;
  private final CounterStore counters;
  private final PasswordStore passwords;

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

  /** The newest schema version bundled in this jar. */
  public static int latestSchemaVersion() {
    return Migrations.latestVersion();
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
