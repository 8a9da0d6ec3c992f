package dev.mfa4j;

import dev.mfa4j.spi.SignIn;
import dev.mfa4j.spi.UserSecurityState;
import dev.mfa4j.spi.UserStateStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-user security state of an {@link InMemoryMfaStore}. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryUserStateStore implements UserStateStore {
  private final Map<InMemoryOwner, UserSecurityState> byOwner = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<InMemoryOwner, UserSecurityState> copy = new HashMap<>(byOwner);
    return () -> {
      byOwner.clear();
      byOwner.putAll(copy);
    };
  }

  private UserSecurityState get(InMemoryOwner o) {
    return byOwner.getOrDefault(o, UserSecurityState.initial(o.practice(), o.user()));
  }

  @Override
  public synchronized Optional<UserSecurityState> find(PracticeId practice, UserId user) {
    return Optional.ofNullable(byOwner.get(new InMemoryOwner(practice, user)));
  }

  @Override
  public synchronized int recordFailure(PracticeId practice, UserId user) {
    InMemoryOwner o = new InMemoryOwner(practice, user);
    UserSecurityState s = get(o);
    int n = s.consecutiveFailures() + 1;
    byOwner.put(o, new UserSecurityState(practice, user, n, s.lockedUntil(), s.lastSignIn(),
        s.graceSignIns(), s.graceStarted()));
    return n;
  }

  @Override
  public synchronized void lockUntil(PracticeId practice, UserId user, Instant until) {
    Objects.requireNonNull(until, "until");
    InMemoryOwner o = new InMemoryOwner(practice, user);
    UserSecurityState s = get(o);
    if (s.lockedUntil().isPresent() && !s.lockedUntil().get().isBefore(until)) {
      return; // a lock only ever extends
    }
    byOwner.put(o, new UserSecurityState(practice, user, s.consecutiveFailures(),
        Optional.of(until), s.lastSignIn(), s.graceSignIns(), s.graceStarted()));
  }

  @Override
  public synchronized UserSecurityState lock(PracticeId practice, UserId user) {
    // the unit already holds every monitor: reading is enough
    InMemoryOwner o = new InMemoryOwner(practice, user);
    UserSecurityState s = get(o);
    byOwner.putIfAbsent(o, s);
    return s;
  }

  @Override
  public synchronized void recordSignIn(PracticeId practice, UserId user, SignIn signIn) {
    Objects.requireNonNull(signIn, "signIn");
    InMemoryOwner o = new InMemoryOwner(practice, user);
    UserSecurityState s = get(o);
    byOwner.put(o, new UserSecurityState(practice, user, 0, Optional.empty(),
        Optional.of(signIn), s.graceSignIns(), s.graceStarted()));
  }

  @Override
  public synchronized int recordGraceSignIn(PracticeId practice, UserId user, Instant at) {
    Objects.requireNonNull(at, "at");
    InMemoryOwner o = new InMemoryOwner(practice, user);
    UserSecurityState s = get(o);
    int n = s.graceSignIns() + 1;
    byOwner.put(o, new UserSecurityState(practice, user, s.consecutiveFailures(),
        s.lockedUntil(), s.lastSignIn(), n, Optional.of(s.graceStarted().orElse(at))));
    return n;
  }

  @Override
  public synchronized void endGrace(PracticeId practice, UserId user, Instant at) {
    Objects.requireNonNull(at, "at");
    InMemoryOwner o = new InMemoryOwner(practice, user);
    UserSecurityState s = get(o);
    byOwner.put(o, new UserSecurityState(practice, user, s.consecutiveFailures(),
        s.lockedUntil(), s.lastSignIn(), Math.max(s.graceSignIns(), GRACE_ENDED),
        Optional.of(s.graceStarted().orElse(at))));
  }
}
