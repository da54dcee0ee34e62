package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/thumbs"
)

// thumbnailsJSON is the documented shape of `stocksync thumbnails --json`.
type thumbnailsJSON struct {
	Downloaded  int                `json:"downloaded"`       // thumbnails in the local cache
	Queued      int                `json:"queued"`           // waiting to be downloaded
	Failed      int                `json:"failed"`           // given up on (the image is broken on ESP)
	Downloading bool               `json:"downloading"`      // another process is downloading now
	Run         *thumbnailsRunJSON `json:"run,omitempty"`    // with --wait: what this run did
	Errors      []string           `json:"errors,omitempty"` // why what is left is left, most frequent first
}

type thumbnailsRunJSON struct {
	Downloaded int   `json:"downloaded"`
	Failed     int   `json:"failed"`
	Bytes      int64 `json:"bytes"`
}

// thumbnailsOptions are the flags of `stocksync thumbnails`.
type thumbnailsOptions struct {
	wait, background, asJSON bool
}

// AddFlags adds the flags to f.
func (o *thumbnailsOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.wait, "wait", false, "download the whole queue now, showing progress")
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
	f.BoolVar(&o.background, "background", false, "download quietly (used by sync to keep going after it exits)")
}

func newThumbnailsCmd(gopts *globalOptions) *cobra.Command {
	var opts thumbnailsOptions
	cmd := &cobra.Command{
		Use:   "thumbnails [--wait] [--json]",
		Short: "Show the thumbnail queue, or download it with --wait",
		Long: `Show how many thumbnails are downloaded, queued and failed, and whether a
download is running now. With --wait, download the whole queue now with progress.

Exit status: 0 done, 3 some thumbnails could not be downloaded (the message says
why; queued ones are tried again later), 4 another process is downloading.`,
		Args:                  cobra.NoArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runThumbnails(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.Flags().MarkHidden("background")
	return cmd
}

// runThumbnails shows the thumbnail queue, or with --wait downloads it.
func runThumbnails(ctx context.Context, o thumbnailsOptions, gopts globalOptions, _ []string) error {
	// Showing the queue only reads: it works on a read-only data
	// folder and never creates one (issue 12, item 4).
	var d datadir.Dir
	var db *store.DB
	var err error
	if !o.wait && !o.background {
		d, db, _, err = gopts.openStoreRead(ctx)
	} else {
		d, db, err = gopts.openStore(ctx)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.Summary(ctx)
	if err != nil {
		return err
	}
	w := gopts.stdout
	out := thumbnailsJSON{Downloaded: s.ThumbnailsDone, Queued: s.ThumbnailsQueued, Failed: s.ThumbnailsFailed}
	if !o.wait && !o.background {
		out.Downloading = lockHeld(thumbnailsLock(d))
		if o.asJSON {
			return writeJSON(w, out)
		}
		fmt.Fprintf(w, "Thumbnails: %s downloaded, %s queued, %s failed.", num(s.ThumbnailsDone), num(s.ThumbnailsQueued), num(s.ThumbnailsFailed))
		switch {
		case out.Downloading:
			fmt.Fprintln(w, " Downloading now.")
		case s.ThumbnailsQueued > 0:
			fmt.Fprintln(w, " Run `stocksync thumbnails --wait` to download the queue now.")
		default:
			fmt.Fprintln(w)
		}
		return nil
	}
	// One downloader per data folder, whichever process runs it.
	lock, err := lockfile.TryAcquire(thumbnailsLock(d), "stocksync thumbnails")
	if errors.Is(err, lockfile.ErrHeld) {
		if o.background {
			return nil
		}
		return &exitError{code: exitBusy, msg: "thumbnails are already being downloaded by another process: " + err.Error()}
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	cfg, client, err := gopts.settingsAndClient(d)
	if err != nil {
		return err
	}
	dl := &thumbs.Downloader{DB: db, Fetch: client, Dir: d.Thumbnails(), Workers: cfg.Concurrency}
	var bar *progressBar
	if !o.background && !o.asJSON && s.ThumbnailsQueued > 0 && isTerminal(os.Stderr) {
		bar = newProgressBar(gopts.stderr, os.Stderr, s.ThumbnailsQueued, "Thumbnails")
		dl.Progress = func(st thumbs.Stats) { bar.Set(st.Done + st.Failed) }
	}
	err = dl.Drain(ctx)
	if bar != nil {
		bar.Finish() // before anything else is printed
	}
	if err != nil {
		return fmt.Errorf("download thumbnails: %w", err)
	}
	if o.background {
		return nil
	}
	st := dl.Stats()
	after, err := db.Summary(ctx)
	if err != nil {
		return err
	}
	out = thumbnailsJSON{Downloaded: after.ThumbnailsDone, Queued: after.ThumbnailsQueued, Failed: after.ThumbnailsFailed,
		Run: &thumbnailsRunJSON{Downloaded: st.Done, Failed: st.Failed, Bytes: st.Bytes}}
	if after.ThumbnailsQueued > 0 || st.Failed > 0 {
		// Say why what is left is left: an outage keeps jobs queued, a
		// broken image fails them for good.
		out.Errors, _ = db.ThumbnailErrors(ctx, 3)
	}
	if o.asJSON {
		if err := writeJSON(w, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "Thumbnails: %s downloaded (%s), %s failed.\n", num(st.Done), bytesText(st.Bytes), num(st.Failed))
	}
	if after.ThumbnailsQueued == 0 && st.Failed == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s could not be downloaded", plural(after.ThumbnailsQueued+st.Failed, "thumbnail"))
	if len(out.Errors) > 0 {
		msg += " (" + strings.Join(termSafeAll(out.Errors), "; ") + ")"
	}
	if after.ThumbnailsQueued > 0 {
		msg += fmt.Sprintf("; %s still queued and tried again by the next sync or `stocksync thumbnails --wait`", num(after.ThumbnailsQueued))
	}
	return &exitError{code: exitPartial, msg: msg}
}
