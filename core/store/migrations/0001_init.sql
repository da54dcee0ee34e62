-- Stocksync schema, version 1.
--
-- Server data (batches, contributions, reviews, thumbnails) is a copy of what
-- ESP holds and can always be fetched again. Tables marked LOCAL-ONLY exist
-- nowhere else: sync never writes them, restore --local-only merges them, and
-- losing them is the disaster backups exist to prevent.
--
-- Times are RFC 3339 text in UTC; '' means unknown or never.

CREATE TABLE batches (
    id                    TEXT PRIMARY KEY,
    submission_name       TEXT NOT NULL DEFAULT '',
    submission_type       TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL DEFAULT '',
    note                  TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL DEFAULT '',
    updated_at            TEXT NOT NULL DEFAULT '',
    last_submitted_at     TEXT NOT NULL DEFAULT '',
    contributions_count   INTEGER NOT NULL DEFAULT 0,
    submitted_count       INTEGER NOT NULL DEFAULT 0,
    awaiting_review_count INTEGER NOT NULL DEFAULT 0,
    reviewed_count        INTEGER NOT NULL DEFAULT 0,
    revisable_count       INTEGER NOT NULL DEFAULT 0,
    accepted_count        INTEGER NOT NULL DEFAULT 0,
    rejected_count        INTEGER NOT NULL DEFAULT 0,
    pending_count         INTEGER NOT NULL DEFAULT 0,
    is_getty              INTEGER NOT NULL DEFAULT 0,
    is_istock             INTEGER NOT NULL DEFAULT 0,
    istock_exclusive      INTEGER NOT NULL DEFAULT 0,
    -- Fingerprint of the batch as the batch list last described it.
    server_version        TEXT NOT NULL DEFAULT '',
    -- Fingerprint at which this batch's files were last fully synced ('' = never).
    -- Written in the same transaction as the files, so a crash leaves it stale, never ahead.
    synced_version        TEXT NOT NULL DEFAULT '',
    synced_at             TEXT NOT NULL DEFAULT '',
    -- Set when ESP stopped listing the batch. Rows are kept, never deleted by sync.
    removed_at            TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contributions (
    id                     TEXT PRIMARY KEY,
    batch_id               TEXT NOT NULL REFERENCES batches(id),
    master_id              TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL DEFAULT '',
    file_name              TEXT NOT NULL DEFAULT '',
    mime_type              TEXT NOT NULL DEFAULT '',
    media_type             TEXT NOT NULL DEFAULT '',
    image_width            INTEGER NOT NULL DEFAULT 0,
    image_height           INTEGER NOT NULL DEFAULT 0,
    thumbnail_url          TEXT NOT NULL DEFAULT '',
    headline               TEXT NOT NULL DEFAULT '',
    caption                TEXT NOT NULL DEFAULT '',
    keywords               TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    country_of_shoot       TEXT NOT NULL DEFAULT '',
    city                   TEXT NOT NULL DEFAULT '',
    province_state         TEXT NOT NULL DEFAULT '',
    copyright              TEXT NOT NULL DEFAULT '',
    credit_line            TEXT NOT NULL DEFAULT '',
    camera_shot_date       TEXT NOT NULL DEFAULT '',
    submittable            INTEGER NOT NULL DEFAULT 0,
    submitted_at           TEXT NOT NULL DEFAULT '',
    submitted_to_review_at TEXT NOT NULL DEFAULT '',
    published_at           TEXT NOT NULL DEFAULT '',
    created_at             TEXT NOT NULL DEFAULT '',
    updated_at             TEXT NOT NULL DEFAULT '',
    errors                 TEXT NOT NULL DEFAULT '{}', -- JSON: field -> [messages]
    -- When the file was accepted: published_at, else the review that accepted it,
    -- else the first sync that saw it processed.
    accepted_at            TEXT NOT NULL DEFAULT '',
    -- Set when ESP stopped listing the file. Rows are kept, never deleted by sync.
    removed_at             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contributions_batch ON contributions(batch_id);
CREATE INDEX contributions_status ON contributions(status);

CREATE TABLE reviews (
    contribution_id TEXT NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    reviewed_at     TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    reasons         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    notes           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (contribution_id, seq)
);

-- The thumbnail download queue. Re-fetchable: not needed in backups.
CREATE TABLE thumbnails (
    contribution_id TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    -- Name inside thumbnails/, made by Stocksync from a hash: never a server string.
    file            TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX thumbnails_queued ON thumbnails(state) WHERE state = 'queued';

-- LOCAL-ONLY: where on this Mac an uploaded file lives. No foreign key on
-- purpose: the path must survive the file disappearing from ESP or a re-sync.
CREATE TABLE local_paths (
    contribution_id TEXT PRIMARY KEY,
    path            TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- LOCAL-ONLY: files added here and not yet on ESP, with all their metadata.
CREATE TABLE pending_uploads (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    media_type  TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT 0,
    added_at    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- LOCAL-ONLY: metadata edits of files on ESP, waiting to be sent.
-- NULL in headline/caption/keywords means "not edited".
CREATE TABLE local_edits (
    contribution_id TEXT PRIMARY KEY,
    headline        TEXT,
    caption         TEXT,
    keywords        TEXT, -- JSON array of strings
    -- The server's updated_at when the edit was made: if ESP's copy moved on,
    -- sending would overwrite someone else's change, so the edit becomes a conflict.
    base_updated_at TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'conflict')),
    conflict        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE sync_runs (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    finished_at       TEXT NOT NULL DEFAULT '',
    outcome           TEXT NOT NULL DEFAULT 'running', -- running, ok, partial, failed, cancelled
    push              INTEGER NOT NULL DEFAULT 0,
    batches_listed    INTEGER NOT NULL DEFAULT 0,
    batches_synced    INTEGER NOT NULL DEFAULT 0,
    files_written     INTEGER NOT NULL DEFAULT 0,
    thumbnails_queued INTEGER NOT NULL DEFAULT 0,
    edits_sent        INTEGER NOT NULL DEFAULT 0,
    conflicts         INTEGER NOT NULL DEFAULT 0,
    requests          INTEGER NOT NULL DEFAULT 0,
    message           TEXT NOT NULL DEFAULT '',
    errors            TEXT NOT NULL DEFAULT '[]' -- JSON array of strings
);

-- A record of every backup operation: snapshots, verifies, test restores, restores.
CREATE TABLE backup_runs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL, -- snapshot, safety, verify, test-restore, restore
    path       TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    ok         INTEGER NOT NULL DEFAULT 0,
    detail     TEXT NOT NULL DEFAULT ''
);
