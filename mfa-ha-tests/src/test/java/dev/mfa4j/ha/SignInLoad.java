package dev.mfa4j.ha;

import dev.mfa4j.Answer;
import dev.mfa4j.ChallengeId;
import dev.mfa4j.LoginStep;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.RememberDevice;
import dev.mfa4j.StoreException;
import dev.mfa4j.UserRef;
import dev.mfa4j.sms.OutboxSender;
import dev.mfa4j.tck.MutableClock;
import dev.mfa4j.totp.Otp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One app node signing users in over and over, on its own thread: password checked (by the host,
 * here assumed), {@code afterPrimary}, then a TOTP code, an SMS code (sent by {@code prompt}) or
 * a backup code, in turn. Its users are in a practice of its own and its clock moves a day per
 * sign-in, so every TOTP answer is a fresh time step and no send limit or lockout window carries
 * over. Each call's result or error is recorded with the time it started and ended.
 */
final class SignInLoad implements Runnable {
  /** The answer a sign-in gave. */
  enum Kind { TOTP, SMS, BACKUP }

  /**
   * One sign-in: what was answered (kept for the replays; {@link #toString()} hides it) and how
   * it ended: {@code result}, or {@code error} if a call threw.
   */
  record Outcome(int node, Accounts.Account account, Kind kind, Instant at, ChallengeId challenge,
      String answer, long startNanos, long endNanos, LoginStep result, RuntimeException error) {
    boolean authenticated() {
      return result instanceof LoginStep.Authenticated;
    }

    Answer typed() {
      return switch (kind) {
        case TOTP -> Answer.code(account.totp, answer);
        case SMS -> Answer.code(account.phone, answer);
        case BACKUP -> Answer.backupCode(answer);
      };
    }

    @Override
    public String toString() {
      return "node " + node + " " + account + " " + kind + " at " + at + ": "
          + (error != null ? error.getClass().getSimpleName() + " " + error.getMessage()
              : result);
    }
  }

  private static final Kind[] ROTATION = Kind.values();

  final int node;
  final MfaEngine engine;
  final MutableClock clock;
  final OutboxSender outbox;
  final List<Accounts.Account> accounts;
  private final long pauseMillis;
  private final List<Outcome> outcomes = new ArrayList<>();
  private volatile boolean stop;
  private int iteration;

  SignInLoad(int node, MfaEngine engine, MutableClock clock, OutboxSender outbox,
      List<Accounts.Account> accounts, long pauseMillis) {
    this.node = node;
    this.engine = engine;
    this.clock = clock;
    this.outbox = outbox;
    this.accounts = accounts;
    this.pauseMillis = pauseMillis;
  }

  void stop() {
    stop = true;
  }

  /** What this node saw; read after its thread ended. */
  List<Outcome> outcomes() {
    return outcomes;
  }

  @Override
  public void run() {
    while (!stop) {
      Outcome o = signIn();
      synchronized (this) {
        outcomes.add(o);
      }
      sleep(o.error() != null ? 20 : pauseMillis);
    }
  }

  /** How many sign-ins that started at or after {@code nanos} were authenticated. */
  synchronized long authenticatedSince(long nanos) {
    return outcomes.stream().filter(o -> o.startNanos() >= nanos && o.authenticated()).count();
  }

  private Outcome signIn() {
    Instant at = clock.advance(Duration.ofDays(1));
    Accounts.Account a = accounts.get(iteration % accounts.size());
    Kind kind = ROTATION[(iteration / accounts.size()) % ROTATION.length];
    iteration++;
    if (kind == Kind.BACKUP && a.nextBackupCode >= a.backupCodes.size()) {
      kind = Kind.TOTP;
    }
    UserRef user = a.user;
    long start = System.nanoTime();
    ChallengeId challenge = null;
    String answer = null;
    try {
      LoginStep first = engine.login().afterPrimary(user, Accounts.REQUEST);
      if (!(first instanceof LoginStep.SecondFactorRequired s)) {
        return new Outcome(node, a, kind, at, null, null, start, System.nanoTime(), first, null);
      }
      challenge = s.challenge();
      Answer typed;
      switch (kind) {
        case TOTP -> {
          answer = Otp.totp(a.uri.secret().reveal(), at, a.uri.parameters());
          typed = Answer.code(a.totp, answer);
        }
        case SMS -> {
          engine.login().prompt(user, challenge, a.phone, Map.of(), Accounts.REQUEST);
          answer = Accounts.lastCode(outbox);
          typed = Answer.code(a.phone, answer);
        }
        default -> {
          // a code is typed once, whatever happens: after a failed call it may be spent
          answer = a.backupCodes.get(a.nextBackupCode++);
          typed = Answer.backupCode(answer);
        }
      }
      LoginStep result = engine.login().verify(user, challenge, typed, RememberDevice.NO,
          Accounts.REQUEST);
      return new Outcome(node, a, kind, at, challenge, answer, start, System.nanoTime(), result,
          null);
    } catch (StoreException e) {
      return new Outcome(node, a, kind, at, challenge, answer, start, System.nanoTime(), null, e);
    } catch (RuntimeException e) {
      // recorded, and the test fails on it: only a StoreException is a fail-closed answer
      return new Outcome(node, a, kind, at, challenge, answer, start, System.nanoTime(), null, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
