-- Stocksync schema, version 4 (issue #13: pending uploads can be managed).
--
-- Everything here is LOCAL-ONLY. This migration touches only pending_uploads
-- and its own table, so it applies whatever migrations 3 and 5 do.

-- SHA-256 (hex) of the file's bytes when it was added or last refreshed:
-- hard links and byte-identical copies are one pending upload, and
-- `add --refresh` re-reads a file only when its content changed. '' = added
-- before schema 4 (such rows are hashed at their next refresh).
ALTER TABLE pending_uploads ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
-- SHA-256 of the XMP sidecar read with the file ('' = none): Lightroom
-- writes keyword changes of raw and DNG files there, not into the file.
ALTER TABLE pending_uploads ADD COLUMN sidecar_hash TEXT NOT NULL DEFAULT '';
-- Fields the user changed in Stocksync (JSON array of "title",
-- "description", "keywords"): a refresh from the file never overwrites them.
ALTER TABLE pending_uploads ADD COLUMN edited TEXT NOT NULL DEFAULT '[]';
CREATE INDEX pending_uploads_content_hash ON pending_uploads(content_hash) WHERE content_hash != '';

-- Pending uploads the user removed, kept so that the next snapshot still
-- holds them and `restore --local-only` can bring them back. One row per
-- removal; id is the pending upload's ID when it was removed.
CREATE TABLE removed_pending_uploads (
    removal_id   INTEGER PRIMARY KEY,
    id           INTEGER NOT NULL,
    path         TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    keywords     TEXT NOT NULL DEFAULT '[]',
    media_type   TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    added_at     TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    sidecar_hash TEXT NOT NULL DEFAULT '',
    edited       TEXT NOT NULL DEFAULT '[]',
    removed_at   TEXT NOT NULL
);
CREATE INDEX removed_pending_uploads_path ON removed_pending_uploads(path);
