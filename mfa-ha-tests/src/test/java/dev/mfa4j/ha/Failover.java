package dev.mfa4j.ha;

import com.zaxxer.hikari.HikariDataSource;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.tck.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One failover under sign-in load: {@value #NODES} app nodes (engines with pools of their own on
 * PgJDBC's multi-host URL) sign users in while the primary is killed and, after a pause standing
 * for the operator's (or a failover manager's) decision, the standby is promoted; optionally the
 * standby is cut off first, so that what the primary acknowledges from then on never reaches it.
 * Then every answer that returned {@code Authenticated} is looked up on the promoted standby
 * ({@link #recorded}) and replayed against it ({@link #replayable}).
 */
final class Failover {
  static final int NODES = 4;
  static final int USERS_PER_NODE = 5;
  static final long PAUSE_MILLIS = 15;
  static final long LOAD_MILLIS = 1_500;
  static final long BURST_MILLIS = 1_000;
  static final long DOWN_MILLIS = 3_000;
  static final int SUCCESSES_AFTER = 3;

  /** Times (System.nanoTime) of the events, and every sign-in's outcome. */
  record Run(List<SignInLoad.Outcome> outcomes, long cutOff, long kill, long killed,
      long promote, long promoted) {
    List<SignInLoad.Outcome> authenticated() {
      return outcomes.stream().filter(SignInLoad.Outcome::authenticated).toList();
    }

    List<SignInLoad.Outcome> unexpectedErrors() {
      return outcomes.stream().filter(o -> o.error() != null
          && !(o.error() instanceof dev.mfa4j.StoreException)).toList();
    }

    List<SignInLoad.Outcome> failed() {
      return outcomes.stream().filter(o -> o.error() != null).toList();
    }

    /** Sign-ins that started after the primary was gone and ended before the promotion began. */
    List<SignInLoad.Outcome> whileNoPrimary() {
      return outcomes.stream().filter(o -> o.startNanos() >= killed && o.endNanos() <= promote)
          .toList();
    }

    /**
     * Sign-ins that started after the standby was cut off and ended before the promotion began:
     * only the old primary could have answered them.
     */
    List<SignInLoad.Outcome> whileCutOff() {
      return cutOff < 0 ? List.of() : outcomes.stream()
          .filter(o -> o.startNanos() >= cutOff && o.endNanos() <= promote).toList();
    }

    /** From the first failed call to the first authenticated sign-in after it, in ms. */
    double failoverSeenByHostMillis() {
      long firstFailure = failed().stream().mapToLong(SignInLoad.Outcome::endNanos).min()
          .orElse(-1);
      if (firstFailure < 0) {
        return Double.NaN;
      }
      long firstSuccess = outcomes.stream().filter(o -> o.authenticated()
          && o.endNanos() > firstFailure).mapToLong(SignInLoad.Outcome::endNanos).min()
          .orElse(-1);
      return firstSuccess < 0 ? Double.NaN : (firstSuccess - firstFailure) / 1e6;
    }

    /** From the promotion's start to the first authenticated sign-in after it, in ms. */
    double promotionToFirstSuccessMillis() {
      long first = outcomes.stream().filter(o -> o.authenticated() && o.endNanos() > promote)
          .mapToLong(SignInLoad.Outcome::endNanos).min().orElse(-1);
      return first < 0 ? Double.NaN : (first - promote) / 1e6;
    }
  }

  private final PgCluster cluster;
  private final Accounts accounts;
  private final List<HikariDataSource> pools = new ArrayList<>();
  private final List<SignInLoad> loads = new ArrayList<>();

  Failover(PgCluster cluster) {
    this.cluster = cluster;
    this.accounts = new Accounts(cluster);
  }

  /** Migrates the schema through the multi-host URL and enrolls every node's users. */
  void prepare() throws Exception {
    for (int n = 0; n < NODES; n++) {
      HikariDataSource pool = accounts.pool("node-" + n, 3);
      pools.add(pool);
      JdbcMfaStore store = Accounts.store(pool);
      if (n == 0) {
        store.migrate();
      }
      MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
      OutboxSender outbox = new OutboxSender();
      MfaEngine engine = accounts.engine(store, clock, outbox);
      List<Accounts.Account> users = new ArrayList<>();
      for (int u = 0; u < USERS_PER_NODE; u++) {
        users.add(Accounts.enroll(engine, clock, outbox, UserRef.staff("ha-node-" + n,
            "user-" + u), String.format(Locale.ROOT, "+4474001234%d%d", n, u)));
      }
      SignInLoad load = new SignInLoad(n, engine, clock, outbox, users, PAUSE_MILLIS);
      loads.add(load);
    }
    cluster.awaitStandbyCaughtUp();
  }

  /**
   * Signs in under load; cuts the standby off first if asked (and lets the load run on); kills
   * the primary; waits; promotes the standby; runs until every node has signed in {@value
   * #SUCCESSES_AFTER} times after the promotion; stops the load.
   */
  Run run(boolean cutOffFirst) throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (SignInLoad l : loads) {
      Thread t = new Thread(l, "sign-in-node-" + l.node);
      threads.add(t);
      t.start();
    }
    long cutOff = -1;
    long kill;
    long killed;
    long promote;
    long promoted;
    try {
      Thread.sleep(LOAD_MILLIS);
      if (cutOffFirst) {
        cluster.cutOffStandby();
        cutOff = System.nanoTime(); // the standby's WAL receiver is gone
        Thread.sleep(BURST_MILLIS);
      }
      kill = System.nanoTime();
      cluster.killPrimary();
      killed = System.nanoTime();
      Thread.sleep(DOWN_MILLIS);
      promote = System.nanoTime();
      cluster.promoteStandby();
      promoted = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (loads.stream().anyMatch(l -> l.authenticatedSince(promoted) < SUCCESSES_AFTER)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      loads.forEach(SignInLoad::stop);
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
    }
    List<SignInLoad.Outcome> all = new ArrayList<>();
    loads.forEach(l -> all.addAll(l.outcomes()));
    all.sort(Comparator.comparingLong(SignInLoad.Outcome::startNanos));
    return new Run(all, cutOff, kill, killed, promote, promoted);
  }

  /**
   * Whether the promoted standby holds what this authenticated answer wrote: its challenge
   * consumed, and the TOTP step recorded on the factor or the backup code marked used.
   */
  boolean recorded(Connection c, SignInLoad.Outcome o) throws SQLException {
    String p = Accounts.TABLE_PREFIX;
    try (PreparedStatement st = c.prepareStatement(
        "SELECT consumed IS NOT NULL FROM " + p + "challenge WHERE id_hash = ?")) {
      st.setBytes(1, o.challenge().hash());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next() || !rs.getBoolean(1)) {
          return false;
        }
      }
    }
    switch (o.kind()) {
      case TOTP -> {
        long step = o.at().getEpochSecond()
            / o.account().uri.parameters().period().getSeconds();
        try (PreparedStatement st = c.prepareStatement(
            "SELECT counter FROM " + p + "factor WHERE id = ?")) {
          st.setString(1, o.account().totp.value());
          try (ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getLong(1) >= step;
          }
        }
      }
      case BACKUP -> {
        String lookup = o.answer().replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT)
            .substring(0, 4);
        try (PreparedStatement st = c.prepareStatement("SELECT used IS NOT NULL FROM " + p
            + "backup_code WHERE practice = ? AND user_id = ? AND lookup_id = ?")) {
          UserRef u = o.account().user;
          st.setString(1, u.practice().value());
          st.setString(2, u.user().value());
          st.setString(3, lookup);
          try (ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
          }
        }
      }
      default -> {
        return true;
      }
    }
  }

  /** SIGN_IN_SUCCEEDED audit rows of one user on the promoted standby. */
  static long signInAuditRows(Connection c, UserRef u) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM "
        + Accounts.TABLE_PREFIX + "audit WHERE practice = ? AND subject = ? AND type = ?")) {
      st.setString(1, u.practice().value());
      st.setString(2, u.user().value());
      st.setString(3, "SIGN_IN_SUCCEEDED");
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** An engine per node on the promoted standby, through the same multi-host URL, for replays. */
  final class Replayer implements AutoCloseable {
    private final HikariDataSource pool = accounts.pool("replay", 2);
    private final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    private final MfaEngine engine = accounts.engine(Accounts.store(pool), clock,
        new OutboxSender());

    /**
     * Answers again, at the moment it was first answered: into the same challenge, and (TOTP,
     * backup code) into a new challenge. True if any replay is authenticated.
     */
    boolean replayable(SignInLoad.Outcome o) {
      clock.set(o.at());
      UserRef user = o.account().user;
      LoginStep same = engine.login().verify(user, o.challenge(), o.typed(), RememberDevice.NO,
          Accounts.REQUEST);
      if (same instanceof LoginStep.Authenticated) {
        return true;
      }
      if (o.kind() == SignInLoad.Kind.SMS) {
        return false; // an SMS code belongs to its challenge: the same challenge is the replay
      }
      LoginStep first = engine.login().afterPrimary(user, Accounts.REQUEST);
      if (!(first instanceof LoginStep.SecondFactorRequired s)) {
        throw new AssertionError("replay of " + o + " could not start a sign-in: " + first);
      }
      ChallengeId fresh = s.challenge();
      return engine.login().verify(user, fresh, o.typed(), RememberDevice.NO, Accounts.REQUEST)
          instanceof LoginStep.Authenticated;
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  void close() {
    loads.forEach(SignInLoad::stop);
    pools.forEach(HikariDataSource::close);
  }
}
