package dev.mfa4j.store.jdbc;

import dev.mfa4j.spi.MfaStore;
import dev.mfa4j.tck.MfaStoreContractTest;

/** The store contract on embedded MariaDB. */
class MariaDbStoreContractTest extends MfaStoreContractTest {
  private static JdbcMfaStore store;

  @Override
  protected synchronized MfaStore newStore() {
    if (store == null) {
      store = JdbcMfaStore.builder(Databases.mariadb()).tablePrefix("tck_").build();
      store.migrate();
    }
    return store;
  }
}
