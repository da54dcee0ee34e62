package store

import (
	"context"
	"database/sql"
	"time"
)

// ReviewEvent is one thing that happened to a file on ESP, derived from what
// a sync observed: the file's status changed since the previous sync (or the
// first sync saw it already decided). ESP's web API has no review history
// (docs/esp-api.md); the time is ESP's published_at for an acceptance, the
// modeled review's time when those are switched on, ESP's updated_at when it
// lies between the two syncs, or else the sync that saw the change. The JSON
// form is what `stocksync list reviews --json` prints.
type ReviewEvent struct {
	ID             int64  `json:"id"`
	ContributionID string `json:"file_id"`
	BatchID        string `json:"batch_id"`
	FromStatus     string `json:"from_status"` // "" = first seen
	ToStatus       string `json:"to_status"`
	// Outcome is accepted, revisable, rejected, submitted, pending or other.
	Outcome string    `json:"outcome"`
	At      time.Time `json:"at,omitzero"`
	// AtSource says how At was found: published_at, review, updated_at or observed.
	AtSource string `json:"at_source"`
	// NotBefore is the previous sync of the batch: the change happened after it.
	NotBefore  time.Time `json:"not_before,omitzero"`
	ObservedAt time.Time `json:"observed_at"`
	Reasons    []string  `json:"reasons,omitempty"`
	Notes      string    `json:"notes,omitempty"`
	// FileName and Headline are the file's, as last synced (read only).
	FileName string `json:"file_name,omitempty"`
	Headline string `json:"title,omitempty"`
}

// Review event outcomes beyond the Bucket* decisions.
const (
	EventSubmitted = "submitted"
	EventPending   = "pending"
	EventOther     = "other"
)

// Where a ReviewEvent's time came from.
const (
	AtPublished = "published_at"
	AtReview    = "review"
	AtUpdated   = "updated_at"
	AtObserved  = "observed"
)

// IsDecision reports whether an outcome is an inspector's decision
// (accepted, revisable, rejected).
func IsDecision(outcome string) bool {
	return outcome == BucketAccepted || outcome == BucketRevisable || outcome == BucketRejected
}

func eventOutcome(status string) string {
	switch b := Bucket(status); b {
	case BucketAccepted, BucketRevisable, BucketRejected:
		return b
	case BucketInReview:
		return EventSubmitted
	case BucketPending:
		return EventPending
	}
	return EventOther
}

// deriveEvent decides the event, if any, that storing f implies. prevStatus
// is what the database held (exists=false: the file is new here),
// lastSynced the batch's previous sync, accepted the acceptance time
// already decided for f.
func deriveEvent(prevStatus string, exists bool, lastSynced time.Time, f *Contribution, accepted, now time.Time) (ReviewEvent, bool) {
	if exists && prevStatus == f.Status {
		return ReviewEvent{}, false
	}
	outcome := eventOutcome(f.Status)
	if !exists && !IsDecision(outcome) {
		return ReviewEvent{}, false // a new pending or submitted file is not news
	}
	e := ReviewEvent{ContributionID: f.ID, FromStatus: prevStatus, ToStatus: f.Status, Outcome: outcome,
		ObservedAt: now, At: now, AtSource: AtObserved}
	if exists {
		e.NotBefore = lastSynced
	}
	for i := len(f.Reviews) - 1; i >= 0; i-- {
		if r := f.Reviews[i]; r.Outcome == outcome {
			e.Reasons, e.Notes = r.Reasons, r.Notes
			if !r.ReviewedAt.IsZero() {
				e.At, e.AtSource = r.ReviewedAt, AtReview
			}
			break
		}
	}
	switch {
	case outcome == BucketAccepted && !f.PublishedAt.IsZero():
		e.At, e.AtSource = f.PublishedAt, AtPublished
	case e.AtSource == AtReview:
	case !f.UpdatedAt.IsZero() && !f.UpdatedAt.After(now) && (e.NotBefore.IsZero() || f.UpdatedAt.After(e.NotBefore)):
		// ESP moves updated_at when a file changes; inside the window
		// between the two syncs it is the best time there is.
		e.At, e.AtSource = f.UpdatedAt, AtUpdated
	case outcome == BucketAccepted && !accepted.IsZero():
		e.At = accepted
	}
	return e, true
}

func prepareEventWrite(ctx context.Context, tx *sql.Tx) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, `INSERT INTO review_events (contribution_id, batch_id, from_status, to_status,
		outcome, at, at_source, not_before, observed_at, reasons, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
}

func insertEvent(ctx context.Context, st *sql.Stmt, batchID string, e ReviewEvent) error {
	reasons := e.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	_, err := st.ExecContext(ctx, e.ContributionID, batchID, e.FromStatus, e.ToStatus, e.Outcome, fmtTime(e.At),
		e.AtSource, fmtTime(e.NotBefore), fmtTime(e.ObservedAt), toJSON(reasons), e.Notes)
	return err
}

// ReviewEventFilter narrows ReviewEvents. Empty fields match everything.
type ReviewEventFilter struct {
	BatchID        string
	ContributionID string
	Outcome        string // one outcome (accepted, revisable, rejected, submitted, pending, other)
	// DecisionsOnly keeps accepted, revisable and rejected.
	DecisionsOnly bool
	// Since keeps events that happened (At) at or after it.
	Since time.Time
}

// ReviewEvents returns the events matching f, oldest first (by At, then as recorded).
func (db *DB) ReviewEvents(ctx context.Context, f ReviewEventFilter) ([]ReviewEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, e.contribution_id, e.batch_id, e.from_status, e.to_status,
		e.outcome, e.at, e.at_source, e.not_before, e.observed_at, e.reasons, e.notes, COALESCE(c.file_name, ''),
		COALESCE(c.headline, '') FROM review_events e LEFT JOIN contributions c ON c.id = e.contribution_id
		WHERE (? = '' OR e.batch_id = ?) AND (? = '' OR e.contribution_id = ?) AND (? = '' OR e.outcome = ?)
			AND (? = 0 OR e.outcome IN ('accepted', 'revisable', 'rejected')) AND (? = '' OR e.at >= ?)
		ORDER BY e.at, e.id`, f.BatchID, f.BatchID, f.ContributionID, f.ContributionID, f.Outcome, f.Outcome,
		b2i(f.DecisionsOnly), fmtTime(f.Since), fmtTime(f.Since))
	if err != nil {
		return nil, db.wrapErr("list review events", err)
	}
	defer rows.Close()
	var out []ReviewEvent
	for rows.Next() {
		var e ReviewEvent
		var at, nb, obs, reasons string
		if err := rows.Scan(&e.ID, &e.ContributionID, &e.BatchID, &e.FromStatus, &e.ToStatus, &e.Outcome, &at,
			&e.AtSource, &nb, &obs, &reasons, &e.Notes, &e.FileName, &e.Headline); err != nil {
			return nil, db.wrapErr("list review events", err)
		}
		e.At, e.NotBefore, e.ObservedAt, e.Reasons = parseTime(at), parseTime(nb), parseTime(obs), strList(reasons)
		if len(e.Reasons) == 0 {
			e.Reasons = nil
		}
		out = append(out, e)
	}
	return out, db.wrapRows("list review events", rows.Err())
}
