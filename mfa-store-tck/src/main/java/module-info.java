/**
 * The store and provider test kit (JUnit 5 contracts). Open, so that JUnit can reflect on the
 * contract classes when a host runs them on the module path.
 */
open module dev.mfa4j.store.tck {
  requires transitive dev.mfa4j.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires transitive java.sql;
  requires java.logging;

  exports dev.mfa4j.tck;
}
