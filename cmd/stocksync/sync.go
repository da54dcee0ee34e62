package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// learnedRateFor is how long a learned request rate is used to start a sync.
const learnedRateFor = 7 * 24 * time.Hour

// syncOptions are the flags of `stocksync sync`.
type syncOptions struct {
	push, asJSON, noThumbs bool
}

// AddFlags adds the flags to f.
func (o *syncOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.push, "push", false, "send local edits of files not yet submitted to ESP")
	f.BoolVar(&o.asJSON, "json", false, "print progress and the result as JSON lines (the default when not on a terminal)")
	f.BoolVar(&o.noThumbs, "no-thumbnails", false, "do not start the background thumbnail download")
}

func newSyncCmd(gopts *globalOptions) *cobra.Command {
	var opts syncOptions
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Fetch batches, files and reviews from ESP into the local database",
		Long: `Fetch every batch with its status and counts, every file in those batches and the
inspectors' decisions, and each batch's model and property releases. The first sync
fetches everything; later ones fetch only the batches that changed. Thumbnails and
release documents are downloaded afterwards by a background process.

When ESP slows the sync down (HTTP 429, or 403 over a rate limit) the sync backs
off and carries on at the rate ESP tolerates, and says so; the next sync starts
from that rate. If ESP stops answering for 45 seconds the sync stops with
"ESP stopped answering"; the next sync continues where it stopped.

Exit status: 0 done, 3 some batches or edits failed (the next sync retries them),
4 another sync is running, 5 signed out of ESP (run ` + "`stocksync login`" + `; nothing
local was changed), 130 interrupted, 1 any other failure.

With --push (or "push_local_changes" in the settings), local edits of files that
are uploaded but not yet submitted are sent to ESP first. An edit whose file was
changed on ESP since is kept and reported as a conflict, never sent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSync(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runSync syncs the portfolio from ESP into the local database, then starts
// the thumbnail download.
func runSync(ctx context.Context, o syncOptions, gopts globalOptions, _ []string) error {
	d, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := loadConfig(d)
	if err != nil {
		return err
	}
	// Start at the rate ESP tolerated when it last throttled a sync.
	var opts account.ClientOptions
	if rps, at, err := db.LearnedRate(ctx); err == nil && time.Since(at) < learnedRateFor {
		opts.InitialRate = rps
	}
	client, err := gopts.espClientWith(cfg, opts)
	if err != nil {
		return err
	}
	o.push = o.push || cfg.PushLocalChanges
	jsonLines := o.asJSON || !isTerminal(os.Stdout)
	prog := newSyncProgress(gopts.stdout, gopts.stderr, jsonLines)
	giveUp, _ := throttleGiveUp() // checked by espClientWith
	eng := &syncer.Engine{DB: db, ESP: client, LockPath: d.Lock(), Command: "stocksync sync", Progress: prog.report,
		ThrottleGiveUp: giveUp}
	res, err := eng.Run(ctx, syncer.Options{Push: o.push})
	prog.finish()
	if err == nil && !o.noThumbs && (res.Run.ThumbnailsQueued > 0 || res.ReleaseDocsQueued > 0) {
		startBackgroundThumbnails(d)
	}
	return reportSync(gopts.stdout, gopts.stderr, res, err, jsonLines)
}

// syncProgress shows the engine's reports as a progress bar when stderr is
// a terminal, as JSON lines on stdout, or not at all. The engine reports
// from more than one goroutine (its watchdog too), so report and finish
// hold mu.
type syncProgress struct {
	mu        sync.Mutex
	out, errw io.Writer
	json      bool
	quiet     bool
	bar       *progressBar
	// throttled: the last report said ESP was slowing the sync down.
	throttled bool
	// phase is the phase of the last report: each phase's line is said once.
	phase syncer.Phase
	// lastJSON is the last report written as a JSON line, without its
	// elapsed time: a report that changes nothing else is not written again.
	lastJSON *syncer.Progress
}

func newSyncProgress(out, errw io.Writer, jsonLines bool) *syncProgress {
	return &syncProgress{out: out, errw: errw, json: jsonLines, quiet: !jsonLines && !isTerminal(os.Stderr)}
}

func (p *syncProgress) report(pr syncer.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quiet {
		return
	}
	if p.json {
		same := pr
		same.Elapsed = 0
		if p.lastJSON != nil && *p.lastJSON == same {
			return // only the time moved on (a stalled ESP): no new line
		}
		p.lastJSON = &same
		json.NewEncoder(p.out).Encode(struct {
			Event string `json:"event"`
			syncer.Progress
		}{"progress", pr})
		return
	}
	// Throttling is said once when it starts; the bar then shows the rate.
	if pr.Throttled && !p.throttled {
		if p.bar != nil {
			p.bar.Clear()
		}
		fmt.Fprintln(p.errw, pr.ThrottleNote())
	}
	p.throttled = pr.Throttled
	if p.bar != nil {
		desc := "Syncing files"
		if pr.Throttled && pr.RequestsPerSecond > 0 {
			desc = fmt.Sprintf("Syncing files (ESP allows %.1f requests/s)", pr.RequestsPerSecond)
		}
		p.bar.Describe(desc)
	}
	switch pr.Phase {
	case syncer.PhasePushing:
		if p.phase != pr.Phase {
			fmt.Fprintln(p.errw, "Sending local changes…")
		}
	case syncer.PhaseListing:
		if p.phase != pr.Phase {
			fmt.Fprintln(p.errw, "Listing batches…")
		}
	case syncer.PhaseFiles:
		if p.bar == nil && pr.FilesTotal > 0 {
			p.bar = newProgressBar(p.errw, os.Stderr, pr.FilesTotal, "Syncing files")
		}
		if p.bar != nil {
			p.bar.Set(min(pr.FilesDone, pr.FilesTotal))
		}
	}
	p.phase = pr.Phase
}

func (p *syncProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

func reportSync(out, errw io.Writer, res syncer.Result, err error, jsonLines bool) error {
	if jsonLines {
		// run is left out when there was none (busy, signed out before it
		// began): the outer Run hides the embedded Result.Run.
		var run *store.SyncRun
		if res.Run.ID != 0 {
			run = &res.Run
		}
		json.NewEncoder(out).Encode(struct {
			Event string         `json:"event"`
			Run   *store.SyncRun `json:"run,omitempty"`
			syncer.Result
			Error string `json:"error,omitempty"`
		}{"result", run, res, errString(err)})
	} else if res.Run.ID != 0 {
		r := res.Run
		fmt.Fprintf(out, "Sync %s in %s: %s listed, %s synced, %s written, %s queued, %s, %s.\n",
			outcomeWords(r.Outcome), r.FinishedAt.Sub(r.StartedAt).Round(1e7), plural(r.BatchesListed, "batch"), num(r.BatchesSynced),
			plural(r.FilesWritten, "file"), plural(r.ThumbnailsQueued, "thumbnail"), plural(res.Releases, "release"), plural(r.Requests, "request"))
		if r.Push {
			fmt.Fprintf(out, "Local changes: %s sent, %s (see `stocksync list edits`).\n", num(r.EditsSent), plural(r.Conflicts, "conflict"))
		}
		for _, f := range res.Failures {
			fmt.Fprintf(errw, "  failed: %s: %s\n", termSafe(f.What), termSafe(f.Err))
		}
	}
	var held *lockfile.HeldError
	switch {
	case err == nil && res.Run.Conflicts > 0:
		// Edits not sent are work left undone: exit 3, as docs/cli.md says.
		return &exitError{code: exitPartial, msg: fmt.Sprintf("%s not sent: see `stocksync list edits`, then `stocksync resolve`",
			plural(res.Run.Conflicts, "edit"))}
	case err == nil:
		return nil
	case errors.As(err, &held):
		return &exitError{code: exitBusy, msg: err.Error()}
	case errors.Is(err, esp.ErrSignedOut), errors.Is(err, esp.ErrBadCredentials):
		return signedOut(err)
	case errors.Is(err, syncer.ErrNoProgress):
		return &exitError{code: exitFailure, msg: runText(res.Run)}
	case errors.Is(err, context.Canceled):
		return &exitError{code: exitInterrupted, msg: "sync interrupted; the next sync continues where this one stopped"}
	case errors.Is(err, syncer.ErrPartial):
		return &exitError{code: exitPartial, msg: runText(res.Run)}
	case res.Run.Message != "" && res.Run.Outcome == store.OutcomeFailed:
		return &exitError{code: exitFailure, msg: runText(res.Run)}
	}
	return err
}

// outcomeWords says a run's outcome in words for the summary line.
func outcomeWords(o string) string {
	switch o {
	case store.OutcomeOK:
		return "done"
	case store.OutcomePartial:
		return "finished with failures"
	case store.OutcomeSignedOut:
		return "stopped (signed out)"
	}
	return o
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// startBackgroundThumbnails starts `stocksync thumbnails --background` as a
// detached process, so downloads go on after this command exits (as the
// user guide promises). The child takes its own lock; if a downloader is
// already running it simply exits.
func startBackgroundThumbnails(d datadir.Dir) {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	c := exec.Command(exe, "thumbnails", "--background", "--data-dir", d.Root)
	c.SysProcAttr = detached()
	if c.Start() == nil {
		c.Process.Release()
	}
}
