package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/esplimits"
	"github.com/stocksync/stocksync/core/filemeta"
	"github.com/stocksync/stocksync/core/store"
)

// addOptions are the flags of `stocksync add`.
type addOptions struct {
	title, description, keywords          string
	titleSet, descriptionSet, keywordsSet bool // given on the command line (set by RunE)
	asJSON, refresh                       bool
}

// AddFlags adds add's flags to f.
func (o *addOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.title, "title", "", "title for every file named, instead of the embedded one")
	f.StringVar(&o.description, "description", "", "description for every file named, instead of the embedded one")
	f.StringVar(&o.keywords, "keywords", "", "keywords for every file named, comma-separated, instead of the embedded ones")
	f.BoolVar(&o.refresh, "refresh", false, "re-read files already pending whose content changed (all pending uploads when no FILE is named)")
	f.BoolVar(&o.asJSON, "json", false, "print the pending uploads added or refreshed as JSON, in the shape of 'stocksync list pending --json'")
}

func newAddCmd(gopts *globalOptions) *cobra.Command {
	var opts addOptions
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
a copy), is added once; a pending file that was moved or renamed is followed to
its new place when that is added. --refresh re-reads files that changed since
they were added, keeping the fields changed in Stocksync (see 'stocksync
pending edit'); with no FILE it refreshes every pending upload. Values over
ESP's limits (255-character title, 2,000-character description, 50 keywords)
are kept, with a warning.

Accepted: ` + filemeta.Accepted + `.
Files that cannot be read are reported and the others still added; the exit
status is 3 when some files failed and the others are pending, 1 when every
file failed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !opts.refresh {
				return &exitError{code: exitUsage, msg: "name the files to add (e.g. stocksync add ~/Pictures/*.jpg), or use --refresh"}
			}
			return nil
		},
		DisableFlagsInUseLine: true, // the flags are in Use already
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.titleSet, opts.descriptionSet, opts.keywordsSet = f.Changed("title"), f.Changed("description"), f.Changed("keywords")
			return runAdd(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runAdd adds the files named (every pending upload with --refresh and no
// FILE) as pending uploads.
func runAdd(ctx context.Context, opts addOptions, gopts globalOptions, args []string) error {
	o := addRun{asJSON: opts.asJSON, refresh: opts.refresh, now: gopts.clock}
	if opts.refresh && (opts.titleSet || opts.descriptionSet || opts.keywordsSet) {
		return &exitError{code: exitUsage, msg: "--refresh re-reads what the files say, so it takes no --title, --description or --keywords; " +
			"change a pending upload with `stocksync pending edit ID`"}
	}
	if opts.titleSet {
		t, err := typedText("title", opts.title, false)
		if err != nil {
			return err
		}
		o.over.title = &t
	}
	if opts.descriptionSet {
		d, err := typedText("description", opts.description, true)
		if err != nil {
			return err
		}
		o.over.description = &d
	}
	if opts.keywordsSet {
		k, err := someKeywords("keywords", opts.keywords)
		if err != nil {
			return err
		}
		o.over.keywords = &k
	}
	d, db, err := gopts.openStore(ctx)
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
			fmt.Fprintln(gopts.stdout, "No pending uploads to refresh.")
			return nil
		}
	}
	return addFiles(ctx, db, args, o, gopts.stdout, gopts.stderr)
}

// addTally counts what happened to the files named.
type addTally struct {
	added, moved, refreshed, unchanged, already, failed int
}

// addFiles adds each file, reporting failures as it goes, and fails at the end
// if any file failed: one bad name must not stop the rest of a folder.
func addFiles(ctx context.Context, db *store.DB, args []string, o addRun, out, errOut io.Writer) error {
	var ids []int64
	var n addTally
	seen := map[string]string{} // real path → the argument that named it first
	interrupted := false
	var named map[string]bool // cleaned arguments, for sidecars named with their image
files:
	for _, arg := range args {
		if interrupted = ctx.Err() != nil; interrupted {
			break
		}
		shown := shownPath(arg)
		if strings.EqualFold(filepath.Ext(arg), ".xmp") {
			// `add *` in a Lightroom folder names the sidecars too: they are
			// read with their image, not added on their own.
			if named == nil {
				named = make(map[string]bool, len(args))
				for _, a := range args {
					// Case-folded: on a Mac's case-insensitive disk the
					// image found as a.jpg may have been named as a.JPG.
					named[strings.ToLower(filepath.Clean(a))] = true
				}
			}
			if msg := sidecarArg(arg, named); msg != "" {
				n.failed++
				fmt.Fprintf(errOut, "stocksync: cannot add %s: %s\n", shown, termSafe(msg))
			} else {
				fmt.Fprintf(errOut, "stocksync: note: %s is an XMP sidecar; it is read with the image beside it\n", shown)
			}
			continue
		}
		r, err := addOne(ctx, db, arg, o, seen)
		var dup *store.DuplicateError
		switch {
		case errors.Is(err, errNamedTwice):
			continue // the same file named twice: added once, said nothing
		case errors.As(err, &dup):
			n.already++
			if dup.SameContent {
				fmt.Fprintf(errOut, "stocksync: %s has the same content as pending upload %d (%s); not added again\n",
					shown, dup.Existing.ID, shownPath(dup.Existing.Path))
			} else if o.over != (addOverrides{}) {
				// --title and co. apply to files added now, not to this one.
				fmt.Fprintf(errOut, "stocksync: %s is already pending upload %d, left as it was; change it with `stocksync pending edit %d`\n",
					shown, dup.Existing.ID, dup.Existing.ID)
			} else {
				fmt.Fprintf(errOut, "stocksync: %s is already pending upload %d; `stocksync add --refresh` re-reads it\n", shown, dup.Existing.ID)
			}
			continue
		case err != nil && ctx.Err() != nil: // Ctrl-C: not this file's fault
			interrupted = true
			break files
		case err != nil:
			n.failed++
			msg := err.Error()
			if shown != arg && arg != "" {
				msg = strings.ReplaceAll(msg, arg, shown)
			}
			fmt.Fprintf(errOut, "stocksync: %s\n", termSafe(msg))
			continue
		}
		// Warnings and notes only for what was stored: a duplicate or a
		// refused file is said in one line.
		for _, w := range r.warnings {
			fmt.Fprintf(errOut, "stocksync: warning: %s: %s\n", shown, termSafe(w))
		}
		for _, n := range r.notes {
			fmt.Fprintf(errOut, "stocksync: note: %s: %s\n", shown, termSafe(n))
		}
		p := r.p
		switch r.outcome {
		case outcomeUnchanged:
			n.unchanged++
			if !o.asJSON {
				fmt.Fprintf(out, "unchanged %s — pending upload %d\n", shown, p.ID)
			}
			continue
		case outcomeMoved:
			n.moved++
			if !o.asJSON {
				what := ""
				if len(r.changed) > 0 {
					what = "; " + strings.Join(r.changed, ", ") + " updated from the file"
				}
				fmt.Fprintf(out, "moved %s — pending upload %d was %s, which is no longer there%s\n", shown, p.ID, shownPath(r.movedFrom), what)
			}
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
		rows, err := pendingByID(context.WithoutCancel(ctx), db, ids)
		if err != nil {
			return err
		}
		if err := writeJSON(out, rows); err != nil {
			return err
		}
	} else {
		printAddSummary(out, n)
	}
	switch {
	case interrupted:
		return &exitError{code: exitInterrupted, msg: "add interrupted; what is listed above was stored, run the same command again for the rest"}
	case n.failed > 0 && n.added+n.moved+n.refreshed+n.unchanged+n.already > 0:
		// Some files are pending as asked, some not: done in part.
		return &exitError{code: exitPartial}
	case n.failed > 0:
		return &exitError{code: exitFailure}
	}
	return nil
}

func printAddSummary(w io.Writer, n addTally) {
	var parts []string
	if n.added > 0 || n.moved+n.refreshed+n.unchanged+n.already+n.failed == 0 {
		parts = append(parts, "added "+plural(n.added, "pending upload"))
	}
	if n.moved > 0 {
		parts = append(parts, num(n.moved)+" moved")
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
	if n.added == 0 && n.failed > 0 && n.moved+n.refreshed+n.unchanged == 0 {
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
	outcomeMoved // a pending upload whose file moved now points at it
)

// addResult is what addOne did.
type addResult struct {
	p         store.PendingUpload
	outcome   addOutcome
	changed   []string // refreshed fields
	movedFrom string   // outcomeMoved: the path it had
	warnings  []string
	notes     []string // worth knowing, not a problem
}

// addOne registers (or, with o.refresh, re-reads) one file.
func addOne(ctx context.Context, db *store.DB, arg string, o addRun, seen map[string]string) (addResult, error) {
	var r addResult
	if o.refresh {
		if err := refreshGone(ctx, db, arg); err != nil {
			return r, err
		}
	}
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
		return r, fileError(arg, err)
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
		return r, fileError(arg, err)
	}
	r.warnings = m.Warnings
	hash, size, err := hashFile(path)
	if err != nil {
		return r, fileError(arg, err)
	}
	if after, err := os.Stat(path); err != nil {
		return r, fileError(arg, err)
	} else if size != st.Size() || !sameFile(st, after) {
		return r, &addError{"cannot add " + arg + ": " + errChangedWhileRead.Error(), errChangedWhileRead}
	}
	p := store.PendingUpload{
		Path: path, Title: m.Title, Description: m.Description, Keywords: m.Keywords,
		MediaType: m.MediaType, Size: size, ContentHash: hash,
		SidecarHash: m.SidecarSHA256, // of the bytes parsed, not a second read
	}
	titleNote := titleUsedNote(m)
	if o.refresh {
		existing, ok, err := db.FindPendingUpload(ctx, path, "")
		if err != nil {
			return r, err
		}
		if ok {
			if existing.ContentHash == p.ContentHash && existing.SidecarHash == p.SidecarHash && !readDiffers(existing, p) {
				r.p, r.outcome, r.warnings = existing, outcomeUnchanged, nil
				return r, nil
			}
			r.p, r.changed, err = db.RefreshPendingUpload(ctx, existing.ID, p, o.now())
			r.outcome = outcomeRefreshed
			if titleNote != "" && !slices.Contains(existing.Edited, store.FieldTitle) {
				r.notes = append(r.notes, titleNote)
			}
			r.warnings = append(r.warnings, limitWarnings(r.p)...)
			return r, err
		}
	}
	var e store.PendingEdit
	if o.over.title != nil {
		p.Title, e.Title = *o.over.title, o.over.title
		p.Edited = append(p.Edited, store.FieldTitle)
	} else if titleNote != "" {
		r.notes = append(r.notes, titleNote)
	}
	if o.over.description != nil {
		p.Description, e.Description = *o.over.description, o.over.description
		p.Edited = append(p.Edited, store.FieldDescription)
	}
	if o.over.keywords != nil {
		p.Keywords, e.Keywords = *o.over.keywords, o.over.keywords
		p.Edited = append(p.Edited, store.FieldKeywords)
	}
	now := o.now()
	if p.ID, err = db.AddPendingUpload(ctx, p, now); err != nil {
		var dup *store.DuplicateError
		if !errors.As(err, &dup) || !dup.SameContent || !gone(dup.Existing.Path) {
			return r, err
		}
		// The same bytes as a pending upload whose file is gone: the file
		// was moved or renamed. Point the pending upload at it, keeping its
		// edits; what the file (or a different sidecar beside it) says now
		// replaces the fields not edited, as --refresh would.
		if r.p, err = db.MovePendingUpload(ctx, dup.Existing.ID, path, now); err != nil {
			return r, err
		}
		if r.p.SidecarHash != p.SidecarHash || readDiffers(r.p, p) {
			r.p, r.changed, err = db.RefreshPendingUpload(ctx, r.p.ID, p, now)
		}
		if err == nil && (e != store.PendingEdit{}) {
			r.p, err = db.EditPendingUpload(ctx, r.p.ID, e, now)
		}
		r.outcome, r.movedFrom, r.notes = outcomeMoved, dup.Existing.Path, nil
		r.warnings = append(r.warnings, limitWarnings(r.p)...)
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
