package dev.mfa4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the demo practice web app: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar
 * examples/target/mfa4j-demo.jar --spring.profiles.active=dev} after {@code mvn -q -B -DskipTests
 * package -pl examples -am} (the JVM options only make it start sooner on a small machine).
 *
 * <p>A Spring Boot application on {@code mfa-spring-boot-starter}: the starter builds the mfa4j
 * engine (JDBC store on the application's database, AES-GCM for secrets at rest, authenticator
 * apps) from {@code mfa4j.*} properties, and the demo adds what a host adds: its users and
 * passwords ({@link HostConfiguration}), passkeys, and its pages and Spring Security rules ({@link
 * SecurityConfiguration}, {@link SignInFlow}). The {@code dev} profile adds text and voice codes
 * that go to a developer outbox page instead of phones.
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

  /**
   * Runs the demo until the process is stopped. With {@code -Dmfa4j.demo.train=true} it instead
   * starts, serves its sign-in page once, seeds its users and exits: the build runs it so under
   * {@code -XX:ArchiveClassesAtExit} to record the classes a start loads (see examples/pom.xml).
   */
  public static void main(String[] args) {
    long started = System.nanoTime();
    Demo demo = start(DemoConfig.fromEnvironment(), Clock.systemUTC(), new SecureRandom(), args);
    if (Boolean.getBoolean("mfa4j.demo.train")) {
      train(demo);
      return;
    }
    System.out.println();
    System.out.println("mfa4j demo: " + demo.origin() + "   (listening on 127.0.0.1:"
        + demo.port() + ")");
    System.out.println("Database:   " + demo.config().safeJdbcUrl());
    System.out.println("Practice:   " + PRACTICE_NAME);
    for (Seed s : SEEDS) {
      System.out.printf("  %-7s %-24s password: %s%n", s.user().roleName(), s.user().email(),
          s.password());
    }
    if (demo.outbox().isPresent()) {
      System.out.println("Text messages and calls go to " + demo.origin() + "/dev/outbox");
    } else {
      System.out.println("Text messages and calls are off: add --spring.profiles.active=dev for"
          + " the developer outbox.");
    }
    demo.config().auditLog().ifPresent(f -> System.out.println("Audit events are appended to "
        + f));
    System.out.printf(Locale.ROOT, "Started in %.1f s. Press Ctrl+C to stop.%n",
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Builds and starts the demo. Port 0 picks a free port first: passkeys are bound to the origin,
   * which must be known before the engine is built.
   *
   * @param args Spring Boot's command-line arguments, e.g. {@code --spring.profiles.active=dev}
   */
  static Demo start(DemoConfig requested, Clock clock, SecureRandom random, String... args) {
    DemoConfig config = requested.port() == 0 ? requested.withPort(freePort()) : requested;
    String key = config.secretKey().orElseGet(() -> {
      byte[] k = new byte[32];
      random.nextBytes(k);
      return Base64.getEncoder().encodeToString(k);
    });
    // The settings the demo works out itself go first: they win over application.properties.
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("server.port", config.port());
    settings.put("server.address", InetAddress.getLoopbackAddress().getHostAddress());
    settings.put("server.servlet.session.cookie.secure", config.secure());
    settings.put("spring.datasource.url", config.jdbcUrl());
    config.jdbcUser().ifPresent(u -> settings.put("spring.datasource.username", u));
    config.jdbcPassword().ifPresent(p -> settings.put("spring.datasource.password", p));
    // mfa4j's secret key (mfa4j.secret.*, read by the starter): the demo's, or one per start
    settings.put("mfa4j.secret.keys.demo-1", key);
    settings.put("mfa4j.secret.current", "demo-1");
    config.auditLog().ifPresent(f -> settings.put("demo.audit-log", f));

    SpringApplication app = new SpringApplication(DemoApplication.class);
    app.addInitializers(context -> {
      context.getEnvironment().getPropertySources()
          .addFirst(new MapPropertySource("mfa4j-demo", settings));
      // one clock for the engine, the pages and Spring Security's factor ages (tests move it)
      context.getBeanFactory().registerSingleton("clock", clock);
      context.getBeanFactory().registerSingleton("secureRandom", random);
      context.getBeanFactory().registerSingleton("demoConfig", config);
    });
    ConfigurableApplicationContext context = app.run(args);
    return new Demo(context, config);
  }

  /** One start's work, then a normal exit (a class archive is written at exit). */
  private static void train(Demo demo) {
    int status;
    try {
      URL page = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
          + demo.port() + "/signin").toURL();
      HttpURLConnection c = (HttpURLConnection) page.openConnection();
      status = c.getResponseCode();
      c.getInputStream().readAllBytes();
      c.disconnect();
      demo.awaitSeeded();
    } catch (IOException e) {
      throw new UncheckedIOException("the training run could not load its sign-in page", e);
    } finally {
      demo.close();
    }
    if (status != 200) {
      throw new IllegalStateException("the training run's sign-in page answered " + status);
    }
    System.out.println("mfa4j demo: training run done (sign-in page served, users seeded)");
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback address", e);
    }
  }
}
