package dev.mfa4j.passwords;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.PasswordRecord;
import dev.mfa4j.spi.PasswordStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Test helpers of the password tests: a map-backed store and a clock tests move. */
final class PasswordTestSupport {
  private PasswordTestSupport() {}

  /** A {@link PasswordStore} over a map, with a hook run just before each conditional replace. */
  static final class MapPasswordStore implements PasswordStore {
    final Map<String, PasswordRecord> rows = new ConcurrentHashMap<>();
    volatile Runnable beforeReplace = () -> {};

    private static String key(PracticeId practice, UserId user) {
      return practice.value() + "\u0000" + user.value();
    }

    @Override
    public Optional<PasswordRecord> find(PracticeId practice, UserId user) {
      return Optional.ofNullable(rows.get(key(practice, user)));
    }

    @Override
    public void put(PasswordRecord password) {
      rows.put(key(password.practice(), password.user()), password);
    }

    @Override
    public boolean replace(PracticeId practice, UserId user, String expectedHash,
        PasswordRecord next) {
      beforeReplace.run();
      boolean[] won = {false};
      rows.computeIfPresent(key(practice, user), (k, current) -> {
        if (current.hash().equals(expectedHash)) {
          won[0] = true;
          return next;
        }
        return current;
      });
      return won[0];
    }

    @Override
    public boolean recordFailure(PracticeId practice, UserId user, int expectedFailures,
        Optional<Instant> nextCheck) {
      boolean[] won = {false};
      rows.computeIfPresent(key(practice, user), (k, c) -> {
        if (c.failures() != expectedFailures) {
          return c;
        }
        won[0] = true;
        return new PasswordRecord(c.practice(), c.user(), c.hash(), c.changed(), c.temporary(),
            c.expires(), c.length(), expectedFailures + 1, nextCheck);
      });
      return won[0];
    }

    @Override
    public void clearFailures(PracticeId practice, UserId user) {
      rows.computeIfPresent(key(practice, user), (k, c) -> new PasswordRecord(c.practice(),
          c.user(), c.hash(), c.changed(), c.temporary(), c.expires(), c.length(), 0,
          Optional.empty()));
    }

    PasswordRecord get(UserRef user) {
      return rows.get(key(user.practice(), user.user()));
    }
  }
}
