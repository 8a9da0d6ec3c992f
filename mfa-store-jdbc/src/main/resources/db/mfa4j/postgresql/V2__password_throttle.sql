-- The built-in password throttle (consecutive failures, growing delay) and the password's length
-- (never the password) for the single-factor minimum when two-factor is turned off.
ALTER TABLE ${prefix}password ADD COLUMN pw_length INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ${prefix}password ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ${prefix}password ADD COLUMN next_check TIMESTAMP(6);
