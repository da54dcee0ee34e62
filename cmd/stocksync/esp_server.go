package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// newESPServerCmd runs the built-in ESP server standalone, for the demo and
// for trying the client by hand (e.g. with curl).
func newESPServerCmd() *cobra.Command {
	var (
		opts   espfake.Options
		faults []string
		style  string
	)
	cmd := &cobra.Command{
		Use:   "esp-server",
		Short: "Run a local ESP server with a generated portfolio (loopback only)",
		Long: `Runs Stocksync's built-in ESP server: the same paths, JSON shapes and status codes as
Getty's ESP partner API (see docs/esp-api.md), serving a portfolio generated from a seed.
It listens on loopback addresses only and prints the API root, token URL and demo
credentials. Stop it with Ctrl-C.

Faults are "[endpoint:]kind[:probability|xN]", e.g. --fault 503:0.05 or
--fault contributions.list:reset:x3. Kinds: 500, 503, 429, reset, timeout, truncated,
malformed_json, wrong_types, html, token_expired.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range faults {
				parsed, err := espfake.ParseFault(f)
				if err != nil {
					return err
				}
				opts.Faults = append(opts.Faults, parsed)
			}
			switch style {
			case "strings":
				opts.KeywordStyle = espfake.KeywordStrings
			case "objects":
				opts.KeywordStyle = espfake.KeywordObjects
			case "mixed":
				opts.KeywordStyle = espfake.KeywordMixed
			default:
				return fmt.Errorf("--keywords %q: use strings, objects or mixed", style)
			}
			srv, err := espfake.New(opts)
			if err != nil {
				return err
			}
			if err := srv.Start(); err != nil {
				return err
			}
			defer srv.Close()
			cr := srv.Credentials()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "ESP test server running (%d batches, seed %d)\n", len(srv.BatchIDs()), opts.Seed)
			fmt.Fprintf(out, "  API root:   %s\n", srv.URL())
			fmt.Fprintf(out, "  token URL:  %s\n", srv.TokenURL())
			if u := srv.ThumbnailBaseURL(); u != "" {
				fmt.Fprintf(out, "  thumbnails: %s\n", u)
			}
			fmt.Fprintf(out, "  username %s, password %s, API key %s, API secret %s\n", cr.Username, cr.Password, cr.APIKey, cr.APISecret)
			fmt.Fprintf(out, "Try:\n  curl -s -d grant_type=password -d client_id=%s -d client_secret=%s -d username=%s -d password=%s %s\n",
				cr.APIKey, cr.APISecret, cr.Username, cr.Password, srv.TokenURL())
			fmt.Fprintf(out, "  curl -s -H 'Api-Key: %s' -H 'Authorization: Bearer TOKEN' '%s/submission/v1/submission_batches?page=1&page_size=10'\n", cr.APIKey, srv.URL())
			fmt.Fprintln(out, "Press Ctrl-C to stop.")

			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			fmt.Fprintln(out, "Stopping.")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8765", "API listen address (loopback only)")
	f.StringVar(&opts.ThumbAddr, "thumb-addr", "127.0.0.1:0", "thumbnail listen address, a second host (loopback only)")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed of the generated portfolio")
	f.IntVar(&opts.Batches, "batches", 10, "number of batches")
	f.IntVar(&opts.FilesPerBatch, "files-per-batch", 20, "files per batch (the minimum, with --files-per-batch-max)")
	f.IntVar(&opts.FilesPerBatchMax, "files-per-batch-max", 0, "if set, batch sizes are drawn uniformly up to this")
	f.StringVar(&style, "keywords", "strings", "how keywords are sent: strings, objects or mixed")
	f.BoolVar(&opts.NoThumbnails, "no-thumbnails", false, "send no thumbnail URLs")
	f.DurationVar(&opts.TokenTTL, "token-ttl", 30*time.Minute, "access token lifetime")
	f.DurationVar(&opts.Latency, "latency", 0, "delay added to every request, e.g. 50ms")
	f.Float64Var(&opts.RateLimit, "rate-limit", 0, "API requests per second before answering 429 (0: no limit)")
	f.IntVar(&opts.RateBurst, "rate-burst", 1, "requests allowed at once under --rate-limit")
	f.IntVar(&opts.BatchPageSizeCap, "batch-page-cap", 100, "largest batch page size served")
	f.IntVar(&opts.ContributionPageSizeCap, "contribution-page-cap", 200, "largest contribution page size served")
	f.StringArrayVar(&faults, "fault", nil, "inject a fault: [endpoint:]kind[:probability|xN] (repeatable)")
	f.StringVar(&opts.Username, "username", espfake.DemoUsername, "accepted username")
	f.StringVar(&opts.Password, "password", espfake.DemoPassword, "accepted password")
	f.StringVar(&opts.APIKey, "api-key", espfake.DemoAPIKey, "accepted API key")
	f.StringVar(&opts.APISecret, "api-secret", espfake.DemoAPISecret, "accepted API secret")
	return cmd
}
