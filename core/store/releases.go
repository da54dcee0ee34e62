package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"time"
)

// Release is a model or property release attached to a batch, as last synced
// from ESP (GET submission_batches/{id}/releases), with the state of its
// document download. The JSON form is what `stocksync list releases --json`
// prints (docs/cli.md).
type Release struct {
	ID               string          `json:"id"`
	BatchID          string          `json:"batch_id"`
	Type             string          `json:"release_type"` // "Model" or "Property" (open text)
	FileName         string          `json:"file_name"`
	MimeType         string          `json:"mime_type,omitempty"`
	StorageURL       string          `json:"storage_url,omitempty"`
	ModelDateOfBirth string          `json:"model_date_of_birth,omitempty"`
	ModelGender      string          `json:"model_gender,omitempty"`
	ModelEthnicities []string        `json:"model_ethnicities"`
	Raw              json.RawMessage `json:"raw,omitempty"` // the whole JSON object ESP sent
	SyncedAt         time.Time       `json:"synced_at,omitzero"`
	RemovedAt        time.Time       `json:"removed_at,omitzero"`
	// Document is the download state: queued, done, failed, or none (no storage_url).
	Document string `json:"document"`
	// DocumentFile is the document's path inside the data folder's releases/
	// folder (slash-separated), once downloaded.
	DocumentFile  string `json:"document_file,omitempty"`
	DocumentBytes int64  `json:"document_bytes,omitempty"`
	DocumentError string `json:"document_error,omitempty"`
}

// Release document states.
const (
	DocQueued = "queued"
	DocDone   = "done"
	DocFailed = "failed"
	DocNone   = "none"
)

// sameDocument reports whether two storage URLs name the same document:
// signed URLs differ in their query from one listing to the next.
func sameDocument(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ua.Scheme == ub.Scheme && ua.Host == ub.Host && ua.Path == ub.Path
}

// writeReleases stores a batch's complete release list, queues the documents
// that are new or moved, and marks releases ESP no longer lists as removed.
func writeReleases(ctx context.Context, tx *sql.Tx, batchID string, rels []Release, now time.Time) (n, queued int, err error) {
	type prev struct{ state, docURL, removed string }
	known := map[string]prev{}
	rows, err := tx.QueryContext(ctx, `SELECT id, doc_state, doc_url, removed_at FROM releases WHERE batch_id = ?`, batchID)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var id string
		var p prev
		if err := rows.Scan(&id, &p.state, &p.docURL, &p.removed); err != nil {
			rows.Close()
			return 0, 0, err
		}
		known[id] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO releases (batch_id, id, release_type, file_name, mime_type, storage_url,
		model_date_of_birth, model_gender, model_ethnicities, raw, synced_at, removed_at, doc_state, doc_attempts,
		doc_error, doc_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, 0, '', ?)
		ON CONFLICT (batch_id, id) DO UPDATE SET release_type = excluded.release_type, file_name = excluded.file_name,
			mime_type = excluded.mime_type, storage_url = excluded.storage_url,
			model_date_of_birth = excluded.model_date_of_birth, model_gender = excluded.model_gender,
			model_ethnicities = excluded.model_ethnicities,
			raw = CASE WHEN excluded.raw != '' THEN excluded.raw ELSE releases.raw END,
			synced_at = excluded.synced_at, removed_at = '',
			doc_attempts = CASE WHEN excluded.doc_state = releases.doc_state THEN releases.doc_attempts ELSE 0 END,
			doc_error = CASE WHEN excluded.doc_state = releases.doc_state THEN releases.doc_error ELSE '' END,
			doc_updated_at = CASE WHEN excluded.doc_state = releases.doc_state THEN releases.doc_updated_at
				ELSE excluded.doc_updated_at END,
			doc_state = excluded.doc_state`)
	if err != nil {
		return 0, 0, err
	}
	defer up.Close()
	ts := fmtTime(now)
	seen := make(map[string]bool, len(rels))
	for _, r := range rels {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		p, exists := known[r.ID]
		state := DocQueued
		switch {
		case r.StorageURL == "":
			state = DocNone
		case exists && (p.state == DocDone || p.state == DocFailed) && sameDocument(p.docURL, r.StorageURL):
			state = p.state // the same document: already downloaded, or already given up on
		}
		if state == DocQueued && (!exists || p.state != DocQueued) {
			queued++
		}
		eth := r.ModelEthnicities
		if eth == nil {
			eth = []string{}
		}
		if _, err := up.ExecContext(ctx, batchID, r.ID, r.Type, r.FileName, r.MimeType, r.StorageURL, r.ModelDateOfBirth,
			r.ModelGender, toJSON(eth), string(r.Raw), ts, state, ts); err != nil {
			return 0, 0, err
		}
		n++
	}
	for id, p := range known {
		if seen[id] || p.removed != "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE releases SET removed_at = ? WHERE batch_id = ? AND id = ?`, ts, batchID, id); err != nil {
			return 0, 0, err
		}
	}
	return n, queued, nil
}

// ReleaseFilter narrows ListReleases. Empty fields match everything.
type ReleaseFilter struct {
	BatchID        string
	IncludeRemoved bool
}

// ListReleases returns releases by batch, then ID.
func (db *DB) ListReleases(ctx context.Context, f ReleaseFilter) ([]Release, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT batch_id, id, release_type, file_name, mime_type, storage_url,
		model_date_of_birth, model_gender, model_ethnicities, raw, synced_at, removed_at, doc_state, doc_file, doc_bytes,
		doc_error FROM releases WHERE (? = '' OR batch_id = ?) AND (? OR removed_at = '') ORDER BY batch_id, id`,
		f.BatchID, f.BatchID, f.IncludeRemoved)
	if err != nil {
		return nil, db.wrapErr("list releases", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		var r Release
		var eth, raw, synced, removed string
		if err := rows.Scan(&r.BatchID, &r.ID, &r.Type, &r.FileName, &r.MimeType, &r.StorageURL, &r.ModelDateOfBirth,
			&r.ModelGender, &eth, &raw, &synced, &removed, &r.Document, &r.DocumentFile, &r.DocumentBytes,
			&r.DocumentError); err != nil {
			return nil, db.wrapErr("list releases", err)
		}
		r.ModelEthnicities = strList(eth)
		if r.ModelEthnicities == nil {
			r.ModelEthnicities = []string{}
		}
		if raw != "" && json.Valid([]byte(raw)) {
			r.Raw = json.RawMessage(raw)
		}
		r.SyncedAt, r.RemovedAt = parseTime(synced), parseTime(removed)
		out = append(out, r)
	}
	return out, db.wrapRows("list releases", rows.Err())
}

// DocJob is one queued release document download.
type DocJob struct {
	BatchID, ReleaseID string
	URL                string
	Attempts           int
}

// NextReleaseDocs returns up to n queued document downloads of releases
// still listed by ESP, oldest first, skipping the keys in busy (BatchID+"/"+ReleaseID).
func (db *DB) NextReleaseDocs(ctx context.Context, n int, busy map[string]bool) ([]DocJob, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT batch_id, id, storage_url, doc_attempts FROM releases
		WHERE doc_state = 'queued' AND removed_at = '' ORDER BY doc_updated_at, batch_id, id LIMIT ?`, n+len(busy))
	if err != nil {
		return nil, db.wrapErr("read release document queue", err)
	}
	defer rows.Close()
	var out []DocJob
	for rows.Next() && len(out) < n {
		var j DocJob
		if err := rows.Scan(&j.BatchID, &j.ReleaseID, &j.URL, &j.Attempts); err != nil {
			return nil, err
		}
		if !busy[j.BatchID+"/"+j.ReleaseID] {
			out = append(out, j)
		}
	}
	return out, db.wrapRows("read release document queue", rows.Err())
}

// FinishReleaseDoc records a document download's outcome, like
// FinishThumbnail: only if the release still has the URL downloaded.
func (db *DB) FinishReleaseDoc(ctx context.Context, j DocJob, file string, size int64, failErr error, final bool, now time.Time) error {
	return db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		ts := fmtTime(now)
		var err error
		switch {
		case failErr == nil:
			_, err = tx.ExecContext(ctx, `UPDATE releases SET doc_state = 'done', doc_file = ?, doc_bytes = ?, doc_url = storage_url,
				doc_attempts = doc_attempts + 1, doc_error = '', doc_updated_at = ? WHERE batch_id = ? AND id = ? AND storage_url = ?`,
				file, size, ts, j.BatchID, j.ReleaseID, j.URL)
		case final:
			_, err = tx.ExecContext(ctx, `UPDATE releases SET doc_state = 'failed', doc_url = storage_url,
				doc_attempts = doc_attempts + 1, doc_error = ?, doc_updated_at = ? WHERE batch_id = ? AND id = ? AND storage_url = ?`,
				failErr.Error(), ts, j.BatchID, j.ReleaseID, j.URL)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE releases SET doc_attempts = doc_attempts + 1, doc_error = ?, doc_updated_at = ?
				WHERE batch_id = ? AND id = ? AND storage_url = ?`, failErr.Error(), ts, j.BatchID, j.ReleaseID, j.URL)
		}
		return err
	})
}

// ReleaseDocCounts counts release documents by state (releases still listed).
func (db *DB) ReleaseDocCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT doc_state, count(*) FROM releases WHERE removed_at = '' GROUP BY doc_state`)
	if err != nil {
		return nil, db.wrapErr("count release documents", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, db.wrapRows("count release documents", rows.Err())
}

// RequeueMissingReleaseDocs puts back in the queue every downloaded document
// whose file is not present (deleted, or a restore without releases/).
func (db *DB) RequeueMissingReleaseDocs(ctx context.Context, present func(file string) bool, now time.Time) (int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT DISTINCT doc_file FROM releases WHERE doc_state = 'done' AND doc_file != ''`)
	if err != nil {
		return 0, db.wrapErr("list release documents", err)
	}
	var missing []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return 0, err
		}
		if !present(f) {
			missing = append(missing, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(missing) == 0 {
		return 0, db.wrapRows("list release documents", err)
	}
	err = db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		for _, f := range missing {
			if _, err := tx.ExecContext(ctx, `UPDATE releases SET doc_state = 'queued', doc_attempts = 0, doc_updated_at = ?
				WHERE doc_file = ?`, fmtTime(now), f); err != nil {
				return err
			}
		}
		return nil
	})
	return len(missing), err
}
