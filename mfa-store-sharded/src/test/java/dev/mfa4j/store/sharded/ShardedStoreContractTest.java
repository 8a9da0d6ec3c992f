package dev.mfa4j.store.sharded;

import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.tck.MfaStoreContractTest;

/**
 * The whole store contract on a sharded store over three embedded PostgreSQL servers. Each test's
 * practice ids are random, so they spread over the three shards by a hash: a test's two practices
 * are on different shards in two tests out of three.
 */
class ShardedStoreContractTest extends MfaStoreContractTest {
  private static ShardedMfaStore store;

  @Override
  protected synchronized MfaStore newStore() {
    if (store == null) {
      store = Shards.builder(Shards.spreading(), Shards.pools(64)).tablePrefix("tck_").build();
      store.migrate();
    }
    return store;
  }
}
