-- Stocksync schema, version 5 (issue #15: the sync writer at 40,000 files/s).
--
-- A first sync inserted every file into 12 B-trees; this brings it to 8,
-- keeping an index under every query that needs one (EXPLAIN QUERY PLAN of
-- each query in core/store, before and after), and stores a file's raw
-- JSON compactly. Every table here is server data a sync writes; nothing
-- LOCAL-ONLY is touched, so this applies whatever migrations 4 and 6 do.
-- Every row is kept.

-- Since schema 5 contributions.raw holds ESP's JSON object for the file
-- without the members the row's columns reproduce byte for byte (the ID,
-- texts, counts, times, keywords): raw_omitted has bit i set when the i-th
-- mapped member (core/store's rawFields, in ESP's order) was left out, and
-- bit 32+i when that member was a time with three fraction digits. What
-- is stored is still a JSON object, every unmapped member exactly as sent.
-- 0 = raw is the whole object, as every row written before schema 5.
ALTER TABLE contributions ADD COLUMN raw_omitted INTEGER NOT NULL DEFAULT 0;

-- contributions_status served only "status IN ('revisable', 'rejected')"
-- (a problem-file list no caller uses any more) and, by accident, the
-- status counts, which look up every row anyway (removed_at) and read the
-- table faster in order. list files filters by status with optional terms
-- no index serves. No query needs it, so a first sync no longer writes it.
DROP INDEX contributions_status;

-- No query reads review events through an index: ReviewEvents filters by
-- batch, file, outcome and time with optional terms no index can serve, and
-- review_events_at only ordered its full scan, by looking up every row in
-- time order. Scanning the table in order and sorting what matches is as
-- fast (100,000 events: all of them in 0.5-0.7 s against 0.8-1.5 s, the
-- app's recent decisions in ~20 ms either way).
DROP INDEX review_events_file;
DROP INDEX review_events_at;

-- reviews and thumbnails stay rowid tables: keyed WITHOUT ROWID they are
-- one B-tree fewer each, but their appends split index pages (every split
-- rewrites three siblings) where a rowid table appends a page, so a batch
-- wrote as many WAL pages and took as long, and the upgrade would have
-- copied both tables.
