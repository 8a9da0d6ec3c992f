package dev.mfa4j.spi;

import dev.mfa4j.PracticeId;
import dev.mfa4j.PracticePolicy;
import java.util.Optional;

/** Practice policies. */
public interface PolicyStore {
  /** The practice's policy, if one was ever set. */
  Optional<PracticePolicy> find(PracticeId practice);

  /** Sets the practice's policy. */
  void put(PracticeId practice, PracticePolicy policy);
}
