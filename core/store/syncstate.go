package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// OutcomeSignedOut is the outcome of a sync stopped because the ESP session
// expired or was missing (esp.ErrSignedOut): nothing was changed, and the
// next sync needs a new sign-in.
const OutcomeSignedOut = "signed_out"

const keyLearnedRate = "esp.learned_requests_per_second"

// LearnedRate is the request rate (requests per second) ESP tolerated when
// it last throttled a sync, and when that was; ErrNotFound when no sync has
// learned one (or the last one cleared it).
func (db *DB) LearnedRate(ctx context.Context) (float64, time.Time, error) {
	var v, at string
	err := db.r.QueryRowContext(ctx, `SELECT value, updated_at FROM sync_state WHERE key = ?`, keyLearnedRate).Scan(&v, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, ErrNotFound
	}
	if err != nil {
		return 0, time.Time{}, db.wrapErr("read the learned request rate", err)
	}
	rps, err := strconv.ParseFloat(v, 64)
	if err != nil || rps <= 0 {
		return 0, time.Time{}, ErrNotFound
	}
	return rps, parseTime(at), nil
}

// SaveLearnedRate stores the request rate a sync ended with; rps <= 0 clears it.
func (db *DB) SaveLearnedRate(ctx context.Context, rps float64, now time.Time) error {
	return db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		if rps <= 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM sync_state WHERE key = ?`, keyLearnedRate)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			keyLearnedRate, strconv.FormatFloat(rps, 'f', -1, 64), fmtTime(now))
		return err
	})
}
