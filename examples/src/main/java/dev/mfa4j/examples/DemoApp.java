package dev.mfa4j.examples;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.AuditSigner;
import dev.mfa4j.ExpiredDataPurge;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.Slf4jAuditListener;
import dev.mfa4j.sms.OneTimeCodeFactor;
import dev.mfa4j.store.jdbc.JdbcMfaStore;
import dev.mfa4j.totp.TotpFactor;
import dev.mfa4j.webauthn.PasskeyFactor;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Starts the demo practice web app: {@code java -jar examples/target/mfa4j-demo.jar} after {@code
 * mvn -q -B -DskipTests package -pl examples -am}.
 * Wires mfa4j the way a host would: a JDBC store on the host's database, AES-GCM for secrets at
 * rest, the host's password check, and the three factor providers.
 */
public final class DemoApp {
  /** The seeded practice. */
  static final String PRACTICE = "sunrise";
  static final String PRACTICE_NAME = "Sunrise Therapy";

  /** The seeded users and their passwords (a demo: printed at start, never do this for real). */
  static final List<Seed> SEEDS = List.of(
      new Seed(new DemoUser(PRACTICE, "u-ada", "ada@sunrise.example", "Ada Admin",
          DemoUser.Role.ADMIN), "maple-harbor-lantern-71"),
      new Seed(new DemoUser(PRACTICE, "u-sam", "sam@sunrise.example", "Sam Staff",
          DemoUser.Role.STAFF), "quiet-orchard-pebble-38"),
      new Seed(new DemoUser(PRACTICE, "u-cleo", "cleo@sunrise.example", "Cleo Client",
          DemoUser.Role.CLIENT), "silver-meadow-kettle-52"));

  /** A seeded user and the password they start with. */
  record Seed(DemoUser user, String password) {
    @Override
    public String toString() {
      return "Seed[" + user.email() + ", redacted]";
    }
  }

  private DemoApp() {}

  /** Runs the demo until the process is stopped. */
  public static void main(String[] args) throws Exception {
    DemoConfig config = DemoConfig.fromEnvironment();
    Demo demo = start(config, Clock.systemUTC(), new SecureRandom());
    URI origin = URI.create(originOf(config, demo.port()));
    System.out.println();
    System.out.println("mfa4j demo: " + origin + "   (listening on 127.0.0.1:" + demo.port() + ")");
    System.out.println("Database:   " + config.jdbcUrl().replaceAll("password=[^&;]*", "password=…"));
    System.out.println("Practice:   " + PRACTICE_NAME);
    for (Seed s : SEEDS) {
      System.out.printf("  %-7s %-24s password: %s%n",
          s.user().role().name().toLowerCase(java.util.Locale.ROOT), s.user().email(), s.password());
    }
    System.out.println("Text messages and calls go to " + origin + "/dev/outbox");
    config.auditLog().ifPresent(f -> System.out.println("Audit events are appended to " + f));
    System.out.println("Press Ctrl+C to stop.");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.stop();
      stopped.countDown();
    }));
    stopped.await();
  }

  static String originOf(DemoConfig config, int port) {
    return config.origin().orElse("http://localhost:" + port);
  }

  /**
   * Builds and starts the demo. When the port is 0 the origin is only known after binding, so the
   * passkey provider (bound to the origin) is created then.
   */
  static Demo start(DemoConfig config, Clock clock, SecureRandom random) throws Exception {
    java.net.ServerSocket probe = null;
    int port = config.port();
    if (port == 0) {
      probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
      port = probe.getLocalPort();
      probe.close();
    }
    String origin = originOf(config, port);

    DataSource db = dataSource(config);
    // The host's own tables and mfa4j's tables live in the same database.
    UserDirectory users = new UserDirectory(db);
    users.createTables();
    JdbcMfaStore store = JdbcMfaStore.builder(db).clock(clock).build();
    store.migrate();

    DemoOutbox outbox = new DemoOutbox(clock);
    byte[] key = config.secretKey().map(k -> Base64.getDecoder().decode(k)).orElseGet(() -> {
      byte[] k = new byte[32];
      random.nextBytes(k);
      return k;
    });
    PracticePolicy policy = PracticePolicy.builder()
        .rememberDevice(Duration.ofDays(30))
        .build();
    // mfa4j's built-in passwords (module mfa-passwords: Argon2id, NIST rules); a host may keep its
    // own instead and implement PrimaryCredentials. Built over the whole MfaStore so that the failure throttle
    // (10 wrong passwords per user in 15 minutes) limits online guessing at the sign-in form.
    Passwords passwords = Passwords.builder(store)
        .clock(clock)
        .random(random)
        .contextWords(u -> List.of(
            users.practiceName(u.practice().value()).orElse(u.practice().value()),
            users.find(u.practice().value(), u.user().value()).map(DemoUser::email).orElse("")))
        .build();

    // The key that signs checkpoints of the audit trail (engine.auditTrail().checkpoint): a
    // checkpoint kept outside the database is what exposes a rewrite of the whole trail. The demo
    // makes a new key at each start, with a new id so that an earlier start's checkpoints in a
    // persistent database are set aside rather than failing. A real host loads its Ed25519 key
    // pair from its secret store (AuditSigner.ed25519(id, privateKey, publicKey)), never from the
    // database, and gives the public key to its auditors, who verify checkpoints and exports with
    // it.
    byte[] keyTag = new byte[4];
    random.nextBytes(keyTag);
    AuditSigner auditSigner = AuditSigner.generate("demo-" + HexFormat.of().formatHex(keyTag));
    // Optionally, every audit event also goes out live as a JSON line (the shape of a SIEM feed).
    JsonLinesAuditForwarder forwarder = null;
    if (config.auditLog().isPresent()) {
      forwarder = JsonLinesAuditForwarder.appendingTo(Path.of(config.auditLog().get()));
    }

    // Passkeys: as the second step, and as the first (passwordless) sign-in. A passkey that
    // checked it's the person (fingerprint, face, PIN) signs in alone where the practice allows
    // it; one that only saw a touch (a security key without a PIN) is accepted as one factor and
    // the password is asked too, hence PREFERRED rather than the default REQUIRED.
    Set<String> passkeyOrigins = new java.util.LinkedHashSet<>(Set.of(origin));
    passkeyOrigins.addAll(config.relatedOrigins());
    PasskeyFactor passkeys = PasskeyFactor.builder()
        .relyingParty(URI.create(origin).getHost(), PRACTICE_NAME)
        .origins(passkeyOrigins)
        .passwordless(true)
        .passwordlessUserVerification(PasskeyFactor.UserVerification.PREFERRED)
        .build();

    MfaEngine.Builder builder = MfaEngine.builder()
        .store(store)
        .secretProtector(AesGcmSecretProtector.fromKey("demo-1", key))
        // mfa4j checks the password before sensitive changes, and runs the forced change and the
        // administrator's reset, through these credentials.
        .primaryCredentials(passwords)
        .factor(TotpFactor.builder().issuer(PRACTICE_NAME).build())
        .factor(OneTimeCodeFactor.builder()
            .sender(outbox)
            .practiceName(p -> users.practiceName(p.value()).orElse(p.value()))
            .defaultRegion("US")
            .build())
        .factor(passkeys)
        .auditListener(new Slf4jAuditListener())
        .auditSigner(auditSigner)
        // Security notices: a real host e-mails the user; the demo shows them in the outbox.
        .securityListener(notice -> users.find(notice.user().practice().value(),
                notice.user().user().value())
            .ifPresent(u -> outbox.email(u.email(), notice)))
        .defaultPolicy(policy)
        .clock(clock)
        .random(random);
    if (forwarder != null) {
      builder.auditListener(forwarder);
    }
    MfaEngine mfa = builder.build();
    seed(users, passwords, policy);
    Demo demo = new Demo(mfa, store, db, policy, users, passwords, outbox::messages, clock, random,
        origin, PRACTICE_NAME, passkeys, config.relatedOrigins());
    if (forwarder != null) {
      demo.closeOnStop(forwarder);
    }
    // mfa4j: expired ceremonies, ended throttle windows and expired remembered devices are
    // deleted by a scheduled purge (in small batches; safe on every node at once).
    java.util.concurrent.ScheduledExecutorService housekeeping =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread th = new Thread(r, "mfa4j-purge");
          th.setDaemon(true);
          return th;
        });
    housekeeping.scheduleWithFixedDelay(() -> {
      try {
        ExpiredDataPurge purged = mfa.purgeExpired();
        if (purged.total() > 0) {
          org.slf4j.LoggerFactory.getLogger(DemoApp.class).info("purged expired data: {}",
              purged);
        }
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(DemoApp.class).warn("purging expired data failed", e);
      }
    }, 15, 15, java.util.concurrent.TimeUnit.MINUTES);
    demo.closeOnStop(housekeeping::shutdownNow);
    demo.start(port);
    return demo;
  }

  /** The seeded practice and users, unless the database has users already. */
  static void seed(UserDirectory users, Passwords passwords, PracticePolicy policy) {
    if (!users.isEmpty()) {
      return;
    }
    users.addPractice(PRACTICE, PRACTICE_NAME);
    for (Seed s : SEEDS) {
      users.add(s.user());
      PasswordCheck check = passwords.set(s.user().ref(), Password.of(s.password()), policy, false);
      if (!check.accepted()) {
        throw new IllegalStateException("seed password refused for " + s.user().email());
      }
    }
  }

  private static DataSource dataSource(DemoConfig config) {
    String url = config.jdbcUrl();
    if (url.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setUrl(url);
      config.jdbcUser().ifPresent(pg::setUser);
      config.jdbcPassword().ifPresent(pg::setPassword);
      return pg;
    }
    if (url.startsWith("jdbc:h2:")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      h2.setUser(config.jdbcUser().orElse("sa"));
      h2.setPassword(config.jdbcPassword().orElse(""));
      return h2;
    }
    throw new IllegalArgumentException("the demo knows H2 and PostgreSQL JDBC URLs only");
  }
}
