package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AddPendingUpload records a LOCAL-ONLY file prepared for upload. A path
// added before, or a file with the same ContentHash (a hard link or a
// byte-identical copy), gives a *DuplicateError, which matches ErrDuplicate.
func (db *DB) AddPendingUpload(ctx context.Context, p PendingUpload, now time.Time) (int64, error) {
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if dup, err := findPending(ctx, tx, p.Path, p.ContentHash); err != nil {
			return err
		} else if dup != nil {
			return &DuplicateError{Existing: *dup, SameContent: dup.Path != p.Path}
		}
		// IDs are never reused: SQLite would give a removed pending
		// upload's ID (the largest) to the next file, and `pending remove
		// 7` would then name another file than the one removed as 7.
		res, err := tx.ExecContext(ctx, `INSERT INTO pending_uploads
			(id, path, title, description, keywords, media_type, size, added_at, updated_at, content_hash, sidecar_hash, edited)
			VALUES (1 + max(coalesce((SELECT max(id) FROM pending_uploads), 0), coalesce((SELECT max(id) FROM removed_pending_uploads), 0)),
			?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Path, p.Title, p.Description, keywordsJSON(p.Keywords), p.MediaType, p.Size, fmtTime(now), fmtTime(now),
			p.ContentHash, p.SidecarHash, keywordsJSON(p.Edited))
		if isUnique(err) {
			return fmt.Errorf("%s is already a pending upload: %w", p.Path, ErrDuplicate)
		}
		if err != nil {
			return fmt.Errorf("add pending upload %s: %w", p.Path, err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// pendingColumns are selected by scanPending, in its order.
const pendingColumns = `id, path, title, description, keywords, media_type, size, added_at, updated_at, content_hash, sidecar_hash, edited`

func scanPending(s scanner) (PendingUpload, error) {
	var p PendingUpload
	var kw, added, updated, edited string
	if err := s.Scan(&p.ID, &p.Path, &p.Title, &p.Description, &kw, &p.MediaType, &p.Size, &added, &updated,
		&p.ContentHash, &p.SidecarHash, &edited); err != nil {
		return p, err
	}
	p.Keywords, p.AddedAt, p.UpdatedAt = strList(kw), parseTime(added), parseTime(updated)
	if e := strList(edited); len(e) > 0 {
		p.Edited = e
	}
	return p, nil
}

// PendingUploads lists every pending upload, oldest first. Removed ones
// (RemovePendingUpload) are not listed.
func (db *DB) PendingUploads(ctx context.Context) ([]PendingUpload, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+pendingColumns+` FROM pending_uploads ORDER BY id`)
	if err != nil {
		return nil, db.wrapErr("list pending uploads", err)
	}
	defer rows.Close()
	var out []PendingUpload
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			return nil, db.wrapErr("list pending uploads", err)
		}
		out = append(out, p)
	}
	return out, db.wrapRows("list pending uploads", rows.Err())
}

// SetLocalPath records where on this machine an uploaded file lives (LOCAL-ONLY).
func (db *DB) SetLocalPath(ctx context.Context, contributionID, path string, now time.Time) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO local_paths (contribution_id, path, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (contribution_id) DO UPDATE SET path = excluded.path, updated_at = excluded.updated_at`,
			contributionID, path, fmtTime(now))
		return err
	})
}

// LocalPaths maps contribution IDs to local file paths.
func (db *DB) LocalPaths(ctx context.Context) (map[string]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT contribution_id, path FROM local_paths`)
	if err != nil {
		return nil, db.wrapErr("list local paths", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, db.wrapRows("list local paths", rows.Err())
}

// PutLocalEdit records a LOCAL-ONLY metadata edit of a file on ESP, merged
// with any edit already waiting for it. Only files still pending (uploaded,
// not submitted) can be edited: ESP refuses changes after submission.
func (db *DB) PutLocalEdit(ctx context.Context, e LocalEdit, now time.Time) (LocalEdit, error) {
	var out LocalEdit
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var status, updated, removed string
		err := tx.QueryRowContext(ctx, `SELECT status, updated_at, removed_at FROM contributions WHERE id = ?`, e.ContributionID).
			Scan(&status, &updated, &removed)
		if errors.Is(err, sql.ErrNoRows) {
			return &NotFoundError{What: NotFoundFile, ID: e.ContributionID}
		}
		if err != nil {
			return err
		}
		if removed != "" {
			return fmt.Errorf("file %s was removed from ESP and can no longer be edited", e.ContributionID)
		}
		if status != "pending" {
			return fmt.Errorf("file %s is %q on ESP: only files uploaded but not yet submitted can be edited", e.ContributionID, status)
		}
		prev, err := getLocalEdit(ctx, tx, e.ContributionID)
		switch {
		case errors.Is(err, ErrNotFound):
			prev = LocalEdit{ContributionID: e.ContributionID, CreatedAt: now, BaseUpdatedAt: parseTime(updated)}
		case err != nil:
			return err
		}
		if e.Headline != nil {
			prev.Headline = e.Headline
		}
		if e.Caption != nil {
			prev.Caption = e.Caption
		}
		if e.Keywords != nil {
			prev.Keywords = e.Keywords
		}
		prev.UpdatedAt = now
		if prev.State == "" {
			prev.State = EditWaiting
		}
		var kw any
		if prev.Keywords != nil {
			kw = keywordsJSON(*prev.Keywords)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO local_edits
			(contribution_id, headline, caption, keywords, base_updated_at, state, conflict, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (contribution_id) DO UPDATE SET headline = excluded.headline, caption = excluded.caption,
				keywords = excluded.keywords, updated_at = excluded.updated_at`,
			prev.ContributionID, prev.Headline, prev.Caption, kw, fmtTime(prev.BaseUpdatedAt), prev.State, prev.Conflict,
			fmtTime(prev.CreatedAt), fmtTime(prev.UpdatedAt))
		out = prev
		return err
	})
	return out, err
}

// LocalEdits lists local edits, optionally only those in state (""=all).
func (db *DB) LocalEdits(ctx context.Context, state string) ([]LocalEdit, error) {
	q := `SELECT contribution_id, headline, caption, keywords, base_updated_at, state, conflict, created_at, updated_at
		FROM local_edits WHERE ? = '' OR state = ? ORDER BY created_at, contribution_id`
	rows, err := db.r.QueryContext(ctx, q, state, state)
	if err != nil {
		return nil, db.wrapErr("list local edits", err)
	}
	defer rows.Close()
	var out []LocalEdit
	for rows.Next() {
		e, err := scanEdit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, db.wrapRows("list local edits", rows.Err())
}

type scanner interface{ Scan(...any) error }

func scanEdit(s scanner) (LocalEdit, error) {
	var e LocalEdit
	var h, c, k sql.NullString
	var base, created, updated string
	if err := s.Scan(&e.ContributionID, &h, &c, &k, &base, &e.State, &e.Conflict, &created, &updated); err != nil {
		return e, err
	}
	if h.Valid {
		e.Headline = &h.String
	}
	if c.Valid {
		e.Caption = &c.String
	}
	if k.Valid {
		kw := strList(k.String)
		if kw == nil {
			kw = []string{}
		}
		e.Keywords = &kw
	}
	e.BaseUpdatedAt, e.CreatedAt, e.UpdatedAt = parseTime(base), parseTime(created), parseTime(updated)
	return e, nil
}

func getLocalEdit(ctx context.Context, tx *sql.Tx, id string) (LocalEdit, error) {
	row := tx.QueryRowContext(ctx, `SELECT contribution_id, headline, caption, keywords, base_updated_at, state, conflict, created_at, updated_at
		FROM local_edits WHERE contribution_id = ?`, id)
	e, err := scanEdit(row)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// ClearSentEdit removes an edit after ESP confirmed it, but only if it was
// not changed again since it was read for sending (updatedAt matches).
func (db *DB) ClearSentEdit(ctx context.Context, id string, updatedAt time.Time) (bool, error) {
	var cleared bool
	err := db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM local_edits WHERE contribution_id = ? AND updated_at = ?`, id, fmtTime(updatedAt))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		cleared = n == 1
		return nil
	})
	return cleared, err
}

// MarkEditConflict keeps an edit but marks it as conflicting with the server.
func (db *DB) MarkEditConflict(ctx context.Context, id, reason string) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE local_edits SET state = 'conflict', conflict = ? WHERE contribution_id = ?`, reason, id)
		return err
	})
}

func (db *DB) wrapRows(what string, err error) error {
	if err == nil {
		return nil
	}
	return db.wrapErr(what, err)
}
