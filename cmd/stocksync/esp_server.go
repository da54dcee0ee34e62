package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// espServerOptions are the flags of `stocksync esp-server`.
type espServerOptions struct {
	server        espfake.Options
	faults        []string
	style         string
	mode          string
	throttleStyle string
}

// AddFlags adds the flags to f.
func (o *espServerOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.mode, "mode", "web", "API generation: web (ESP's web API with browser sign-in) or partner (2016 partner API)")
	f.StringVar(&o.server.Addr, "addr", "127.0.0.1:8765", "API listen address (loopback only)")
	f.StringVar(&o.server.ThumbAddr, "thumb-addr", "127.0.0.1:0", "thumbnail listen address, a second host (loopback only)")
	f.Uint64Var(&o.server.Seed, "seed", 1, "seed of the generated portfolio")
	f.IntVar(&o.server.Batches, "batches", 10, "number of batches (0..100000)")
	f.IntVar(&o.server.ContributionsPerBatch, "files-per-batch", 20, "files per batch (the minimum, with --files-per-batch-max; at most 100 in web mode)")
	f.IntVar(&o.server.ContributionsPerBatchMax, "files-per-batch-max", 0, "if set, batch sizes are drawn uniformly up to this")
	f.StringVar(&o.style, "keywords", "strings", "how keywords are sent: strings, objects or mixed")
	f.BoolVar(&o.server.NoThumbnails, "no-thumbnails", false, "send no thumbnail URLs")
	f.DurationVar(&o.server.TokenTTL, "token-ttl", 30*time.Minute, "partner access token lifetime")
	f.DurationVar(&o.server.SessionTTL, "session-ttl", 12*time.Hour, "web session lifetime")
	f.DurationVar(&o.server.Latency, "latency", 0, "delay added to every request, e.g. 50ms (at most 1m)")
	f.Float64Var(&o.server.ThrottleQPS, "throttle-qps", 0, "throttle API requests above this many per second as ESP's gateway does (0: never)")
	f.StringVar(&o.throttleStyle, "throttle-style", "403", "how --throttle-qps throttles: 403, 429 (no Retry-After) or mixed")
	f.Float64Var(&o.server.RateLimit, "rate-limit", 0, "API requests per second before answering 429 with Retry-After (0: no limit)")
	f.IntVar(&o.server.RateBurst, "rate-burst", 1, "requests allowed at once under --rate-limit (1..10000)")
	f.IntVar(&o.server.BatchPageSizeCap, "batch-page-cap", 100, "largest batch page size served (1..10000)")
	f.IntVar(&o.server.ContributionPageSizeCap, "contribution-page-cap", 200, "largest contribution page size served when paging is asked for (1..10000)")
	f.StringArrayVar(&o.faults, "fault", nil, "inject a fault: [endpoint:]kind[:probability|xN] (repeatable)")
	f.StringVar(&o.server.Username, "username", espfake.DemoUsername, "accepted username")
	f.StringVar(&o.server.Password, "password", espfake.DemoPassword, "accepted password")
	f.StringVar(&o.server.APIKey, "api-key", espfake.DemoAPIKey, "accepted API key (partner mode)")
	f.StringVar(&o.server.APISecret, "api-secret", espfake.DemoAPISecret, "accepted API secret (partner mode)")
}

// newESPServerCmd runs the built-in ESP server standalone, for the demo and
// for trying the client by hand (e.g. with curl).
func newESPServerCmd(gopts *globalOptions) *cobra.Command {
	var opts espServerOptions
	cmd := &cobra.Command{
		Use:   "esp-server",
		Short: "Run a local ESP server with a generated portfolio (loopback only)",
		Long: `Runs Stocksync's built-in ESP server, serving a portfolio generated from a seed. It
follows what is known of ESP (docs/esp-api.md marks each behaviour confirmed or modeled):

  --mode web (default)  ESP's web API as it works in 2026: paths under /api/submission/v1,
                        a sign-in page (` + "`/sign-in`" + `, reached from /contribute/batches) that sets
                        session cookies, among them ccw (base64 JSON holding sts_token); the
                        API takes the cookies or "Authorization: Bearer <sts_token>" and answers
                        401 {"ErrorCode":"TokenRequired","ErrorMessage":"Token missing"} when the
                        session is missing or expired (--session-ttl, or POST
                        ` + espfake.ExpireSessionsPath + `). Batches hold at most 100 files;
                        contributions come whole (a plain array) when no paging parameters are
                        sent; batches sort with sort_order=Descending.
  --mode partner        the 2016 partner API: root /esp, OAuth2 password grant at /oauth2/token
                        (expires_in sent as a string, "1800"), Api-Key plus Token or Bearer.

Throttling like ESP's gateway: --throttle-qps N answers requests above N per second with
403 and X-Error-Detail "Account Over Queries Per Second Limit" (--throttle-style 403), or
429 with that header and no Retry-After (429), or alternately (mixed). --rate-limit is the
older 429-with-Retry-After limiter.

Faults are "[endpoint:]kind[:probability|xN]", e.g. --fault 503:0.05 or
--fault contributions.list:reset:x3. Kinds: 500, 503, 429, reset, timeout, truncated,
malformed_json, wrong_types, html, token_expired.

Limits: at most 100,000 batches, 2,000,000 files in all, 100 files per batch in web mode
(10,000 in partner mode), page caps up to 10,000. It listens on loopback addresses only
and prints where to sign in. Stop it with Ctrl-C (kill %1 when started in the background
with &).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runESPServer(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runESPServer runs the built-in ESP server until the context ends or Ctrl-C.
func runESPServer(ctx context.Context, o espServerOptions, gopts globalOptions, _ []string) error {
	usage := func(format string, a ...any) error {
		return &exitError{code: exitUsage, msg: fmt.Sprintf(format, a...)}
	}
	var err error
	if o.server.Mode, err = espfake.ParseMode(o.mode); err != nil {
		return usage("--mode: %v", err)
	}
	if o.server.ThrottleStyle, err = espfake.ParseThrottleStyle(o.throttleStyle); err != nil {
		return usage("--throttle-style: %v", err)
	}
	for _, f := range o.faults {
		parsed, err := espfake.ParseFault(f)
		if err != nil {
			return usage("%v", err)
		}
		o.server.Faults = append(o.server.Faults, parsed)
	}
	switch o.style {
	case "strings":
		o.server.KeywordStyle = espfake.KeywordStrings
	case "objects":
		o.server.KeywordStyle = espfake.KeywordObjects
	case "mixed":
		o.server.KeywordStyle = espfake.KeywordMixed
	default:
		return usage("--keywords %q: use strings, objects or mixed", o.style)
	}
	if o.server.Batches < 0 {
		return usage("--batches %d: must be 0 or more", o.server.Batches)
	}
	if o.server.Batches == 0 {
		o.server.Batches = -1 // none, not the default
	}
	if o.server.ContributionsPerBatch < 1 {
		return usage("--files-per-batch %d: must be at least 1", o.server.ContributionsPerBatch)
	}
	if o.server.TokenTTL < time.Second || o.server.SessionTTL < time.Second || o.server.TokenTTL > 30*24*time.Hour || o.server.SessionTTL > 30*24*time.Hour {
		return usage("--token-ttl and --session-ttl must be between 1s and 720h")
	}
	if o.server.RateBurst < 1 || o.server.BatchPageSizeCap < 1 || o.server.ContributionPageSizeCap < 1 {
		return usage("--rate-burst, --batch-page-cap and --contribution-page-cap must be at least 1")
	}
	if err := o.server.Validate(); err != nil {
		return usage("%v", err)
	}
	srv, err := espfake.New(o.server)
	if err != nil {
		return usage("%v", err)
	}
	if err := srv.Start(); err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			addr, flag := o.server.Addr, "--addr"
			var oe *net.OpError
			if errors.As(err, &oe) && oe.Addr != nil && oe.Addr.String() == o.server.ThumbAddr && o.server.ThumbAddr != o.server.Addr {
				addr, flag = o.server.ThumbAddr, "--thumb-addr"
			}
			return &exitError{code: exitFailure, msg: fmt.Sprintf("another program (perhaps another `stocksync esp-server`) is listening on %s: stop it, or pick another address with %s (127.0.0.1:0 takes any free port)", addr, flag)}
		}
		return err
	}
	defer srv.Close()
	printServer(gopts.stdout, srv, o.server)

	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(gopts.stdout, "Stopping.")
	return nil
}

func printServer(out io.Writer, srv *espfake.Server, opts espfake.Options) {
	cr := srv.Credentials()
	fmt.Fprintf(out, "ESP test server running (%s API, %d batches, seed %d)\n", srv.Mode(), len(srv.BatchIDs()), opts.Seed)
	fmt.Fprintf(out, "  API root:   %s\n", srv.URL())
	if u := srv.ThumbnailBaseURL(); u != "" {
		fmt.Fprintf(out, "  thumbnails: %s\n", u)
	}
	if srv.Mode() == espfake.ModePartner {
		fmt.Fprintf(out, "  token URL:  %s\n", srv.TokenURL())
		fmt.Fprintf(out, "  username %s, password %s, API key %s, API secret %s\n", cr.Username, cr.Password, cr.APIKey, cr.APISecret)
		fmt.Fprintf(out, "Sign in:\n  stocksync login --partner --api-root %s --token-url %s --username %s\n", srv.URL(), srv.TokenURL(), cr.Username)
	} else {
		fmt.Fprintf(out, "  sign-in:    %s (a signed-out visit goes to the form at %s/sign-in; username %s, password %s)\n",
			srv.SignInURL(), srv.ServerRoot(), cr.Username, cr.Password)
		fmt.Fprintf(out, "Sign in: open the sign-in page, copy the Cookie header of any request to it, run\n  stocksync login --session-stdin --api-root %s\n", srv.URL())
		fmt.Fprintln(out, "  and paste it, then press Ctrl-D (or pipe it in: pbpaste | … on macOS, wl-paste | … or xclip -o | … on Linux).")
		fmt.Fprintf(out, "Or with curl (posting the sign-in form directly):\n  cookies=$(mktemp)\n  curl -s -c \"$cookies\" -d username=%s -d password=%s %s/sign-in -o /dev/null\n", cr.Username, cr.Password, srv.ServerRoot())
		fmt.Fprintf(out, "  curl -s -b \"$cookies\" '%s/submission/v1/submission_batches?page=1&page_size=10'\n", srv.URL())
	}
	fmt.Fprintln(out, "Stop it with Ctrl-C, or with `kill %1` when it was started in the background with &.")
}
