package backup

import (
	"context"
	"fmt"
)

// BackUpOptions say what BackUp does: a snapshot as SnapshotOptions say
// (Kind is KindSnapshot; Record and Progress serve the whole run), then
// retention.
type BackUpOptions struct {
	SnapshotOptions
	// Keep is the retention's "newest N" (DefaultPolicy(Keep)); 0 or less
	// means the default, 10. Prune false leaves old snapshots alone.
	Keep  int
	Prune bool
}

// BackUpResult is what BackUp did.
type BackUpResult struct {
	Snapshot Info   `json:"snapshot"`
	Verify   Report `json:"verify"`
	// Prune is set when old snapshots were pruned (only after a snapshot
	// that verified).
	Prune *PruneResult `json:"prune,omitempty"`
	// PruneErr says why pruning failed; the snapshot is fine regardless.
	PruneErr error `json:"-"`
}

// BackUp is a backup as both frontends take it: Snapshot into opt.Dest,
// Verify the new snapshot (marking it, so the next snapshot can hard-link
// unchanged files from it), then, only if it verified, Prune with
// DefaultPolicy(opt.Keep). Each step records its run through opt.Record;
// opt.Progress follows all of them (Op tells the snapshot from the
// verification).
//
// The error is for a snapshot that could not be taken or checked. A
// snapshot that failed verification is kept for inspection, and reported by
// result.Verify.OK false (result.Verify.Err() words it) with a nil error.
func BackUp(ctx context.Context, opt BackUpOptions) (BackUpResult, error) {
	var res BackUpResult
	if opt.Kind != "" && opt.Kind != KindSnapshot {
		return res, fmt.Errorf("back up: kind %q is not a backup (use Snapshot)", opt.Kind)
	}
	var err error
	if res.Snapshot, err = Snapshot(ctx, opt.SnapshotOptions); err != nil {
		return res, err
	}
	res.Verify, err = Verify(ctx, res.Snapshot.Path, VerifyOptions{Mark: true, Now: opt.Now, Record: opt.Record, Progress: opt.Progress})
	if err != nil || !res.Verify.OK || !opt.Prune {
		return res, err
	}
	pr, err := Prune(opt.Dest, DefaultPolicy(opt.Keep), nowFunc(opt.Now).now())
	res.Prune, res.PruneErr = &pr, err
	return res, nil
}
