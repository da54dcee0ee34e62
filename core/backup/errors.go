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

func (e *DestinationError) Error() string {
	const choose = "choose another folder with `stocksync backup destination DIR`"
	switch e.Reason {
	case ReasonMissing:
		return fmt.Sprintf("backup destination %s does not exist or is not connected: connect the drive (or mount the share) and try again, or %s", e.Dest, choose)
	case ReasonNotFolder:
		return fmt.Sprintf("backup destination %s is a file, not a folder: %s", e.Dest, choose)
	case ReasonReadOnly:
		return fmt.Sprintf("backup destination %s is read-only, so nothing was written there: make the drive writable, or %s", e.Dest, choose)
	case ReasonFull:
		return fmt.Sprintf("backup destination %s is full: the incomplete snapshot was removed and your data was not touched. Free space there or %s", e.Dest, choose)
	case ReasonPermission:
		return fmt.Sprintf("not allowed to write to backup destination %s (%v): check the folder's permissions, or %s", e.Dest, e.Err, choose)
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

// ErrRawSnapshot is returned when asked to restore a raw copy of a damaged database.
var ErrRawSnapshot = errors.New("snapshot holds a raw copy of a damaged database")
