package syncer

import (
	"errors"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

// ProblemOf is the kind of a run-stopping error as a run stores it
// (store.SyncRun.Problem): one of the store.SyncProblem* kinds, "" for any
// other error. Both frontends word errors by it.
func ProblemOf(err error) store.SyncProblem {
	var ce *store.CorruptError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, esp.ErrSignedOut):
		return store.SyncProblemSignedOut
	case errors.Is(err, ErrNoProgress):
		return store.SyncProblemNoProgress
	case errors.Is(err, esp.ErrBadCredentials):
		return store.SyncProblemBadCredentials
	case errors.Is(err, esp.ErrForbidden):
		return store.SyncProblemForbidden
	case errors.Is(err, esp.ErrUnavailable):
		return store.SyncProblemUnavailable
	case errors.Is(err, esp.ErrRateLimited):
		return store.SyncProblemRateLimited
	case errors.As(err, &ce):
		return store.SyncProblemDamaged
	case errors.Is(err, store.ErrDiskFull):
		return store.SyncProblemDiskFull
	case errors.Is(err, store.ErrGone):
		return store.SyncProblemDataGone
	}
	return ""
}

// runProblem is the stored kind of a run-stopping error and the fact to
// store with it: the error's own text, which names the endpoint and what ESP
// or the database said. No advice: the frontends word the kind (issue #14).
func runProblem(err error) (store.SyncProblem, string) { return ProblemOf(err), err.Error() }
