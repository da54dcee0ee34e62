package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/thumbs"
)

var _ = register(newThumbnailsCmd)

func newThumbnailsCmd() *cobra.Command {
	var wait, background bool
	cmd := &cobra.Command{
		Use:   "thumbnails",
		Short: "Show the thumbnail queue, or download it with --wait",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			s, err := db.Summary(ctx)
			if err != nil {
				return err
			}
			if !wait && !background {
				fmt.Fprintf(cmd.OutOrStdout(), "%s downloaded, %s queued, %s failed. Run `stocksync thumbnails --wait` to download the queue now.\n",
					num(s.ThumbnailsDone), num(s.ThumbnailsQueued), num(s.ThumbnailsFailed))
				return nil
			}
			// One downloader per data folder, whichever process runs it.
			lock, err := lockfile.TryAcquire(filepath.Join(d.Root, "thumbnails.lock"), "stocksync thumbnails")
			if errors.Is(err, lockfile.ErrHeld) {
				if background {
					return nil
				}
				return &exitError{code: exitBusy, msg: "thumbnails are already being downloaded by another process: " + err.Error()}
			}
			if err != nil {
				return err
			}
			defer lock.Release()
			cfg, client, err := settingsAndClient(d)
			if err != nil {
				return err
			}
			dl := &thumbs.Downloader{DB: db, Fetch: client, Dir: d.Thumbnails(), Workers: cfg.Concurrency}
			if !background && s.ThumbnailsQueued > 0 && isTerminal(os.Stderr) {
				bar := progressbar.NewOptions(s.ThumbnailsQueued, progressbar.OptionSetWriter(cmd.ErrOrStderr()),
					progressbar.OptionSetDescription("Thumbnails"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
				dl.Progress = func(st thumbs.Stats) { bar.Set(min(st.Done+st.Failed, s.ThumbnailsQueued)) }
				defer bar.Finish()
			}
			if err := dl.Drain(ctx); err != nil {
				return fmt.Errorf("download thumbnails: %w", err)
			}
			if background {
				return nil
			}
			st := dl.Stats()
			fmt.Fprintf(cmd.OutOrStdout(), "Thumbnails: %s downloaded (%s), %s failed.\n", num(st.Done), bytesText(st.Bytes), num(st.Failed))
			after, err := db.Summary(ctx)
			if err != nil {
				return err
			}
			if after.ThumbnailsQueued == 0 && st.Failed == 0 {
				return nil
			}
			// Say why what is left is left: an outage keeps jobs queued, a
			// broken image fails them for good.
			why, _ := db.ThumbnailErrors(ctx, 3)
			msg := fmt.Sprintf("%s thumbnails could not be downloaded", num(after.ThumbnailsQueued+st.Failed))
			if len(why) > 0 {
				msg += " (" + strings.Join(why, "; ") + ")"
			}
			if after.ThumbnailsQueued > 0 {
				msg += fmt.Sprintf("; %s are still queued and are tried again by the next sync or `stocksync thumbnails --wait`", num(after.ThumbnailsQueued))
			}
			return &exitError{code: exitPartial, msg: msg}
		},
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "download the whole queue now, showing progress")
	cmd.Flags().BoolVar(&background, "background", false, "download quietly (used by `sync` to keep going after it exits)")
	cmd.Flags().MarkHidden("background")
	return cmd
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
