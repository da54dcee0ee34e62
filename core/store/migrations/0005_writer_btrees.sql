-- Stocksync schema, version 5 (issue #15: the sync writer at 40,000 files/s).
--
-- A first sync inserted every file into 12 B-trees; this brings it to 8,
-- keeping an index under every query that needs one (EXPLAIN QUERY PLAN of
-- each query in core/store, before and after). Every table here is server
-- data a sync writes; nothing LOCAL-ONLY is touched, so this applies
-- whatever migrations 4 and 6 do. Every row is kept.

-- Since schema 5 contributions.raw holds ESP's JSON object for the file
-- without the members the row's columns reproduce byte for byte (the ID,
-- texts, counts, times, keywords): raw_omitted has bit i set when the i-th
-- mapped member (core/store's rawFields, in ESP's order) was left out. What
-- is stored is still a JSON object, every unmapped member exactly as sent.
-- 0 = raw is the whole object, as every row written before schema 5.
ALTER TABLE contributions ADD COLUMN raw_omitted INTEGER NOT NULL DEFAULT 0;

-- contributions_status served "status IN ('revisable', 'rejected')" (the
-- app's problem files) and, by accident, the status counts, which look up
-- every row anyway (removed_at) and read the table faster in order. Only
-- the problem statuses need an index, and a first sync of mostly accepted
-- files then writes almost nothing into it.
DROP INDEX contributions_status;
CREATE INDEX contributions_problems ON contributions(status) WHERE status IN ('revisable', 'rejected');

-- No query reads review events by file (ReviewEvents filters by batch, file
-- and outcome with optional terms no index can serve, and sorts by at,
-- which review_events_at serves).
DROP INDEX review_events_file;

-- Reviews are only ever read and replaced by file: keyed by (file, seq)
-- without a rowid they are one B-tree instead of two.
CREATE TABLE reviews_v5 (
    contribution_id TEXT NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    reviewed_at     TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    reasons         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    notes           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (contribution_id, seq)
) WITHOUT ROWID;
INSERT INTO reviews_v5 (contribution_id, seq, reviewed_at, outcome, reasons, notes)
    SELECT contribution_id, seq, reviewed_at, outcome, reasons, notes FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_v5 RENAME TO reviews;

-- The thumbnail download queue, keyed by file without a rowid (one B-tree
-- instead of two, plus the queue order). Re-fetchable: not needed in backups.
CREATE TABLE thumbnails_v5 (
    contribution_id TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    -- Name inside thumbnails/, made by Stocksync from a hash: never a server string.
    file            TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO thumbnails_v5 (contribution_id, url, state, file, attempts, last_error, updated_at)
    SELECT contribution_id, url, state, file, attempts, last_error, updated_at FROM thumbnails;
DROP TABLE thumbnails;
ALTER TABLE thumbnails_v5 RENAME TO thumbnails;
CREATE INDEX thumbnails_queue_order ON thumbnails(updated_at, contribution_id) WHERE state = 'queued';
