-- The audit trail's hash chain: each practice's entries are numbered from 1 (seq) and carry the
-- previous entry's digest and their own, so that a changed, deleted, inserted or reordered row is
-- found. Rows written before version 3 have no seq: they stay readable, outside the chain.
ALTER TABLE ${prefix}audit ADD COLUMN IF NOT EXISTS seq BIGINT;
ALTER TABLE ${prefix}audit ADD COLUMN IF NOT EXISTS prev_digest VARCHAR(64);
ALTER TABLE ${prefix}audit ADD COLUMN IF NOT EXISTS digest VARCHAR(64);
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}audit_chain ON ${prefix}audit (practice, seq);

-- Where each practice's chain stands: its last entry, and the last one retention removed (base).
-- Appending locks this row, so one practice's chain stays one line across nodes while other
-- practices' appends go on.
CREATE TABLE IF NOT EXISTS ${prefix}audit_head (
  practice    VARCHAR(128)  NOT NULL PRIMARY KEY,
  seq         BIGINT        NOT NULL,
  digest      VARCHAR(64)   NOT NULL,
  base_seq    BIGINT        NOT NULL,
  base_digest VARCHAR(64)   NOT NULL
);

-- Signed checkpoints of chain heads (copies: the host keeps its own outside the database).
CREATE TABLE IF NOT EXISTS ${prefix}audit_checkpoint (
  practice  VARCHAR(128)  NOT NULL,
  seq       BIGINT        NOT NULL,
  key_id    VARCHAR(64)   NOT NULL,
  digest    VARCHAR(64)   NOT NULL,
  made      TIMESTAMP(6)  NOT NULL,
  signature VARCHAR(200)  NOT NULL,
  PRIMARY KEY (practice, seq, key_id)
);
