package dev.mfa4j.examples;

import dev.mfa4j.MfaEngine;
import dev.mfa4j.Passwords;
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
  private final DemoServer server;
  private int port;

  Demo(MfaEngine mfa, MfaStore store, PracticePolicy defaultPolicy, UserDirectory users,
      Passwords passwords, Supplier<List<SentMessage>> outbox, Clock clock,
      SecureRandom random, String origin, String practiceTitle) {
    this.mfa = mfa;
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
