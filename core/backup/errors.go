package backup

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/stocksync/stocksync/core/store"
)

// Reason says why a destination could not take a snapshot.
type Reason int

const (
	ReasonOther      Reason = iota
	ReasonMissing           // the folder does not exist (drive not connected?)
	ReasonNotFolder         // the path is a file
	ReasonReadOnly          // read-only volume
	ReasonFull              // no space left (or quota)
	ReasonPermission        // not allowed to write
)

func (r Reason) String() string {
	switch r {
	case ReasonMissing:
		return "missing"
	case ReasonNotFolder:
		return "not a folder"
	case ReasonReadOnly:
		return "read-only"
	case ReasonFull:
		return "full"
	case ReasonPermission:
		return "permission denied"
	}
	return "error"
}

// DestinationError means the backup destination could not be used. Whatever
// was partially written there has been removed, and the data folder was not
// touched.
type DestinationError struct {
	Dest   string
	Reason Reason
	Err    error
}

// Error states what is wrong with the destination; what to do about it is
// the frontends' (the CLI's hint, the app's destination texts).
func (e *DestinationError) Error() string {
	switch e.Reason {
	case ReasonMissing:
		return fmt.Sprintf("backup destination %s does not exist or is not connected", e.Dest)
	case ReasonNotFolder:
		return fmt.Sprintf("backup destination %s is a file, not a folder", e.Dest)
	case ReasonReadOnly:
		return fmt.Sprintf("backup destination %s is read-only, so nothing was written there", e.Dest)
	case ReasonFull:
		return fmt.Sprintf("backup destination %s is full: the incomplete snapshot was removed and your data was not touched", e.Dest)
	case ReasonPermission:
		return fmt.Sprintf("not allowed to write to backup destination %s (%v)", e.Dest, e.Err)
	}
	return fmt.Sprintf("backing up to %s failed: %v. The incomplete snapshot was removed and your data was not touched", e.Dest, e.Err)
}

func (e *DestinationError) Unwrap() error { return e.Err }

// destErr classifies an error that happened while writing into dest.
func destErr(dest string, err error) error {
	if err == nil {
		return nil
	}
	var de *DestinationError
	if errors.As(err, &de) {
		return err
	}
	r := ReasonOther
	switch {
	case errors.Is(err, syscall.EROFS):
		r = ReasonReadOnly
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, store.ErrDiskFull), errors.Is(err, syscall.EFBIG):
		r = ReasonFull
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		r = ReasonPermission
	case errors.Is(err, syscall.ENOENT):
		r = ReasonMissing
	case errors.Is(err, syscall.ENOTDIR):
		r = ReasonNotFolder
	}
	return &DestinationError{Dest: dest, Reason: r, Err: err}
}

// ErrNoDestination: a snapshot was asked for with no destination folder.
var ErrNoDestination = errors.New("no backup destination is set")

// ErrRawSnapshot is returned when asked to restore a raw copy of a damaged database.
var ErrRawSnapshot = errors.New("snapshot holds a raw copy of a damaged database")

// LocalOnlyDamagedError means a --local-only restore was refused because the
// current database (DB) is not usable: merging needs a working one. Snapshot
// is the snapshot asked for; Err is the *store.CorruptError (errors.As
// reaches it). Nothing was changed.
type LocalOnlyDamagedError struct {
	Snapshot, DB string
	Err          error
}

func (e *LocalOnlyDamagedError) Error() string {
	return fmt.Sprintf("%v; merging only the local-only data needs a working database", e.Err)
}

func (e *LocalOnlyDamagedError) Unwrap() error { return e.Err }
