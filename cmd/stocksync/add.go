package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

func newAddCmd() *cobra.Command {
	var (
		title, description, keywords string
		asJSON                       bool
	)
	cmd := &cobra.Command{
		Use:   "add [--title T] [--description D] [--keywords \"a, b, c\"] [--json] FILE...",
		Short: "Register image or video files as pending uploads, with their embedded title and keywords",
		Long: `Register local image or video files as pending uploads. Pending uploads exist
only on this machine (they are part of every backup) until they are on ESP.

The title, description and keywords are read from the metadata embedded in each
file (XMP, or IPTC from older software), as Lightroom, Bridge or Photo Mechanic
wrote it. --title, --description and --keywords override them for every file named.

Accepted: ` + filemeta.Accepted + `.
A file already registered is refused; the others are still added, and the exit
status is 1 if any file failed.`,
		Args:                  cobra.MinimumNArgs(1),
		DisableFlagsInUseLine: true, // the flags are in Use already
		RunE: func(cmd *cobra.Command, args []string) error {
			var o addOverrides
			f := cmd.Flags()
			if f.Changed("title") {
				t := strings.TrimSpace(title)
				o.title = &t
			}
			if f.Changed("description") {
				d := strings.TrimSpace(description)
				o.description = &d
			}
			if f.Changed("keywords") {
				k := filemeta.SplitKeywords(keywords)
				o.keywords = &k
			}
			ctx := cmd.Context()
			_, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			return runAdd(ctx, db, args, o, asJSON, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "title for every file named, instead of the embedded one")
	cmd.Flags().StringVar(&description, "description", "", "description for every file named, instead of the embedded one")
	cmd.Flags().StringVar(&keywords, "keywords", "", "keywords for every file named, comma-separated, instead of the embedded ones")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the added pending uploads as JSON, in the shape of 'stocksync list pending --json'")
	return cmd
}

// runAdd adds each file, reporting failures as it goes, and fails at the end
// if any file failed: one bad name must not stop the rest of a folder.
func runAdd(ctx context.Context, db *store.DB, args []string, o addOverrides, asJSON bool, out, errOut io.Writer) error {
	var ids []int64
	failed := 0
	for _, arg := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, warnings, err := addOne(ctx, db, arg, o)
		for _, w := range warnings {
			fmt.Fprintf(errOut, "stocksync: warning: %s: %s\n", termSafe(arg), termSafe(w))
		}
		if err != nil {
			failed++
			fmt.Fprintf(errOut, "stocksync: %s\n", termSafe(err.Error()))
			continue
		}
		ids = append(ids, p.ID)
		if !asJSON {
			shown := "no title"
			if p.Title != "" {
				shown = "“" + termSafe(p.Title) + "”"
			}
			fmt.Fprintf(out, "added %s — %s · %s\n", termSafe(arg), shown, plural(len(p.Keywords), "keyword"))
		}
	}
	if asJSON {
		added, err := pendingByID(ctx, db, ids)
		if err != nil {
			return err
		}
		if err := writeJSON(out, added); err != nil {
			return err
		}
	} else {
		printAddSummary(out, len(ids), failed)
	}
	if failed > 0 {
		return &exitError{code: exitFailure}
	}
	return nil
}

func printAddSummary(w io.Writer, added, failed int) {
	switch {
	case failed == 0:
		fmt.Fprintf(w, "Added %s.\n", plural(added, "pending upload"))
	case added == 0:
		fmt.Fprintf(w, "Nothing added: %s failed.\n", plural(failed, "file"))
	default:
		fmt.Fprintf(w, "Added %s of %s files as pending uploads; %s failed.\n", num(added), num(added+failed), num(failed))
	}
}

// addError is a per-file failure: its message is for the user, and it
// still wraps the cause (store.ErrDuplicate, fs.ErrNotExist…) for callers.
type addError struct {
	msg string
	err error
}

func (e *addError) Error() string { return e.msg }
func (e *addError) Unwrap() error { return e.err }

// addOne registers one file and returns the record as stored.
func addOne(ctx context.Context, db *store.DB, arg string, o addOverrides) (store.PendingUpload, []string, error) {
	abs, err := filepath.Abs(arg)
	if err != nil {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	// The store keys on the real path, so a link and its target are one file.
	path, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return store.PendingUpload{}, nil, &addError{fmt.Sprintf("cannot add %s: no such file", arg), err}
	} else if err != nil {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	// Look before opening: opening a named pipe would block.
	st, err := os.Stat(path)
	if err != nil {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	if err := checkRegular(arg, st); err != nil {
		return store.PendingUpload{}, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	if err := checkRegular(arg, st); err != nil {
		return store.PendingUpload{}, nil, err
	}
	m, err := filemeta.ReadFrom(f, st.Size(), path)
	if errors.Is(err, filemeta.ErrUnsupported) {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %w", err) // it names the file
	} else if err != nil {
		return store.PendingUpload{}, nil, fmt.Errorf("cannot add %s: %w", arg, err)
	}
	p := store.PendingUpload{
		Path: path, Title: m.Title, Description: m.Description, Keywords: m.Keywords,
		MediaType: m.MediaType, Size: st.Size(),
	}
	if o.title != nil {
		p.Title = *o.title
	}
	if o.description != nil {
		p.Description = *o.description
	}
	if o.keywords != nil {
		p.Keywords = *o.keywords
	}
	now := addClock()
	p.ID, err = db.AddPendingUpload(ctx, p, now)
	if errors.Is(err, store.ErrDuplicate) {
		return store.PendingUpload{}, m.Warnings, &addError{"already a pending upload: " + path, err}
	} else if err != nil {
		return store.PendingUpload{}, m.Warnings, err
	}
	p.AddedAt, p.UpdatedAt = now, now
	return p, m.Warnings, nil
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

// pendingByID reads back the rows just added, so --json shows exactly what
// was stored.
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
