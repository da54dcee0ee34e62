-- Stocksync schema, version 3 (issue #10: nothing the server sends is lost;
-- releases; review events derived from what each sync observes).
--
-- Every table and column here is server data or derived from it: a sync
-- writes it, and none of it is LOCAL-ONLY. This migration touches only its
-- own tables and columns, so it applies whatever later migrations do.

-- The whole JSON object ESP sent for the batch or file, as received ('' =
-- synced before schema 3). Fields the client does not map are kept here, so
-- a later version can derive more from data already synced.
ALTER TABLE batches ADD COLUMN raw TEXT NOT NULL DEFAULT '';
ALTER TABLE contributions ADD COLUMN raw TEXT NOT NULL DEFAULT '';

-- Batches synced before schema 3 have no raw JSON and no releases: their
-- files are fetched once more by the next sync (nothing local is touched).
UPDATE batches SET synced_version = '';

-- Model and property releases attached to a batch (ESP: GET
-- submission_batches/{id}/releases). The document itself is downloaded in
-- the background into releases/ in the data folder.
CREATE TABLE releases (
    batch_id            TEXT NOT NULL,
    id                  TEXT NOT NULL,
    release_type        TEXT NOT NULL DEFAULT '', -- "Model" or "Property" (open text)
    file_name           TEXT NOT NULL DEFAULT '',
    mime_type           TEXT NOT NULL DEFAULT '',
    storage_url         TEXT NOT NULL DEFAULT '',
    model_date_of_birth TEXT NOT NULL DEFAULT '', -- free text as ESP sends it
    model_gender        TEXT NOT NULL DEFAULT '',
    model_ethnicities   TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    raw                 TEXT NOT NULL DEFAULT '',   -- the whole JSON object ESP sent
    synced_at           TEXT NOT NULL DEFAULT '',
    -- Set when ESP stopped listing the release. Rows are kept, never deleted by sync.
    removed_at          TEXT NOT NULL DEFAULT '',
    -- The document download: queued when storage_url is new or changed.
    doc_state           TEXT NOT NULL DEFAULT 'queued' CHECK (doc_state IN ('queued', 'done', 'failed', 'none')),
    -- Name inside releases/, made by Stocksync from a hash: never a server string.
    doc_file            TEXT NOT NULL DEFAULT '',
    doc_url             TEXT NOT NULL DEFAULT '', -- the storage_url doc_file was downloaded from
    doc_bytes           INTEGER NOT NULL DEFAULT 0,
    doc_attempts        INTEGER NOT NULL DEFAULT 0,
    doc_error           TEXT NOT NULL DEFAULT '',
    doc_updated_at      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, id)
);
CREATE INDEX releases_doc_queue ON releases(doc_updated_at, batch_id, id) WHERE doc_state = 'queued';

-- Review events: what happened to a file on ESP, derived from what each sync
-- observes (a status that changed since the last sync, published_at, and the
-- modeled inline reviews when they are switched on). No foreign key: the
-- history outlives a file that disappears from ESP.
CREATE TABLE review_events (
    id              INTEGER PRIMARY KEY,
    contribution_id TEXT NOT NULL,
    batch_id        TEXT NOT NULL DEFAULT '',
    from_status     TEXT NOT NULL DEFAULT '', -- '' = the first sync that saw the file
    to_status       TEXT NOT NULL,
    -- accepted, revisable, rejected, submitted, pending or other (from to_status)
    outcome         TEXT NOT NULL,
    -- When it happened, as well as it is known, and how that was found:
    -- published_at (ESP's field), review (the modeled review), updated_at
    -- (ESP's updated_at, inside the window between two syncs) or observed
    -- (the sync that saw it; it happened between not_before and then).
    at              TEXT NOT NULL DEFAULT '',
    at_source       TEXT NOT NULL DEFAULT 'observed',
    not_before      TEXT NOT NULL DEFAULT '',
    observed_at     TEXT NOT NULL,
    reasons         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings (modeled reviews only)
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_events_file ON review_events(contribution_id, id);
CREATE INDEX review_events_at ON review_events(at);

-- Files already synced get the event their current status implies, so
-- `list reviews` shows them without waiting for a change.
INSERT INTO review_events (contribution_id, batch_id, from_status, to_status, outcome, at, at_source, observed_at)
SELECT id, batch_id, '', status,
       CASE WHEN status IN ('processed', 'accepted') THEN 'accepted'
            WHEN status = 'revisable' THEN 'revisable'
            WHEN status = 'rejected' THEN 'rejected' END,
       CASE WHEN status IN ('processed', 'accepted') AND accepted_at != '' THEN accepted_at ELSE updated_at END,
       CASE WHEN status IN ('processed', 'accepted') AND published_at != '' THEN 'published_at'
            WHEN status IN ('processed', 'accepted') AND accepted_at != '' THEN 'observed'
            ELSE 'updated_at' END,
       COALESCE((SELECT synced_at FROM batches b WHERE b.id = contributions.batch_id), '')
FROM contributions
WHERE removed_at = '' AND status IN ('processed', 'accepted', 'revisable', 'rejected');

-- What a sync learned about ESP that the next one should start from (the
-- request rate ESP tolerated when it throttled). One row per key.
CREATE TABLE sync_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
