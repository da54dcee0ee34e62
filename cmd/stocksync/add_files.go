package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stocksync/stocksync/core/filemeta"
	"github.com/stocksync/stocksync/core/store"
)

// addOverrides are the metadata flags given on the command line; nil means
// "take it from the file".
type addOverrides struct {
	title, description *string
	keywords           *[]string
}

// addRun is everything addFiles needs besides the files.
type addRun struct {
	over    addOverrides
	asJSON  bool
	refresh bool
	read    filemeta.Options
	now     func() time.Time // stamps the pending uploads
}

// fileError words, for the user, why the file named arg (or its XMP
// sidecar) could not be read; it wraps err for callers.
func fileError(arg string, err error) error {
	var se *filemeta.SidecarError
	msg := fsReason(err)
	if errors.As(err, &se) {
		msg = se.Error()
		if se.Reason == "" && se.Err != nil { // a file-system error: worded here, as the image's are
			msg = "its XMP sidecar " + shownPath(se.Path) + " cannot be read: " + fsReason(se.Err)
		}
	}
	return &addError{"cannot add " + arg + ": " + msg, err}
}

// fsReason words a file-system error without the path Go puts in it.
func fsReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: Stocksync may not read it (check the file's permissions; on macOS, that Stocksync may open files in this folder)"
	case errors.Is(err, fs.ErrNotExist):
		return "it is no longer there (moved or deleted while it was being read)"
	case errors.Is(err, syscall.ENAMETOOLONG):
		return "the name is too long for the file system"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path before the file name is a file, not a folder"
	case errors.Is(err, syscall.ELOOP):
		return "it is a symbolic link that loops back on itself"
	case errors.Is(err, syscall.EIO):
		return "the disk reported an input/output error while reading it (a damaged disk, or a drive or network volume that was disconnected)"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// titleUsedNote says which of Headline and Title became the title when
// the file has both and they differ, or "".
func titleUsedNote(m filemeta.Meta) string {
	if m.Headline == "" || m.DocTitle == "" || m.Headline == m.DocTitle {
		return ""
	}
	used, other, otherName := "Headline", m.DocTitle, "Title"
	if m.TitleFrom == filemeta.TitleFromDocTitle {
		used, other, otherName = "Title", m.Headline, "Headline"
	}
	return fmt.Sprintf("the title is the file's %s; its %s “%s” was not used (setting title_order)", used, otherName, other)
}

// refreshGone fails for a pending upload whose file is no longer at its
// path, saying what to do; nil otherwise.
func refreshGone(ctx context.Context, db *store.DB, arg string) error {
	abs, err := filepath.Abs(arg)
	if err != nil || !gone(abs) {
		return nil
	}
	p, ok, err := db.FindPendingUpload(ctx, abs, "")
	if err != nil || !ok {
		return err
	}
	return &addError{fmt.Sprintf("cannot refresh %s (pending upload %d): the file is no longer there. If it moved, "+
		"`stocksync add NEW-PATH` points the pending upload at it; `stocksync pending remove %d` takes it off the list", arg, p.ID, p.ID), fs.ErrNotExist}
}

// gone reports whether nothing at all is at path any more.
func gone(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// sidecarArg says why the XMP sidecar named as arg adds nothing, or ""
// when its image is named too (named holds the cleaned, lower-cased
// arguments): a sidecar alone was "read with the image
// beside it" even with no image there, and the command added nothing
// with exit status 0.
func sidecarArg(arg string, named map[string]bool) string {
	images := filemeta.ImagesOf(arg)
	if len(images) == 0 {
		return "it is an XMP sidecar, and there is no image or video beside it with its name to read it with"
	}
	for _, img := range images {
		if named[strings.ToLower(img)] {
			return ""
		}
	}
	return "it is an XMP sidecar; add " + shownPath(images[0]) + ", and the sidecar is read with it"
}

// errChangedWhileRead: the file's size or modification time changed between
// reading its metadata and hashing its bytes (it is still being copied or
// saved), so what was read may not be what is stored.
var errChangedWhileRead = errors.New("the file changed while it was being read (still being copied or saved?); add it again when it is complete")

// sameFile reports whether before and after (two stats of one path) show
// the same file content: same size and modification time.
func sameFile(before, after fs.FileInfo) bool {
	return before.Size() == after.Size() && before.ModTime().Equal(after.ModTime()) && os.SameFile(before, after)
}

// typedText checks a value typed on the command line for flag (--title,
// --description, --caption): valid UTF-8 and no control characters, which
// would reach ESP and every terminal that shows it. Only a multiline field
// takes line breaks and tabs (CR LF becomes LF). It is trimmed.
func typedText(flag, s string, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", &exitError{code: exitUsage, msg: fmt.Sprintf("--%s is not valid UTF-8 text; check the terminal's text encoding", flag)}
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	for _, r := range s {
		switch {
		case (r == '\n' || r == '\r' || r == '\t') && !multiline:
			return "", &exitError{code: exitUsage, msg: fmt.Sprintf("--%s must be one line: it contains a line break or tab", flag)}
		case r == '\n' || r == '\t':
		case unicode.IsControl(r):
			return "", &exitError{code: exitUsage, msg: fmt.Sprintf("--%s contains the control character U+%04X; type plain text", flag, r)}
		}
	}
	return s, nil
}

// typedKeywords checks and splits a keyword list typed for flag: commas,
// semicolons and line breaks separate keywords.
func typedKeywords(flag, s string) ([]string, error) {
	if !utf8.ValidString(s) {
		return nil, &exitError{code: exitUsage, msg: fmt.Sprintf("--%s is not valid UTF-8 text; check the terminal's text encoding", flag)}
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return nil, &exitError{code: exitUsage, msg: fmt.Sprintf("--%s contains the control character U+%04X; type plain text", flag, r)}
		}
	}
	return filemeta.SplitKeywords(s), nil
}

// realPath resolves arg to the absolute path the store keys on, so a link
// and its target are one file, and says plainly what is wrong when it
// cannot.
func realPath(arg string) (string, error) {
	if arg == "" {
		// filepath.Abs("") is the working folder.
		return "", &addError{`cannot add "": an empty name is not a file (check the command's quoting or variables)`, fs.ErrNotExist}
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return "", fmt.Errorf("cannot add %s: %w", arg, err)
	}
	if _, err := os.Stat(abs); errors.Is(err, syscall.ELOOP) {
		return "", &addError{fmt.Sprintf("cannot add %s: it is a symbolic link that loops back on itself", arg), err}
	} else if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(abs); lerr == nil {
			return "", &addError{fmt.Sprintf("cannot add %s: it is a symbolic link to a file that does not exist", arg), err}
		}
		return "", &addError{fmt.Sprintf("cannot add %s: no such file", arg), err}
	} else if errors.Is(err, fs.ErrPermission) {
		return "", &addError{fmt.Sprintf("cannot add %s: permission denied", arg), err}
	} else if err != nil {
		// A name too long, a component that is a file (ENOTDIR), a disk
		// error: what the system said, not a guess about links.
		return "", fileError(arg, err)
	}
	path, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", &addError{fmt.Sprintf("cannot add %s: cannot follow its symbolic links", arg), err}
	}
	return path, nil
}

// hashFile returns the SHA-256 (hex) and size of a file's bytes.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func checkRegular(arg string, st fs.FileInfo) error {
	switch {
	case st.IsDir():
		return &addError{fmt.Sprintf("cannot add %s: it is a folder; name the files in it instead (e.g. %s)",
			arg, filepath.Join(arg, "*.jpg")), filemeta.ErrUnsupported}
	case !st.Mode().IsRegular():
		return &addError{fmt.Sprintf("cannot add %s: not a regular file", arg), filemeta.ErrUnsupported}
	}
	return nil
}

// shownPath is a file name as add and pending print it: as it is when it
// holds only printable text, else Go-quoted ("new\nline.jpg",
// "\x1b[31m.jpg"), so an escape sequence cannot drive the terminal and the
// name shown is still the exact name, not one with a space or U+FFFD
// where a line break or control character was.
func shownPath(s string) string {
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !strconv.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	return s
}
