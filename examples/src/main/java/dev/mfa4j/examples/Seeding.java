package dev.mfa4j.examples;

import dev.mfa4j.Password;
import dev.mfa4j.PasswordCheck;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.passwords.Passwords;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * The seeded practice and users, unless the database has users already. Hashing the seed
 * passwords (Argon2id) takes a moment, so it runs beside the start-up rather than before the
 * first page; a sign-in waits for it ({@link #await}).
 */
@Component
final class Seeding implements ApplicationRunner {
  private final UserDirectory users;
  private final Passwords passwords;
  private final PracticePolicy policy;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  Seeding(UserDirectory users, Passwords passwords, PracticePolicy policy) {
    this.users = users;
    this.passwords = passwords;
    this.policy = policy;
  }

  @Override
  public void run(ApplicationArguments args) {
    Thread t = new Thread(this::seed, "seed");
    t.setDaemon(true);
    t.start();
  }

  private void seed() {
    try {
      if (users.isEmpty()) {
        users.addPractice(DemoApp.PRACTICE, DemoApp.PRACTICE_NAME);
        for (DemoApp.Seed s : DemoApp.SEEDS) {
          PasswordCheck check = passwords.set(s.user().ref(), Password.of(s.password()), policy,
              false);
          if (!check.accepted()) {
            throw new IllegalStateException("seed password refused for " + s.user().email());
          }
          users.add(s.user());
        }
      }
      done.complete(null);
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  /** Waits until the seeded users exist (at most a minute). */
  void await() {
    try {
      done.get(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while seeding", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("seeding the demo's users failed", e);
    }
  }
}
