package dev.mfa4j.ha;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary and a streaming standby, started from the server binaries of Debian's
 * {@code postgresql-15} package ({@code .ci/install-postgres.sh} installs them), on free ports of
 * 127.0.0.1 only. The servers run as the unprivileged user {@value #DEFAULT_OS_USER} when the
 * test JVM is root (through {@code runuser}), else as the JVM's own user. Missing binaries or a
 * missing user fail loudly, naming the install script.
 *
 * <p>Setup: {@code initdb} the primary (SCRAM for every TCP login), a replication role and a
 * physical slot, {@code pg_basebackup -R} the standby, start it, wait until it streams; with
 * {@link Replication#SYNCHRONOUS}, then name it in {@code synchronous_standby_names} and wait
 * until the primary reports it {@code sync}. Every server is stopped by {@link #close()} (also
 * from a shutdown hook), and the data directories are deleted; the server logs are kept under
 * {@code target/ha-logs/}.
 */
final class PgCluster implements AutoCloseable {
  static final String DEFAULT_OS_USER = "mfa4jpg";
  static final String INSTALL_HINT = "run .ci/install-postgres.sh (installs Debian's postgresql-15 "
      + "and creates the unprivileged user " + DEFAULT_OS_USER + ")";
  static final String STANDBY_NAME = "standby1";
  static final String DATABASE = "mfa4j";
  static final String APP_USER = "mfa4j";

  /** How the standby follows the primary. */
  enum Replication {
    /** {@code synchronous_standby_names = 'FIRST 1 (standby1)'}, {@code synchronous_commit = on}. */
    SYNCHRONOUS,
    /** No synchronous standby: a commit is acknowledged once it is on the primary's disk. */
    ASYNCHRONOUS
  }

  private static final Path BIN = Path.of(System.getProperty("mfa4j.pgBin",
      "/usr/lib/postgresql/15/bin"));
  private static final String OS_USER = System.getProperty("mfa4j.pgUser", DEFAULT_OS_USER);

  private final String name;
  private final Replication replication;
  private final boolean root;
  private final Path base;
  private final Path primaryDir;
  private final Path standbyDir;
  final int primaryPort;
  final int standbyPort;
  private final String superPassword = secret();
  private final String replicationPassword = secret();
  final String appPassword = secret();
  private final Thread hook;
  private boolean primaryRunning;
  private boolean standbyRunning;
  private boolean closed;

  private PgCluster(String name, Replication replication) throws IOException {
    this.name = name;
    this.replication = replication;
    for (String b : List.of("initdb", "pg_ctl", "pg_basebackup", "postgres")) {
      if (!Files.isExecutable(BIN.resolve(b))) {
        throw new IllegalStateException("PostgreSQL server binary " + BIN.resolve(b)
            + " is missing: the high-availability tests need a real primary and standby; "
            + INSTALL_HINT);
      }
    }
    this.root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    this.base = Files.createTempDirectory("mfa4j-ha-");
    if (root) {
      UserPrincipal owner;
      try {
        owner = base.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName(OS_USER);
      } catch (IOException e) {
        deleteTree(base);
        throw new IllegalStateException("the tests run as root and PostgreSQL refuses to: the "
            + "servers run as user " + OS_USER + ", which does not exist; " + INSTALL_HINT, e);
      }
      Files.setOwner(base, owner);
    }
    this.primaryDir = base.resolve("primary");
    this.standbyDir = base.resolve("standby");
    this.primaryPort = freePort();
    int s = freePort();
    while (s == primaryPort) {
      s = freePort();
    }
    this.standbyPort = s;
    this.hook = new Thread(this::close, "pg-cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts a primary and a streaming standby; {@code name} names the kept logs. */
  static PgCluster start(String name, Replication replication) {
    PgCluster c;
    try {
      c = new PgCluster(name, replication);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      c.setUp();
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw new IllegalStateException("the PostgreSQL primary and standby did not start (logs in "
          + logDir(name) + "): " + e.getMessage(), e);
    }
  }

  private void setUp() throws Exception {
    Path pwfile = writeOwned("superuser.pw", superPassword + "\n");
    run("initdb", "-D", primaryDir.toString(), "-U", "postgres", "--pwfile=" + pwfile,
        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
    Files.delete(pwfile);
    append(primaryDir.resolve("postgresql.conf"), String.join("\n",
        "# mfa4j high-availability test cluster",
        "listen_addresses = '127.0.0.1'",
        "port = " + primaryPort,
        "unix_socket_directories = ''",
        "max_connections = 60",
        "shared_buffers = 32MB",
        "wal_level = replica",
        "max_wal_senders = 4",
        "max_replication_slots = 4",
        "hot_standby = on",
        "synchronous_commit = on",
        "wal_sender_timeout = 10s",
        "wal_receiver_status_interval = 1s",
        // test machine only: the tests kill processes, never the machine, so the page cache
        // survives; production keeps fsync on
        "fsync = off",
        "log_min_messages = warning",
        ""));
    writeAsIs(primaryDir.resolve("pg_hba.conf"), String.join("\n",
        "# TYPE  DATABASE     USER        ADDRESS        METHOD",
        "host    replication  replicator  127.0.0.1/32   scram-sha-256",
        "host    all          all         127.0.0.1/32   scram-sha-256",
        ""));
    run("pg_ctl", "-D", primaryDir.toString(), "-l", base.resolve("primary.log").toString(),
        "-w", "-t", "60", "start");
    primaryRunning = true;
    try (Connection c = admin(primaryPort); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '"
          + replicationPassword + "'");
      st.execute("CREATE ROLE " + APP_USER + " WITH LOGIN PASSWORD '" + appPassword + "'");
      st.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_USER);
      st.execute("SELECT pg_create_physical_replication_slot('" + STANDBY_NAME + "')");
    }
    Path passfile = writeOwned("replication.pgpass",
        "127.0.0.1:" + primaryPort + ":*:replicator:" + replicationPassword + "\n");
    run(List.of("PGPASSFILE=" + passfile), "pg_basebackup", "-h", "127.0.0.1",
        "-p", String.valueOf(primaryPort), "-U", "replicator", "-w", "-D", standbyDir.toString(),
        "-X", "stream", "-R", "-S", STANDBY_NAME, "-c", "fast", "--no-sync");
    append(standbyDir.resolve("postgresql.conf"), "port = " + standbyPort + "\n");
    append(standbyDir.resolve("postgresql.auto.conf"), String.join("\n",
        "primary_conninfo = 'host=127.0.0.1 port=" + primaryPort + " user=replicator"
            + " passfile=''" + passfile + "'' application_name=" + STANDBY_NAME + "'",
        "primary_slot_name = '" + STANDBY_NAME + "'",
        ""));
    run("pg_ctl", "-D", standbyDir.toString(), "-l", base.resolve("standby.log").toString(),
        "-w", "-t", "60", "start");
    standbyRunning = true;
    awaitPrimary("SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
        + STANDBY_NAME + "' AND state = 'streaming'", "the standby to stream");
    if (replication == Replication.SYNCHRONOUS) {
      try (Connection c = admin(primaryPort); Statement st = c.createStatement()) {
        st.execute("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (" + STANDBY_NAME
            + ")'");
        st.execute("SELECT pg_reload_conf()");
      }
      awaitPrimary("SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
          + STANDBY_NAME + "' AND sync_state = 'sync'", "the standby to be synchronous");
    }
  }

  /**
   * PgJDBC's multi-host URL the engines use: both servers, and only the one that is primary
   * (writable) is taken. The timeouts bound how long a host waits on a dead server.
   */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort + "/"
        + DATABASE + "?targetServerType=primary&hostRecheckSeconds=2&connectTimeout=2"
        + "&loginTimeout=5&socketTimeout=30&tcpKeepAlive=true";
  }

  /** A superuser connection to one server's {@code postgres} database. */
  Connection admin(int port) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", superPassword);
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "30");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  /** The application role's connection to one server's {@value #DATABASE} database. */
  Connection app(int port) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", APP_USER);
    p.setProperty("password", appPassword);
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE,
        p);
  }

  /** Waits until the standby has replayed everything the primary has written so far. */
  void awaitStandbyCaughtUp() throws Exception {
    String lsn;
    try (Connection c = admin(primaryPort); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      lsn = rs.getString(1);
    }
    await(standbyPort, "SELECT CASE WHEN pg_last_wal_replay_lsn() >= '" + lsn
        + "'::pg_lsn THEN 1 ELSE 0 END", "the standby to replay up to " + lsn);
  }

  /**
   * Cuts the standby off the primary, as a network partition or a lagging standby would: its WAL
   * receiver is stopped ({@code primary_conninfo = ''} and a reload), so nothing the primary
   * writes from now on reaches it. Returns once the primary no longer has a WAL sender for it.
   */
  void cutOffStandby() throws Exception {
    try (Connection c = admin(standbyPort); Statement st = c.createStatement()) {
      st.execute("ALTER SYSTEM SET primary_conninfo = ''");
      st.execute("SELECT pg_reload_conf()");
    }
    await(standbyPort, "SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM pg_stat_wal_receiver",
        "the standby's WAL receiver to stop");
    awaitPrimary("SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM pg_stat_replication",
        "the primary's WAL sender to go");
  }

  /** Kills the primary: {@code pg_ctl stop -m immediate} (no checkpoint, clients cut off). */
  void killPrimary() {
    run("pg_ctl", "-D", primaryDir.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
    primaryRunning = false;
  }

  /** Promotes the standby ({@code pg_ctl promote}) and waits until it accepts writes. */
  void promoteStandby() {
    run("pg_ctl", "-D", standbyDir.toString(), "-w", "-t", "60", "promote");
  }

  private void awaitPrimary(String oneIfDone, String what) throws Exception {
    await(primaryPort, oneIfDone, what);
  }

  private void await(int port, String oneIfDone, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Connection c = admin(port); Statement st = c.createStatement()) {
      while (true) {
        try (ResultSet rs = st.executeQuery(oneIfDone)) {
          rs.next();
          if (rs.getLong(1) >= 1) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out waiting for " + what);
        }
        Thread.sleep(50);
      }
    }
  }

  /** Stops both servers at once (immediate), keeps their logs and deletes the data. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (standbyRunning) {
      runQuietly("pg_ctl", "-D", standbyDir.toString(), "-m", "immediate", "-w", "stop");
      standbyRunning = false;
    }
    if (primaryRunning) {
      runQuietly("pg_ctl", "-D", primaryDir.toString(), "-m", "immediate", "-w", "stop");
      primaryRunning = false;
    }
    try {
      Path logs = logDir(name);
      Files.createDirectories(logs);
      for (String f : List.of("primary.log", "standby.log", "commands.log")) {
        if (Files.exists(base.resolve(f))) {
          Files.copy(base.resolve(f), logs.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException ignored) {
      // the logs are a convenience
    }
    deleteTree(base);
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is going down already
      }
    }
  }

  private static Path logDir(String name) {
    return Path.of("target", "ha-logs", name).toAbsolutePath();
  }

  private void run(String... command) {
    run(List.of(), command);
  }

  private void run(List<String> env, String... command) {
    int rc = exec(env, command);
    if (rc != 0) {
      String log;
      try {
        List<String> lines = Files.readAllLines(base.resolve("commands.log"));
        log = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        log = "(no log)";
      }
      throw new IllegalStateException(command[0] + " exited with " + rc + ":\n" + log);
    }
  }

  private void runQuietly(String... command) {
    try {
      exec(List.of(), command);
    } catch (RuntimeException ignored) {
      // best effort while cleaning up
    }
  }

  private int exec(List<String> env, String... command) {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    cmd.add(BIN.resolve(command[0]).toString());
    cmd.addAll(List.of(command).subList(1, command.length));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("commands.log").toFile()));
    pb.environment().put("LC_ALL", "C");
    for (String e : env) {
      int eq = e.indexOf('=');
      pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    try {
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command[0] + " did not finish within 120 s");
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A file only the server's user can read (a password file), in the cluster's directory. */
  private Path writeOwned(String file, String text) throws IOException {
    Path p = base.resolve(file);
    Files.writeString(p, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    if (root) {
      Files.setOwner(p, Files.getOwner(base));
    }
    return p;
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, "\n" + text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static void writeAsIs(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static String secret() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files; best effort
    }
  }
}
