package dev.mfa4j.examples;

import dev.mfa4j.MfaEngine;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.MfaStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The running demo: the host's parts (users, passwords, sessions, pages) around one engine. */
final class Demo {
  final MfaEngine mfa;
  final MfaStore store;
  final PracticePolicy defaultPolicy;
  final UserDirectory users;
  final Passwords passwords;
  final SessionStore sessions;
  final Cookies cookies;
  final Layout layout;
  final Supplier<List<SentMessage>> outbox;
  final Clock clock;
  /** The host's database (mfa4j's tables and the demo's); tests reach it to play an intruder. */
  final DataSource db;
  private final DemoServer server;
  private final List<AutoCloseable> closeOnStop = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int port;

  Demo(MfaEngine mfa, MfaStore store, DataSource db, PracticePolicy defaultPolicy,
      UserDirectory users, Passwords passwords, Supplier<List<SentMessage>> outbox, Clock clock,
      SecureRandom random, String origin, String practiceTitle) {
    this.mfa = mfa;
    this.db = db;
    this.store = store;
    this.defaultPolicy = defaultPolicy;
    this.users = users;
    this.passwords = passwords;
    this.outbox = outbox;
    this.clock = clock;
    this.sessions = new SessionStore(random, clock);
    this.cookies = new Cookies(origin.startsWith("https://"));
    this.layout = new Layout(practiceTitle);
    this.server = new DemoServer(sessions, cookies, origin, layout);
    SignInController signIn = new SignInController(this);
    signIn.routes(server);
    new SecurityController(this, signIn).routes(server);
    new AdminController(this).routes(server);
    new OutboxController(this).routes(server);
    server.get("/", this::home);
  }

  /** Starts listening on the loopback address only. */
  int start(int requestedPort) throws IOException {
    port = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort));
    return port;
  }

  /** The port it listens on. */
  int port() {
    return port;
  }

  void stop() {
    server.stop();
    for (AutoCloseable c : closeOnStop) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Demo.class).warn("closing {} failed", c, e);
      }
    }
  }

  /** Closes {@code c} when the demo stops (after the server: no request still uses it). */
  void closeOnStop(AutoCloseable c) {
    closeOnStop.add(c);
  }

  /** The practice's policy as mfa4j applies it. */
  PracticePolicy policy(String practice) {
    return store.policies().find(PracticeId.of(practice)).orElse(defaultPolicy);
  }

  /** How long "remember this device" lasts for this user's practice (zero: not offered). */
  Duration rememberFor(DemoUser user) {
    return policy(user.practice()).rememberDevice();
  }

  private Response home(Request r) {
    DemoUser u = r.session.user().orElse(null);
    if (u == null) {
      return Response.redirect("/signin");
    }
    String codes = r.session.takeBackupCodes().map(Views::backupCodes).orElse("");
    return Response.ok(layout.page(r, "Welcome, " + u.name(), codes
        + "<p id=\"signed-in\">You are signed in as " + Html.h(u.email()) + " ("
        + Html.h(u.role().name().toLowerCase(java.util.Locale.ROOT)) + ").</p>"
        + "<ul><li><a href=\"/account/security\">Profile &amp; security</a></li>"
        + (u.role() == DemoUser.Role.ADMIN ? "<li><a href=\"/admin\">Administration</a></li>" : "")
        + "</ul>"));
  }
}
