package dev.mfa4j;

import dev.mfa4j.spi.PolicyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The practice policies of an {@link InMemoryMfaStore}. Every method holds this
 * repository's monitor; {@link #snapshot} serves the store's unit of work.
 */
final class InMemoryPolicyStore implements PolicyStore {
  private final Map<PracticeId, PracticePolicy> byPractice = new HashMap<>();

  synchronized Runnable snapshot() {
    Map<PracticeId, PracticePolicy> copy = new HashMap<>(byPractice);
    return () -> {
      byPractice.clear();
      byPractice.putAll(copy);
    };
  }

  @Override
  public synchronized Optional<PracticePolicy> find(PracticeId practice) {
    Objects.requireNonNull(practice, "practice");
    return Optional.ofNullable(byPractice.get(practice));
  }

  @Override
  public synchronized void put(PracticeId practice, PracticePolicy policy) {
    Objects.requireNonNull(practice, "practice");
    Objects.requireNonNull(policy, "policy");
    byPractice.put(practice, policy);
  }
}
