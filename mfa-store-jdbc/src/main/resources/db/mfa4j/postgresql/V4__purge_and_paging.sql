-- Remembered devices by expiry, for MfaEngine.purgeExpired(), which deletes the expired ones in
-- small batches (challenges and counters have such indexes since version 1: challenge_expires,
-- counter_window).
CREATE INDEX IF NOT EXISTS ${prefix}device_expires ON ${prefix}device (expires);

-- A user's audit events by seq, for paging with a seq cursor (a practice's pages use the unique
-- index audit_chain on practice and seq).
CREATE INDEX IF NOT EXISTS ${prefix}audit_subject_seq ON ${prefix}audit (practice, subject, seq);
