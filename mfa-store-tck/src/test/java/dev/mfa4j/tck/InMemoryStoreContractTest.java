package dev.mfa4j.tck;

import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.spi.MfaStore;

/** The store contract on mfa-core's {@link InMemoryMfaStore}, a fresh one per test. */
class InMemoryStoreContractTest extends MfaStoreContractTest {
  @Override
  protected MfaStore newStore() {
    return new InMemoryMfaStore();
  }
}
