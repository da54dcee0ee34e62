package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// A write that waited out the busy timeout behind another process's lock
// said "database is locked (5) (SQLITE_BUSY)", of no kind: the frontends
// could not say to quit the app or the other command (ErrInUse).
func TestBusyWriteIsInUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	holder, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, busy := other.BeginTx(ctx, nil)
	if busy == nil {
		t.Fatal("a second writer got the lock")
	}
	got := (&DB{path: path}).wrapErr("begin write", busy)
	var iu *InUseError
	if !errors.Is(got, ErrInUse) || !errors.As(got, &iu) || iu.Path != path {
		t.Errorf("wrapErr(%v) = %v, want an *InUseError for %s", busy, got, path)
	}
}
