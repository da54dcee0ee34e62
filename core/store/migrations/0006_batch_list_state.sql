-- Stocksync schema, version 6 (issue #15: a no-change sync at the network
-- floor): what the batch list compares, cheap to read and safe to read
-- ahead. Server data only; nothing LOCAL-ONLY is touched. Every row is kept.

-- batches.raw_sha256 is the SHA-256 of batches.raw (its UTF-8 bytes exactly
-- as ESP sent them), written with the row, so the batch list compares 32
-- bytes per batch instead of reading every stored raw JSON (~1.6 MB for
-- 2,000 batches). NULL = not known: the next batch list rewrites the row.
ALTER TABLE batches ADD COLUMN raw_sha256 BLOB;

-- Existing rows get theirs here, in this migration's transaction (with the
-- user_version bump: killed midway, the database stays at schema 5 as it
-- was). stocksync_sha256 is core/store's SQL function (Go's crypto/sha256);
-- only Stocksync runs its migrations.
UPDATE batches SET raw_sha256 = stocksync_sha256(raw) WHERE raw != '';

-- A write of raw that does not also write its hash (another program, a hand
-- edit) forgets the hash, so a stale one can never make a changed raw look
-- unchanged: the next batch list rewrites that row from what ESP sends.
CREATE TRIGGER batches_raw_sha256_forget AFTER UPDATE OF raw ON batches
WHEN NEW.raw IS NOT OLD.raw AND NEW.raw_sha256 IS OLD.raw_sha256
BEGIN
    UPDATE batches SET raw_sha256 = NULL WHERE id = NEW.id;
END;

-- What the batch list compares, in a B-tree of its own: reading it for
-- 2,000 batches touches ~50 pages instead of the ~450 that hold the rows
-- with their raw JSON (EXPLAIN QUERY PLAN: SCAN batches USING COVERING
-- INDEX batches_list_state).
CREATE INDEX batches_list_state ON batches (id, server_version, synced_version, removed_at, raw_sha256);

-- batches_generation.value changes (to a new random 64-bit number) in the
-- same transaction as every insert, update or delete of a batches row, by
-- whichever connection or program makes it. A batch list compared against
-- batches read earlier (ReadBatchListState, while ESP's pages are on the
-- network) is valid only if this value is unchanged when it is written.
CREATE TABLE batches_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO batches_generation (id, value) VALUES (1, random());
CREATE TRIGGER batches_generation_insert AFTER INSERT ON batches
BEGIN
    UPDATE batches_generation SET value = random() WHERE id = 1;
END;
CREATE TRIGGER batches_generation_update AFTER UPDATE ON batches
BEGIN
    UPDATE batches_generation SET value = random() WHERE id = 1;
END;
CREATE TRIGGER batches_generation_delete AFTER DELETE ON batches
BEGIN
    UPDATE batches_generation SET value = random() WHERE id = 1;
END;
