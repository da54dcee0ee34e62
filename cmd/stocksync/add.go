package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/stocksync/stocksync/core/esplimits"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/filemeta"
	"github.com/stocksync/stocksync/core/store"
)

var _ = register(newAddCmd)

// addClock stamps new pending uploads; tests replace it.
var addClock = time.Now

// addOverrides are the metadata flags given on the command line; nil means
// "take it from the file".
type addOverrides struct {
	title, description *string
	keywords           *[]string
}

// addOptions are everything runAdd needs besides the files.
type addOptions struct {
	over    addOverrides
	asJSON  bool
	refresh bool
	read    filemeta.Options
}

func newAddCmd() *cobra.Command {
	var (
		title, description, keywords string
		asJSON, refresh              bool
	)
	cmd := &cobra.Command{
		Use:   "add [--title T] [--description D] [--keywords \"a, b, c\"] [--refresh] [--json] FILE...",
		Short: "Register image or video files as pending uploads, with their embedded title and keywords",
		Long: `Register local image or video files as pending uploads. Pending uploads exist
only on this machine (they are part of every backup) until they are on ESP.

The title, description and keywords are read from the metadata embedded in each
file (XMP, IPTC, EXIF or QuickTime) and from an XMP sidecar beside it, as
Lightroom, Bridge or Photo Mechanic wrote them; docs/metadata.md says which
value wins. The title is the Headline, else the Title (setting title_order).
--title, --description and --keywords override them for every file named.

A file already pending, or the same content under another name (a hard link or
a copy), is added once. --refresh re-reads files that changed since they were
added, keeping the fields changed in Stocksync; with no FILE it refreshes every
pending upload. Values over ESP's limits (255-character title, 2,000-character
description, 50 keywords) are kept, with a warning.

Accepted: ` + filemeta.Accepted + `.
Files that cannot be read are reported and the others still added; the exit
status is 1 if any file failed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !refresh {
				return &exitError{code: exitUsage, msg: "name the files to add (e.g. stocksync add ~/Pictures/*.jpg), or use --refresh"}
			}
			return nil
		},
		DisableFlagsInUseLine: true, // the flags are in Use already
		RunE: func(cmd *cobra.Command, args []string) error {
			o := addOptions{asJSON: asJSON, refresh: refresh}
			f := cmd.Flags()
			if f.Changed("title") {
				t := strings.TrimSpace(title)
				o.over.title = &t
			}
			if f.Changed("description") {
				d := strings.TrimSpace(description)
				o.over.description = &d
			}
			if f.Changed("keywords") {
				k := filemeta.SplitKeywords(keywords)
				o.over.keywords = &k
			}
			ctx := cmd.Context()
			d, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			cfg, err := loadConfig(d)
			if err != nil {
				return err
			}
			if o.read.TitleOrder, err = filemeta.ParseTitleOrder(cfg.TitleOrder); err != nil {
				return fmt.Errorf("settings: %w", err)
			}
			if len(args) == 0 {
				ps, err := db.PendingUploads(ctx)
				if err != nil {
					return err
				}
				for _, p := range ps {
					args = append(args, p.Path)
				}
				if len(args) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "No pending uploads to refresh.")
					return nil
				}
			}
			return runAdd(ctx, db, args, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "title for every file named, instead of the embedded one")
	cmd.Flags().StringVar(&description, "description", "", "description for every file named, instead of the embedded one")
	cmd.Flags().StringVar(&keywords, "keywords", "", "keywords for every file named, comma-separated, instead of the embedded ones")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "re-read files already pending whose content changed (all pending uploads when no FILE is named)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pending uploads added or refreshed as JSON, in the shape of 'stocksync list pending --json'")
	return cmd
}

// addTally counts what happened to the files named.
type addTally struct {
	added, refreshed, unchanged, already, failed int
}

// runAdd adds each file, reporting failures as it goes, and fails at the end
// if any file failed: one bad name must not stop the rest of a folder.
func runAdd(ctx context.Context, db *store.DB, args []string, o addOptions, out, errOut io.Writer) error {
	var ids []int64
	var n addTally
	seen := map[string]string{} // real path → the argument that named it first
	for _, arg := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		shown := termSafe(arg)
		if strings.EqualFold(filepath.Ext(arg), ".xmp") {
			// `add *` in a Lightroom folder names the sidecars too: they are
			// read with their image, not added on their own.
			fmt.Fprintf(errOut, "stocksync: note: %s is an XMP sidecar; it is read with the image beside it\n", shown)
			continue
		}
		r, err := addOne(ctx, db, arg, o, seen)
		for _, w := range r.warnings {
			fmt.Fprintf(errOut, "stocksync: warning: %s: %s\n", shown, termSafe(w))
		}
		for _, n := range r.notes {
			fmt.Fprintf(errOut, "stocksync: note: %s: %s\n", shown, termSafe(n))
		}
		var dup *store.DuplicateError
		switch {
		case errors.Is(err, errNamedTwice):
			continue // the same file named twice: added once, said nothing
		case errors.As(err, &dup):
			n.already++
			if dup.SameContent {
				fmt.Fprintf(errOut, "stocksync: %s has the same content as pending upload %d (%s); not added again\n",
					shown, dup.Existing.ID, termSafe(dup.Existing.Path))
			} else {
				fmt.Fprintf(errOut, "stocksync: %s is already pending upload %d; `stocksync add --refresh` re-reads it\n", shown, dup.Existing.ID)
			}
			continue
		case err != nil:
			n.failed++
			fmt.Fprintf(errOut, "stocksync: %s\n", termSafe(err.Error()))
			continue
		}
		p := r.p
		switch r.outcome {
		case outcomeUnchanged:
			n.unchanged++
			if !o.asJSON {
				fmt.Fprintf(out, "unchanged %s — pending upload %d\n", shown, p.ID)
			}
			continue
		case outcomeRefreshed:
			n.refreshed++
			if !o.asJSON {
				what := "no field changed"
				if len(r.changed) > 0 {
					what = strings.Join(r.changed, ", ") + " updated"
				}
				fmt.Fprintf(out, "refreshed %s — pending upload %d: %s\n", shown, p.ID, what)
			}
		default:
			n.added++
			if !o.asJSON {
				title := "no title"
				if p.Title != "" {
					title = "“" + termSafe(p.Title) + "”"
				}
				fmt.Fprintf(out, "added %s — %s · %s\n", shown, title, plural(len(p.Keywords), "keyword"))
			}
		}
		ids = append(ids, p.ID)
	}
	if o.asJSON {
		rows, err := pendingByID(ctx, db, ids)
		if err != nil {
			return err
		}
		if err := writeJSON(out, rows); err != nil {
			return err
		}
	} else {
		printAddSummary(out, n)
	}
	if n.failed > 0 {
		return &exitError{code: exitFailure}
	}
	return nil
}

func printAddSummary(w io.Writer, n addTally) {
	var parts []string
	if n.added > 0 || n.refreshed+n.unchanged+n.already+n.failed == 0 {
		parts = append(parts, "added "+plural(n.added, "pending upload"))
	}
	if n.refreshed > 0 {
		parts = append(parts, num(n.refreshed)+" refreshed")
	}
	if n.unchanged > 0 {
		parts = append(parts, num(n.unchanged)+" unchanged")
	}
	if n.already > 0 {
		parts = append(parts, num(n.already)+" already pending")
	}
	if n.failed > 0 {
		parts = append(parts, plural(n.failed, "file")+" failed")
	}
	s := strings.Join(parts, "; ")
	if n.added == 0 && n.failed > 0 && n.refreshed+n.unchanged == 0 {
		s = "nothing added: " + s
	}
	fmt.Fprintln(w, strings.ToUpper(s[:1])+s[1:]+".")
}

// addError is a per-file failure: its message is for the user, and it
// still wraps the cause (fs.ErrNotExist, filemeta.ErrUnsupported…) for
// callers.
type addError struct {
	msg string
	err error
}

func (e *addError) Error() string { return e.msg }
func (e *addError) Unwrap() error { return e.err }

// errNamedTwice: the argument names a file an earlier argument named.
var errNamedTwice = errors.New("named twice")

type addOutcome int

const (
	outcomeAdded addOutcome = iota
	outcomeRefreshed
	outcomeUnchanged
)

// addResult is what addOne did.
type addResult struct {
	p        store.PendingUpload
	outcome  addOutcome
	changed  []string // refreshed fields
	warnings []string
	notes    []string // worth knowing, not a problem
}

// addOne registers (or, with o.refresh, re-reads) one file.
func addOne(ctx context.Context, db *store.DB, arg string, o addOptions, seen map[string]string) (addResult, error) {
	var r addResult
	path, err := realPath(arg)
	if err != nil {
		return r, err
	}
	if _, ok := seen[path]; ok {
		return r, errNamedTwice
	}
	seen[path] = arg
	// Look before opening: opening a named pipe would block.
	st, err := os.Stat(path)
	if err != nil {
		return r, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	if err := checkRegular(arg, st); err != nil {
		return r, err
	}
	m, err := filemeta.ReadWith(path, o.read)
	if errors.Is(err, filemeta.ErrUnsupported) {
		var ue *filemeta.UnsupportedError
		if errors.As(err, &ue) {
			return r, &addError{"cannot add " + arg + ": " + ue.Reason, err}
		}
		return r, fmt.Errorf("cannot add %w", err)
	} else if err != nil {
		return r, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	r.warnings = m.Warnings
	hash, size, err := hashFile(path)
	if err != nil {
		return r, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	p := store.PendingUpload{
		Path: path, Title: m.Title, Description: m.Description, Keywords: m.Keywords,
		MediaType: m.MediaType, Size: size, ContentHash: hash,
	}
	if m.Sidecar != "" {
		if p.SidecarHash, _, err = hashFile(m.Sidecar); err != nil {
			return r, fmt.Errorf("cannot add %s: sidecar: %w", arg, err)
		}
	}
	if m.Headline != "" && m.DocTitle != "" && m.Headline != m.DocTitle {
		other, otherName := m.DocTitle, "Title"
		if m.TitleFrom == filemeta.TitleFromDocTitle {
			other, otherName = m.Headline, "Headline"
		}
		r.notes = append(r.notes, fmt.Sprintf("the title is the file's %s; its %s “%s” was not used (setting title_order)",
			map[string]string{filemeta.TitleFromHeadline: "Headline", filemeta.TitleFromDocTitle: "Title"}[m.TitleFrom], otherName, other))
	}
	if o.refresh {
		existing, ok, err := db.FindPendingUpload(ctx, path, "")
		if err != nil {
			return r, err
		}
		if ok {
			if existing.ContentHash == p.ContentHash && existing.SidecarHash == p.SidecarHash && !readDiffers(existing, p) {
				r.p, r.outcome, r.notes, r.warnings = existing, outcomeUnchanged, nil, nil
				return r, nil
			}
			r.p, r.changed, err = db.RefreshPendingUpload(ctx, existing.ID, p, addClock())
			r.outcome = outcomeRefreshed
			r.warnings = append(r.warnings, limitWarnings(r.p)...)
			return r, err
		}
	}
	var edited []string
	if o.over.title != nil {
		p.Title = *o.over.title
		edited = append(edited, store.FieldTitle)
	}
	if o.over.description != nil {
		p.Description = *o.over.description
		edited = append(edited, store.FieldDescription)
	}
	if o.over.keywords != nil {
		p.Keywords = *o.over.keywords
		edited = append(edited, store.FieldKeywords)
	}
	p.Edited = edited
	now := addClock()
	if p.ID, err = db.AddPendingUpload(ctx, p, now); err != nil {
		return r, err
	}
	p.AddedAt, p.UpdatedAt = now, now
	r.p = p
	r.warnings = append(r.warnings, limitWarnings(p)...)
	return r, nil
}

// readDiffers reports whether the file now reads differently (a new
// title_order, a better reader) in a field the user did not edit.
func readDiffers(stored, now store.PendingUpload) bool {
	edited := func(f string) bool { return slices.Contains(stored.Edited, f) }
	return !edited(store.FieldTitle) && stored.Title != now.Title ||
		!edited(store.FieldDescription) && stored.Description != now.Description ||
		!edited(store.FieldKeywords) && !slices.Equal(stored.Keywords, now.Keywords)
}

// realPath resolves arg to the absolute path the store keys on, so a link
// and its target are one file, and says plainly what is wrong when it
// cannot.
func realPath(arg string) (string, error) {
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

// limitWarnings names the values over ESP's limits.
func limitWarnings(p store.PendingUpload) []string {
	var w []string
	if n := len([]rune(p.Title)); n > esplimits.MaxHeadline {
		w = append(w, fmt.Sprintf("the title is %s characters; ESP's headline takes at most %d", num(n), esplimits.MaxHeadline))
	}
	if n := len([]rune(p.Description)); n > esplimits.MaxCaption {
		w = append(w, fmt.Sprintf("the description is %s characters; ESP's caption takes at most %s", num(n), num(esplimits.MaxCaption)))
	}
	if n := len(p.Keywords); n > esplimits.MaxKeywords {
		w = append(w, fmt.Sprintf("there are %s keywords; ESP takes at most %d", num(n), esplimits.MaxKeywords))
	}
	return w
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

// pendingByID reads back the rows just added or refreshed, so --json shows
// exactly what was stored.
func pendingByID(ctx context.Context, db *store.DB, ids []int64) ([]store.PendingUpload, error) {
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	all, err := db.PendingUploads(ctx)
	if err != nil {
		return nil, err
	}
	out := []store.PendingUpload{}
	for _, p := range all {
		if want[p.ID] {
			out = append(out, p)
		}
	}
	return out, nil
}
