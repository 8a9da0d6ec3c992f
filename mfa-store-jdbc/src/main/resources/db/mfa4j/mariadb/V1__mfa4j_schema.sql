-- mfa4j schema, version 1, for MariaDB 10.5+ and MySQL 8 (InnoDB).
-- ${prefix} is the table prefix (Flyway/Liquibase placeholder; JdbcMfaStore.migrate() fills it in).
-- Timestamps are UTC, microsecond precision (DATETIME(6)); hashes and ciphertexts are VARBINARY/BLOB.
-- utf8mb4_bin: identifiers compare case-sensitively, as on PostgreSQL and H2.
-- Indexes are declared inside CREATE TABLE so that the script needs no CREATE INDEX IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS ${prefix}factor (
  id            VARCHAR(64)   NOT NULL PRIMARY KEY,
  practice      VARCHAR(128)  NOT NULL,
  user_id       VARCHAR(128)  NOT NULL,
  kind          VARCHAR(32)   NOT NULL,
  label         VARCHAR(255)  NOT NULL,
  state         VARCHAR(16)   NOT NULL,
  created       DATETIME(6)   NOT NULL,
  last_used     DATETIME(6),
  counter       BIGINT        NOT NULL,
  failures      INTEGER       NOT NULL,
  lookup_key    VARCHAR(2048),
  lookup_hash   VARBINARY(32),
  sealed_secret BLOB          NOT NULL,
  attributes    MEDIUMTEXT    NOT NULL,
  KEY ${prefix}factor_user (practice, user_id, created),
  UNIQUE KEY ${prefix}factor_lookup (kind, lookup_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}challenge (
  id_hash      VARBINARY(32) NOT NULL PRIMARY KEY,
  practice     VARCHAR(128)  NOT NULL,
  user_id      VARCHAR(128)  NOT NULL,
  purpose      VARCHAR(32)   NOT NULL,
  factor_id    VARCHAR(64),
  created      DATETIME(6)   NOT NULL,
  expires      DATETIME(6)   NOT NULL,
  attempts     INTEGER       NOT NULL,
  max_attempts INTEGER       NOT NULL,
  consumed     DATETIME(6),
  KEY ${prefix}challenge_expires (expires)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}challenge_state (
  id_hash     VARBINARY(32) NOT NULL,
  state_key   VARCHAR(64)   NOT NULL,
  state_value MEDIUMTEXT    NOT NULL,
  PRIMARY KEY (id_hash, state_key),
  CONSTRAINT ${prefix}challenge_state_fk FOREIGN KEY (id_hash)
    REFERENCES ${prefix}challenge (id_hash) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}backup_code (
  practice  VARCHAR(128)  NOT NULL,
  user_id   VARCHAR(128)  NOT NULL,
  lookup_id VARCHAR(64)   NOT NULL,
  hash      VARCHAR(512)  NOT NULL,
  created   DATETIME(6)   NOT NULL,
  used      DATETIME(6),
  PRIMARY KEY (practice, user_id, lookup_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}device (
  id         VARCHAR(64)   NOT NULL PRIMARY KEY,
  practice   VARCHAR(128)  NOT NULL,
  user_id    VARCHAR(128)  NOT NULL,
  token_hash VARBINARY(32) NOT NULL,
  label      VARCHAR(512)  NOT NULL,
  ip         VARCHAR(64)   NOT NULL,
  created    DATETIME(6)   NOT NULL,
  expires    DATETIME(6)   NOT NULL,
  last_seen  DATETIME(6)   NOT NULL,
  UNIQUE KEY ${prefix}device_token (token_hash),
  KEY ${prefix}device_user (practice, user_id, created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}user_state (
  practice         VARCHAR(128)  NOT NULL,
  user_id          VARCHAR(128)  NOT NULL,
  failures         INTEGER       NOT NULL,
  locked_until     DATETIME(6),
  last_sign_in     DATETIME(6),
  last_sign_in_ip  VARCHAR(64),
  last_sign_in_ua  VARCHAR(512),
  grace_sign_ins   INTEGER       NOT NULL,
  grace_started    DATETIME(6),
  PRIMARY KEY (practice, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}audit (
  id         VARCHAR(64)   NOT NULL PRIMARY KEY,
  occurred   DATETIME(6)   NOT NULL,
  practice   VARCHAR(128)  NOT NULL,
  subject    VARCHAR(128),
  actor      VARCHAR(128),
  type       VARCHAR(40)   NOT NULL,
  outcome    VARCHAR(16)   NOT NULL,
  ip         VARCHAR(64)   NOT NULL,
  user_agent VARCHAR(512)  NOT NULL,
  details    MEDIUMTEXT    NOT NULL,
  KEY ${prefix}audit_practice (practice, occurred, id),
  KEY ${prefix}audit_subject (practice, subject, occurred, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}policy (
  practice VARCHAR(128)  NOT NULL PRIMARY KEY,
  policy   MEDIUMTEXT    NOT NULL,
  updated  DATETIME(6)   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}counter (
  counter_key VARCHAR(255)  NOT NULL PRIMARY KEY,
  hits        BIGINT        NOT NULL,
  window_end  DATETIME(6)   NOT NULL,
  KEY ${prefix}counter_window (window_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}password (
  practice     VARCHAR(128)  NOT NULL,
  user_id      VARCHAR(128)  NOT NULL,
  hash         VARCHAR(512)  NOT NULL,
  changed      DATETIME(6)   NOT NULL,
  temporary_pw BOOLEAN       NOT NULL,
  expires      DATETIME(6),
  PRIMARY KEY (practice, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
