package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Names of the pending-upload fields in PendingUpload.Edited.
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldKeywords    = "keywords"
)

// DuplicateError says a file is already a pending upload: by its path, or
// (SameContent) by its content, as a hard link or a byte-identical copy.
// It matches ErrDuplicate.
type DuplicateError struct {
	Existing    PendingUpload
	SameContent bool
}

func (e *DuplicateError) Error() string {
	if e.SameContent {
		return fmt.Sprintf("the same content is already pending upload %d (%s)", e.Existing.ID, e.Existing.Path)
	}
	return fmt.Sprintf("%s is already pending upload %d", e.Existing.Path, e.Existing.ID)
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// findPending returns the pending upload at path, else one with the same
// non-empty content hash (the oldest), else nil. Two lookups, each on an
// index (path's UNIQUE, pending_uploads_content_hash): one query with OR
// scanned the whole table, so adding n files took n² row reads.
func findPending(ctx context.Context, tx *sql.Tx, path, hash string) (*PendingUpload, error) {
	p, err := scanPending(tx.QueryRowContext(ctx, pendingByPath, path))
	if err == nil {
		return &p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) || hash == "" {
		return nil, nilIfNoRows(err)
	}
	p, err = scanPending(tx.QueryRowContext(ctx, pendingByHash, hash))
	if err != nil {
		return nil, nilIfNoRows(err)
	}
	return &p, nil
}

// The lookups of findPending. In pendingByHash, content_hash != ” repeats
// the partial index's condition so SQLite can use the index.
const (
	pendingByPath = `SELECT ` + pendingColumns + ` FROM pending_uploads WHERE path = ?`
	pendingByHash = `SELECT ` + pendingColumns + ` FROM pending_uploads WHERE content_hash = ? AND content_hash != '' ORDER BY id LIMIT 1`
)

func nilIfNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// FindPendingUpload returns the pending upload at path or, when hash is
// not "", one with that content hash; ok is false when there is none.
func (db *DB) FindPendingUpload(ctx context.Context, path, hash string) (p PendingUpload, ok bool, err error) {
	err = db.Read(ctx, func(tx *sql.Tx) error {
		found, err := findPending(ctx, tx, path, hash)
		if found != nil {
			p, ok = *found, true
		}
		return err
	})
	if err != nil {
		return p, false, db.wrapErr("find pending upload", err)
	}
	return p, ok, nil
}

// PendingUploadByID returns one pending upload, or an error wrapping
// ErrNotFound that tells the user where to find IDs.
func (db *DB) PendingUploadByID(ctx context.Context, id int64) (PendingUpload, error) {
	p, err := scanPending(db.r.QueryRowContext(ctx, `SELECT `+pendingColumns+` FROM pending_uploads WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, &NotFoundError{What: NotFoundPendingUpload, ID: strconv.FormatInt(id, 10)}
	} else if err != nil {
		return p, db.wrapErr("read pending upload", err)
	}
	return p, nil
}

// PendingEdit is a change made in Stocksync; nil fields are not changed.
type PendingEdit struct {
	Title, Description *string
	Keywords           *[]string
}

// EditPendingUpload changes the fields given, marks them edited (so a
// refresh from the file leaves them alone) and returns the row as stored.
func (db *DB) EditPendingUpload(ctx context.Context, id int64, e PendingEdit, now time.Time) (PendingUpload, error) {
	var out PendingUpload
	err := db.Write(ctx, func(tx *sql.Tx) error {
		p, err := pendingByIDTx(ctx, tx, id)
		if err != nil {
			return err
		}
		mark := func(field string) {
			if !slices.Contains(p.Edited, field) {
				p.Edited = append(p.Edited, field)
			}
		}
		if e.Title != nil {
			p.Title = *e.Title
			mark(FieldTitle)
		}
		if e.Description != nil {
			p.Description = *e.Description
			mark(FieldDescription)
		}
		if e.Keywords != nil {
			p.Keywords = *e.Keywords
			mark(FieldKeywords)
		}
		p.UpdatedAt = now
		out = p
		return updatePending(ctx, tx, p)
	})
	return out, err
}

func updatePending(ctx context.Context, tx *sql.Tx, p PendingUpload) error {
	_, err := tx.ExecContext(ctx, `UPDATE pending_uploads SET title = ?, description = ?, keywords = ?, media_type = ?,
		size = ?, updated_at = ?, content_hash = ?, sidecar_hash = ?, edited = ? WHERE id = ?`,
		p.Title, p.Description, keywordsJSON(p.Keywords), p.MediaType, p.Size, fmtTime(p.UpdatedAt),
		p.ContentHash, p.SidecarHash, keywordsJSON(p.Edited), p.ID)
	return err
}

// RefreshPendingUpload takes what the file says now (from: metadata, size,
// media type and hashes) into pending upload id, except the fields the
// user edited in Stocksync. It returns the row as stored and the names of
// the fields whose value changed.
func (db *DB) RefreshPendingUpload(ctx context.Context, id int64, from PendingUpload, now time.Time) (PendingUpload, []string, error) {
	var out PendingUpload
	var changed []string
	err := db.Write(ctx, func(tx *sql.Tx) error {
		p, err := pendingByIDTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Edited, FieldTitle) && p.Title != from.Title {
			p.Title = from.Title
			changed = append(changed, FieldTitle)
		}
		if !slices.Contains(p.Edited, FieldDescription) && p.Description != from.Description {
			p.Description = from.Description
			changed = append(changed, FieldDescription)
		}
		if !slices.Contains(p.Edited, FieldKeywords) && !slices.Equal(p.Keywords, from.Keywords) {
			p.Keywords = from.Keywords
			changed = append(changed, FieldKeywords)
		}
		p.MediaType, p.Size, p.ContentHash, p.SidecarHash, p.UpdatedAt = from.MediaType, from.Size, from.ContentHash, from.SidecarHash, now
		out = p
		return updatePending(ctx, tx, p)
	})
	return out, changed, err
}

// MovePendingUpload points pending upload id at newPath, keeping its
// metadata and edits: the file was moved or renamed (its old path is gone,
// its bytes are the same). A path that is already pending gives a
// *DuplicateError; an unknown id an error wrapping ErrNotFound.
func (db *DB) MovePendingUpload(ctx context.Context, id int64, newPath string, now time.Time) (PendingUpload, error) {
	var out PendingUpload
	err := db.Write(ctx, func(tx *sql.Tx) error {
		p, err := pendingByIDTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Path == newPath {
			out = p
			return nil
		}
		other, err := scanPending(tx.QueryRowContext(ctx, pendingByPath, newPath))
		if err == nil {
			return &DuplicateError{Existing: other}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pending_uploads SET path = ?, updated_at = ? WHERE id = ?`,
			newPath, fmtTime(now), id); err != nil {
			return err
		}
		p.Path, p.UpdatedAt = newPath, now
		out = p
		return nil
	})
	return out, err
}

// RemovePendingUpload takes a pending upload off the list. It is kept in
// removed_pending_uploads, so the next snapshot still holds it and
// `restore --local-only` (MergeLocalOnly) can bring it back.
func (db *DB) RemovePendingUpload(ctx context.Context, id int64, now time.Time) (PendingUpload, error) {
	var out PendingUpload
	err := db.Write(ctx, func(tx *sql.Tx) error {
		p, err := pendingByIDTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO removed_pending_uploads (`+pendingColumns+`, removed_at)
			SELECT `+pendingColumns+`, ? FROM pending_uploads WHERE id = ?`, fmtTime(now), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending_uploads WHERE id = ?`, id); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

// RemovedPendingUploads lists removed pending uploads, most recent first,
// with when each was removed.
func (db *DB) RemovedPendingUploads(ctx context.Context) ([]RemovedPendingUpload, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+pendingColumns+`, removed_at FROM removed_pending_uploads ORDER BY removal_id DESC`)
	if err != nil {
		return nil, db.wrapErr("list removed pending uploads", err)
	}
	defer rows.Close()
	var out []RemovedPendingUpload
	for rows.Next() {
		var r RemovedPendingUpload
		var removed string
		var kw, added, updated, edited string
		p := &r.PendingUpload
		if err := rows.Scan(&p.ID, &p.Path, &p.Title, &p.Description, &kw, &p.MediaType, &p.Size, &added, &updated,
			&p.ContentHash, &p.SidecarHash, &edited, &removed); err != nil {
			return nil, db.wrapErr("list removed pending uploads", err)
		}
		p.Keywords, p.AddedAt, p.UpdatedAt, r.RemovedAt = strList(kw), parseTime(added), parseTime(updated), parseTime(removed)
		if e := strList(edited); len(e) > 0 {
			p.Edited = e
		}
		out = append(out, r)
	}
	return out, db.wrapRows("list removed pending uploads", rows.Err())
}

// RemovedPendingUpload is a pending upload the user removed.
type RemovedPendingUpload struct {
	PendingUpload
	RemovedAt time.Time `json:"removed_at"`
}

// restoreRemovedPending brings back, inside MergeLocalOnly's transaction,
// the pending uploads the attached snapshot holds as removed, unless their
// path is pending again: the newest removal of each path wins, keeping its
// ID when free. They leave main's removed list. It returns how many came
// back.
func restoreRemovedPending(ctx context.Context, tx *sql.Tx) (int, error) {
	var hasTable int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM snap.sqlite_master WHERE type = 'table' AND name = 'removed_pending_uploads'`).
		Scan(&hasTable); err != nil || hasTable == 0 {
		return 0, err
	}
	newest := ` FROM snap.removed_pending_uploads AS s WHERE s.removal_id = (SELECT max(removal_id) FROM snap.removed_pending_uploads AS t WHERE t.path = s.path)
		AND NOT EXISTS (SELECT 1 FROM main.pending_uploads AS m WHERE m.path = s.path)`
	cols := `path, title, description, keywords, media_type, size, added_at, updated_at, content_hash, sidecar_hash, edited`
	res, err := tx.ExecContext(ctx, `INSERT INTO main.pending_uploads (id, `+cols+`) SELECT s.id, `+prefixedCols("s.", cols)+newest+
		` AND NOT EXISTS (SELECT 1 FROM main.pending_uploads AS m WHERE m.id = s.id)`)
	if err != nil {
		return 0, err
	}
	n := affected(res)
	res, err = tx.ExecContext(ctx, `INSERT INTO main.pending_uploads (`+cols+`) SELECT `+prefixedCols("s.", cols)+newest)
	if err != nil {
		return 0, err
	}
	n += affected(res)
	_, err = tx.ExecContext(ctx, `DELETE FROM main.removed_pending_uploads WHERE path IN (SELECT path FROM main.pending_uploads)`)
	return n, err
}

func prefixedCols(p, cols string) string { return prefixed(p, strings.Split(cols, ", ")) }

// pendingByIDTx reads pending upload id inside tx; an unknown id is an error
// wrapping ErrNotFound.
func pendingByIDTx(ctx context.Context, tx *sql.Tx, id int64) (PendingUpload, error) {
	p, err := scanPending(tx.QueryRowContext(ctx, `SELECT `+pendingColumns+` FROM pending_uploads WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, &NotFoundError{What: NotFoundPendingUpload, ID: strconv.FormatInt(id, 10)}
	}
	return p, err
}
