package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/thumbs"
)

// demoOptions are the flags of `stocksync demo`.
type demoOptions struct {
	batches, files int
	latency        time.Duration
	keep           bool
}

// AddFlags adds demo's flags to f.
func (o *demoOptions) AddFlags(f *pflag.FlagSet) {
	f.IntVar(&o.batches, "batches", 40, fmt.Sprintf("batches in the demo portfolio, 1..%d", demoMaxBatches))
	f.IntVar(&o.files, "files", 35, fmt.Sprintf("average files per batch, 1..%d", demoMaxFiles))
	f.DurationVar(&o.latency, "latency", 20*time.Millisecond, fmt.Sprintf("added latency per request, like a real network, 0..%s", demoMaxLatency))
	f.BoolVar(&o.keep, "keep", false, "keep the demo data folder afterwards")
}

func newDemoCmd(gopts *globalOptions) *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try Stocksync against a built-in ESP server, no account needed",
		Long: `Starts a built-in ESP server on 127.0.0.1 with a generated portfolio, and in a
throw-away data folder: syncs everything, downloads the thumbnails, lets a few
reviews come in on the server, syncs again (incrementally), adds a pending upload
and makes a verified backup. Prints what happened and how long each step took.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// Bounds of the demo's size flags: the portfolio is generated in memory.
const (
	demoMaxBatches = 1000
	demoMaxFiles   = 200
	demoMaxLatency = 5 * time.Second
)

// checkDemoSizes refuses sizes the demo cannot honour, so that what it says
// ("0 batches") is always what it does.
func checkDemoSizes(batches, files int, latency time.Duration) error {
	switch {
	case batches < 1 || batches > demoMaxBatches:
		return usageError(fmt.Sprintf("--batches %d: the demo portfolio has 1 to %s batches", batches, num(demoMaxBatches)))
	case files < 1 || files > demoMaxFiles:
		return usageError(fmt.Sprintf("--files %d: the demo has 1 to %d files per batch on average", files, demoMaxFiles))
	case latency < 0 || latency > demoMaxLatency:
		return usageError(fmt.Sprintf("--latency %s: use 0 to %s", latency, demoMaxLatency))
	}
	return nil
}

// demoRun is what a demo step works with. Temporary says whether the data
// folder's parent is removed when the demo ends (no --keep, no --data-dir).
type demoRun struct {
	w         io.Writer
	dir       datadir.Dir
	db        *store.DB
	temporary bool
}

// runDemo runs the demo (the steps are listed in its text: sync, thumbnails,
// reviews, incremental sync, local work, then demoBackup).
func runDemo(ctx context.Context, o demoOptions, gopts globalOptions, _ []string) error {
	if err := checkDemoSizes(o.batches, o.files, o.latency); err != nil {
		return err
	}
	w, errw := gopts.stdout, gopts.stderr
	batches, files, latency, keep := o.batches, o.files, o.latency, o.keep
	opts := account.DemoOptions()
	opts.Batches, opts.ContributionsPerBatch, opts.ContributionsPerBatchMax, opts.Latency = batches, max(1, files/2), files*3/2, latency
	demo, err := account.StartDemo(opts)
	if err != nil {
		return err
	}
	defer demo.Close()

	root := gopts.DataDir
	temporary := false
	if root == "" {
		// A parent folder, so whatever the demo puts next to the data folder
		// (its backups) goes when the demo ends.
		parent, err := os.MkdirTemp("", "stocksync-demo-")
		if err != nil {
			return err
		}
		root = filepath.Join(parent, "data")
		if !keep {
			temporary = true
			defer os.RemoveAll(parent)
		}
	}
	d := datadir.Dir{Root: root}
	if err := d.Ensure(); err != nil {
		return err
	}
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	client, err := demo.Client(config.Default(), account.ClientOptions{Logger: gopts.debugLogger()})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Built-in ESP server at %s (%s, %s latency per request)\nData folder: %s\n\n",
		demo.Server.URL(), plural(len(demo.Server.BatchIDs()), "batch"), latency, d.Root)

	eng := &syncer.Engine{DB: db, ESP: client, LockPath: d.Lock(), Command: "stocksync demo"}
	sync := func(title string) (store.SyncRun, error) {
		prog := newSyncProgress(w, errw, false)
		eng.Progress = prog.report
		res, err := eng.Run(ctx, syncer.Options{Push: true})
		prog.finish() // erase the bar before the next line is printed
		if err != nil {
			return res.Run, err
		}
		r := res.Run
		fmt.Fprintf(w, "%s: %s listed, %s fetched, %s written in %s with %s.\n",
			title, plural(r.BatchesListed, "batch"), num(r.BatchesSynced), plural(r.FilesWritten, "file"),
			r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond), plural(r.Requests, "request"))
		return r, nil
	}

	first, err := sync("1. First sync")
	if err != nil {
		return err
	}
	start := time.Now()
	dl := &thumbs.Downloader{DB: db, Fetch: client, Dir: d.Thumbnails()}
	if err := dl.Drain(ctx); err != nil {
		return err
	}
	st := dl.Stats()
	fmt.Fprintf(w, "2. Thumbnails: %s downloaded (%s) in %s.\n", num(st.Done), bytesText(st.Bytes), time.Since(start).Round(time.Millisecond))

	changed := reviewSome(demo.Server)
	fmt.Fprintf(w, "3. Meanwhile on ESP: %s\n", changed)
	second, err := sync("4. Incremental sync")
	if err != nil {
		return err
	}

	if err := demoLocalWork(ctx, w, d, db); err != nil {
		return err
	}
	if err := demoBackup(ctx, demoRun{w: w, dir: d, db: db, temporary: temporary}); err != nil {
		return err
	}
	s, err := db.Summary(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	printStatus(w, statusJSON{DataDir: d.Root, Exists: true, Summary: s}, time.Now())
	fmt.Fprintf(w, "\nFirst sync %s with %s; incremental sync %s with %s.\n",
		first.FinishedAt.Sub(first.StartedAt).Round(time.Millisecond), plural(first.Requests, "request"),
		second.FinishedAt.Sub(second.StartedAt).Round(time.Millisecond), plural(second.Requests, "request"))
	if keep || gopts.DataDir != "" {
		// A kept folder must not sync a real account's portfolio into the
		// demo's data: its settings name the demo server (which runs only
		// inside the demo) and the demo's backup folder.
		cfg, err := config.Load(d.Config())
		if err != nil {
			cfg = config.Default()
		}
		cfg.Server, cfg.APIRoot, cfg.TokenURL = config.ServerDemo, "", ""
		cfg.Backup.Destination = d.Root + "-backups"
		if err := config.Save(d.Config(), cfg); err != nil {
			return fmt.Errorf("keep the demo's settings: %w", err)
		}
		fmt.Fprintf(w, "Look around: stocksync --data-dir %q status\n", d.Root)
	}
	return nil
}

// demoLocalWork prepares what only this machine has: a pending upload (a
// real image file next to the data folder) and a local edit of a file that
// is uploaded but not yet submitted.
func demoLocalWork(ctx context.Context, w io.Writer, d datadir.Dir, db *store.DB) error {
	pics := filepath.Join(filepath.Dir(d.Root), "Pictures")
	if err := os.MkdirAll(pics, 0o700); err != nil {
		return err
	}
	img := filepath.Join(pics, "maple-leaf.jpg")
	f, err := os.Create(img)
	if err != nil {
		return err
	}
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	draw.Draw(m, m.Bounds(), &image.Uniform{color.RGBA{180, 40, 20, 255}}, image.Point{}, draw.Src)
	err = jpeg.Encode(f, m, nil)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	now := time.Now()
	if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: img, Title: "Red maple leaf on wet stone",
		Description: "A single red maple leaf on a wet grey stone in autumn light.",
		Keywords:    []string{"autumn", "leaf", "maple", "red", "stone"}, MediaType: "image"}, now); err != nil {
		return err
	}
	var pending string
	db.ListContributions(ctx, store.ContributionFilter{Status: "pending"}, func(c store.Contribution) error {
		if pending == "" {
			pending = c.ID
		}
		return nil
	})
	edited := ""
	if pending != "" {
		title := "Fog over the river at dawn"
		if _, err := db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: pending, Headline: &title}, now); err != nil {
			return err
		}
		edited = fmt.Sprintf(" and a new title for file %s (not yet sent to ESP)", pending)
	}
	fmt.Fprintf(w, "5. Local work that exists only here: a pending upload (%s)%s.\n", filepath.Base(img), edited)
	return nil
}

// reviewSome plays the inspectors: accepts, asks for revisions, rejects.
func reviewSome(srv *espfake.Server) string {
	var acc, rev, rej int
	for i, b := range srv.BatchIDs() {
		if i%5 != 0 {
			continue
		}
		for j, id := range srv.ContributionIDs(b) {
			var err error
			switch j % 7 {
			case 0:
				if err = srv.Accept(b, id); err == nil {
					acc++
				}
			case 3:
				if err = srv.RequestRevision(b, id, []string{"Keywords"}, "Please remove keywords that do not describe the image."); err == nil {
					rev++
				}
			case 5:
				if err = srv.Reject(b, id, []string{"Focus"}, "The main subject is not in focus."); err == nil {
					rej++
				}
			}
		}
	}
	need := "need"
	if rev == 1 {
		need = "needs"
	}
	return fmt.Sprintf("%s accepted, %d %s revision, %d rejected.", plural(acc, "file"), rev, need, rej)
}
