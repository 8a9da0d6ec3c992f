package dev.mfa4j.examples;

import dev.mfa4j.MfaEngine;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.webauthn.PasskeyFactor;
import dev.mfa4j.webauthn.RelatedOrigins;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
  /** The passkey provider (it also reads a refused passkey answer for the browser). */
  final PasskeyFactor passkeys;
  /** What {@code /.well-known/webauthn} serves; null when no other site may use our passkeys. */
  private final String relatedOriginsJson;
  private final DemoServer server;
  private final List<AutoCloseable> closeOnStop = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int port;

  Demo(MfaEngine mfa, MfaStore store, DataSource db, PracticePolicy defaultPolicy,
      UserDirectory users, Passwords passwords, Supplier<List<SentMessage>> outbox, Clock clock,
      SecureRandom random, String origin, String practiceTitle, PasskeyFactor passkeys,
      Set<String> relatedOrigins) {
    this.mfa = mfa;
    this.passkeys = passkeys;
    // mfa4j: checks the origins now, so a mistyped setting stops the start rather than a request
    this.relatedOriginsJson = relatedOrigins.isEmpty() ? null
        : RelatedOrigins.wellKnownJson(relatedOrigins);
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
    StepUpController stepUp = new StepUpController(this);
    stepUp.routes(server);
    new HomeController(this, stepUp).routes(server);
    new SecurityController(this, signIn, stepUp).routes(server);
    new AdminController(this, stepUp).routes(server);
    new OutboxController(this).routes(server);
    server.get("/.well-known/webauthn", this::relatedOriginsFile);
  }

  /**
   * The list of other sites that may use this site's passkeys (WebAuthn related origins), for
   * browsers; only when the demo is configured with some.
   */
  private Response relatedOriginsFile(Request r) {
    if (relatedOriginsJson == null) {
      throw new dev.mfa4j.NotFoundException("no related origins");
    }
    return Response.json(200, relatedOriginsJson);
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
}
