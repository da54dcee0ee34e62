-- Stocksync schema, version 2.
--
-- The downloader takes queued thumbnails oldest first. Version 1 indexed the
-- queue by state only, so every batch of jobs sorted the whole queue
-- (100,000 rows on a first sync of a large portfolio). This index serves
-- "WHERE state = 'queued' ORDER BY updated_at, contribution_id" directly.
DROP INDEX thumbnails_queued;
CREATE INDEX thumbnails_queue_order ON thumbnails(updated_at, contribution_id) WHERE state = 'queued';
