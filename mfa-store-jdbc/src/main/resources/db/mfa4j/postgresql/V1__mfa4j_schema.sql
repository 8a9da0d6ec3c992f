-- mfa4j schema, version 1, for PostgreSQL 12+.
-- ${prefix} is the table prefix (Flyway/Liquibase placeholder; JdbcMfaStore.migrate() fills it in).
-- Timestamps are UTC, microsecond precision; hashes and ciphertexts are bytea.

CREATE TABLE IF NOT EXISTS ${prefix}factor (
  id            VARCHAR(64)   NOT NULL PRIMARY KEY,
  practice      VARCHAR(128)  NOT NULL,
  user_id       VARCHAR(128)  NOT NULL,
  kind          VARCHAR(32)   NOT NULL,
  label         VARCHAR(255)  NOT NULL,
  state         VARCHAR(16)   NOT NULL,
  created       TIMESTAMP(6)  NOT NULL,
  last_used     TIMESTAMP(6),
  counter       BIGINT        NOT NULL,
  failures      INTEGER       NOT NULL,
  lookup_key    VARCHAR(2048),
  lookup_hash   BYTEA,
  sealed_secret BYTEA         NOT NULL,
  attributes    TEXT          NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}factor_user ON ${prefix}factor (practice, user_id, created);
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}factor_lookup ON ${prefix}factor (kind, lookup_hash);

CREATE TABLE IF NOT EXISTS ${prefix}challenge (
  id_hash      BYTEA         NOT NULL PRIMARY KEY,
  practice     VARCHAR(128)  NOT NULL,
  user_id      VARCHAR(128)  NOT NULL,
  purpose      VARCHAR(32)   NOT NULL,
  factor_id    VARCHAR(64),
  created      TIMESTAMP(6)  NOT NULL,
  expires      TIMESTAMP(6)  NOT NULL,
  attempts     INTEGER       NOT NULL,
  max_attempts INTEGER       NOT NULL,
  consumed     TIMESTAMP(6)
);
CREATE INDEX IF NOT EXISTS ${prefix}challenge_expires ON ${prefix}challenge (expires);

CREATE TABLE IF NOT EXISTS ${prefix}challenge_state (
  id_hash     BYTEA        NOT NULL REFERENCES ${prefix}challenge (id_hash) ON DELETE CASCADE,
  state_key   VARCHAR(64)  NOT NULL,
  state_value TEXT         NOT NULL,
  PRIMARY KEY (id_hash, state_key)
);

CREATE TABLE IF NOT EXISTS ${prefix}backup_code (
  practice  VARCHAR(128)  NOT NULL,
  user_id   VARCHAR(128)  NOT NULL,
  lookup_id VARCHAR(64)   NOT NULL,
  hash      VARCHAR(512)  NOT NULL,
  created   TIMESTAMP(6)  NOT NULL,
  used      TIMESTAMP(6),
  PRIMARY KEY (practice, user_id, lookup_id)
);

CREATE TABLE IF NOT EXISTS ${prefix}device (
  id         VARCHAR(64)   NOT NULL PRIMARY KEY,
  practice   VARCHAR(128)  NOT NULL,
  user_id    VARCHAR(128)  NOT NULL,
  token_hash BYTEA         NOT NULL,
  label      VARCHAR(512)  NOT NULL,
  ip         VARCHAR(64)   NOT NULL,
  created    TIMESTAMP(6)  NOT NULL,
  expires    TIMESTAMP(6)  NOT NULL,
  last_seen  TIMESTAMP(6)  NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}device_token ON ${prefix}device (token_hash);
CREATE INDEX IF NOT EXISTS ${prefix}device_user ON ${prefix}device (practice, user_id, created);

CREATE TABLE IF NOT EXISTS ${prefix}user_state (
  practice         VARCHAR(128)  NOT NULL,
  user_id          VARCHAR(128)  NOT NULL,
  failures         INTEGER       NOT NULL,
  locked_until     TIMESTAMP(6),
  last_sign_in     TIMESTAMP(6),
  last_sign_in_ip  VARCHAR(64),
  last_sign_in_ua  VARCHAR(512),
  grace_sign_ins   INTEGER       NOT NULL,
  grace_started    TIMESTAMP(6),
  PRIMARY KEY (practice, user_id)
);

CREATE TABLE IF NOT EXISTS ${prefix}audit (
  id         VARCHAR(64)   NOT NULL PRIMARY KEY,
  occurred   TIMESTAMP(6)  NOT NULL,
  practice   VARCHAR(128)  NOT NULL,
  subject    VARCHAR(128),
  actor      VARCHAR(128),
  type       VARCHAR(40)   NOT NULL,
  outcome    VARCHAR(16)   NOT NULL,
  ip         VARCHAR(64)   NOT NULL,
  user_agent VARCHAR(512)  NOT NULL,
  details    TEXT          NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}audit_practice ON ${prefix}audit (practice, occurred DESC, id DESC);
CREATE INDEX IF NOT EXISTS ${prefix}audit_subject ON ${prefix}audit (practice, subject, occurred DESC, id DESC);

CREATE TABLE IF NOT EXISTS ${prefix}policy (
  practice VARCHAR(128)  NOT NULL PRIMARY KEY,
  policy   TEXT          NOT NULL,
  updated  TIMESTAMP(6)  NOT NULL
);

CREATE TABLE IF NOT EXISTS ${prefix}counter (
  counter_key VARCHAR(255)  NOT NULL PRIMARY KEY,
  hits        BIGINT        NOT NULL,
  window_end  TIMESTAMP(6)  NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}counter_window ON ${prefix}counter (window_end);

CREATE TABLE IF NOT EXISTS ${prefix}password (
  practice  VARCHAR(128)  NOT NULL,
  user_id   VARCHAR(128)  NOT NULL,
  hash      VARCHAR(512)  NOT NULL,
  changed   TIMESTAMP(6)  NOT NULL,
  temporary_pw BOOLEAN      NOT NULL,
  expires   TIMESTAMP(6),
  PRIMARY KEY (practice, user_id)
);
