package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue #14: core's errors state facts and carry them as fields; no text
// names a CLI command (the CLI's hint and the app's texts give advice).
func TestNotFoundErrorsCarryTheID(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, perr := db.PendingUploadByID(ctx, 42)
	_, eerr := db.PutLocalEdit(ctx, LocalEdit{ContributionID: "8000"}, time.Now())
	for _, c := range []struct {
		err      error
		what, id string
		text     string
	}{
		{perr, NotFoundPendingUpload, "42", "there is no pending upload 42"},
		{eerr, NotFoundFile, "8000", "file 8000 is not in the local portfolio"},
	} {
		var nf *NotFoundError
		if !errors.As(c.err, &nf) || nf.What != c.what || nf.ID != c.id {
			t.Errorf("%v: want a *NotFoundError{%s %s}", c.err, c.what, c.id)
			continue
		}
		if !errors.Is(c.err, ErrNotFound) {
			t.Errorf("%v is not ErrNotFound", c.err)
		}
		if nf.Error() != c.text {
			t.Errorf("text %q, want %q", nf.Error(), c.text)
		}
	}
}

func TestInUseErrorStatesTheFact(t *testing.T) {
	err := error(&InUseError{Path: "/d/stocksync.db"})
	if !errors.Is(err, ErrInUse) {
		t.Error("InUseError is not ErrInUse")
	}
	if got := err.Error(); got != "database /d/stocksync.db is in use by another process" {
		t.Errorf("text %q", got)
	}
	ce := &CorruptError{Path: "/d/stocksync.db", Problem: ProblemEmpty, Err: errors.New("the file has 0 bytes")}
	if strings.Contains(strings.ReplaceAll(ce.Error(), ce.Path, ""), "stocksync") {
		t.Errorf("CorruptError names a command: %q", ce.Error())
	}
}
