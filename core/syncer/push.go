package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

// push sends every waiting local edit whose file is still pending on ESP and
// unchanged there since the edit was made. Conflicts are kept and marked;
// failures are kept waiting for the next run.
func (r *run) push(ctx context.Context) error {
	edits, err := r.e.DB.LocalEdits(ctx, store.EditWaiting)
	if err != nil {
		return fmt.Errorf("read local edits: %w", err)
	}
	for _, ed := range edits {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.pushOne(ctx, ed); err != nil {
			if stopsRun(err) || ctx.Err() != nil {
				return err
			}
			r.fail("edit of file "+ed.ContributionID, err)
		}
	}
	return nil
}

func (r *run) pushOne(ctx context.Context, ed store.LocalEdit) error {
	local, err := r.e.DB.GetContribution(ctx, ed.ContributionID)
	if errors.Is(err, store.ErrNotFound) {
		return r.conflict(ctx, ed, "the file is not in the local portfolio any more")
	}
	if err != nil {
		return err
	}
	server, err := patient(ctx, r, func() (esp.Contribution, error) {
		return r.e.ESP.GetContribution(ctx, local.BatchID, ed.ContributionID)
	})
	if errors.Is(err, esp.ErrNotFound) {
		return r.conflict(ctx, ed, "the file no longer exists on ESP")
	}
	if err != nil {
		return err
	}
	if server.Status != esp.StatusPending {
		return r.conflict(ctx, ed, fmt.Sprintf("the file is %q on ESP: only files not yet submitted can be changed", server.Status))
	}
	if alreadyApplied(ed, server) {
		// Sent by an earlier run that stopped before it could clear the edit.
		_, err := r.e.DB.ApplySentEdit(ctx, toStoreContribution(server, local.BatchID), ed.UpdatedAt, r.now())
		return err
	}
	if !server.UpdatedAt.Equal(ed.BaseUpdatedAt) {
		return r.conflict(ctx, ed, fmt.Sprintf("the file was changed on ESP (at %s) after this edit was made; "+
			"compare both versions and edit again", server.UpdatedAt.Local().Format("2006-01-02 15:04")))
	}
	got, err := patient(ctx, r, func() (esp.Contribution, error) {
		return r.e.ESP.UpdateContribution(ctx, local.BatchID, ed.ContributionID, esp.ContributionUpdate{
			Headline: ed.Headline, Caption: ed.Caption, Keywords: ed.Keywords,
		})
	})
	if errors.Is(err, esp.ErrValidation) {
		return r.conflict(ctx, ed, "ESP refused the change: "+err.Error())
	}
	if err != nil {
		return err
	}
	if _, err := r.e.DB.ApplySentEdit(ctx, toStoreContribution(got, local.BatchID), ed.UpdatedAt, r.now()); err != nil {
		return err
	}
	r.dog.bump()
	r.mu.Lock()
	r.res.Run.EditsSent++
	r.mu.Unlock()
	r.rep.update(func(p *Progress) { p.EditsSent++ })
	return nil
}

func (r *run) conflict(ctx context.Context, ed store.LocalEdit, why string) error {
	if err := r.e.DB.MarkEditConflict(ctx, ed.ContributionID, why); err != nil {
		return err
	}
	r.mu.Lock()
	r.res.Run.Conflicts++
	r.mu.Unlock()
	r.rep.update(func(p *Progress) { p.Conflicts++ })
	return nil
}

// alreadyApplied reports whether ESP already holds exactly what the edit says.
func alreadyApplied(ed store.LocalEdit, server esp.Contribution) bool {
	if ed.Headline != nil && *ed.Headline != server.Headline {
		return false
	}
	if ed.Caption != nil && *ed.Caption != server.Caption {
		return false
	}
	if ed.Keywords != nil && !slices.Equal(*ed.Keywords, server.Keywords) {
		return false
	}
	return ed.Headline != nil || ed.Caption != nil || ed.Keywords != nil
}
