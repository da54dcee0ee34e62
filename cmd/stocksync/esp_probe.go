package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
)

func newESPCmd(gopts *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "esp",
		Short: "Look at how ESP answers (for bug reports)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newESPProbeCmd(gopts))
	return cmd
}

// espProbeOptions are the flags of `stocksync esp probe`.
type espProbeOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *espProbeOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print the report as JSON")
}

func newESPProbeCmd(gopts *globalOptions) *cobra.Command {
	var opts espProbeOptions
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Call each ESP endpoint once and report the shapes of the answers, without values",
		Long: `Signs in with the stored sign-in and calls each endpoint Stocksync reads once, bounded:
the first page of batches, the first batch, its files, its first file and its releases.
It reports SHAPES only: status codes, content types, which headers that matter were sent,
and for JSON the keys, JSON types and array lengths, with every value removed, and says
how each shape differs from what Stocksync expects. The report is safe to attach to a
bug report. Nothing is written anywhere.

--json prints the report as JSON: {"api_root","auth","time","calls":[{"endpoint","method",
"path","status","content_type","headers","shape","error","differences"}]}, where a shape
is {"type","keys","length","items"}. Without --json it prints Markdown.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runESPProbe(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runESPProbe calls each ESP endpoint once and reports the shapes of the
// answers (the exit is probeExit's).
func runESPProbe(ctx context.Context, o espProbeOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	cfg, err := config.Load(d.Config())
	if err != nil {
		return err
	}
	client, err := gopts.espClient(cfg)
	if err != nil {
		return err
	}
	rep, err := client.Probe(ctx)
	if err != nil {
		return err
	}
	out := gopts.stdout
	if o.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		writeProbeMarkdown(out, rep)
	}
	return probeExit(rep)
}

// probeExit is the exit for a printed report: 5 when ESP signed us out, 3
// when a call failed (the report says which), else nil.
func probeExit(rep esp.ProbeReport) error {
	var failed []string
	for _, c := range rep.Calls {
		if c.Status == 401 || errors.Is(c.Failed, esp.ErrSignedOut) {
			return &exitError{code: exitSignedOut, msg: signedOutHint()}
		}
		if errors.Is(c.Failed, esp.ErrBadCredentials) {
			return &exitError{code: exitSignedOut, msg: badCredentialsHint()}
		}
		if c.Failed != nil {
			failed = append(failed, c.Endpoint+" ("+c.Error+")")
		}
	}
	if len(failed) > 0 {
		return &exitError{code: exitPartial, msg: fmt.Sprintf("esp probe: %s failed; the report above shows what came back (check the network, or whether ESP is down)",
			strings.Join(failed, ", "))}
	}
	return nil
}

func writeProbeMarkdown(w io.Writer, rep esp.ProbeReport) {
	fmt.Fprintf(w, "# ESP probe\n\nAPI root %s, signed in with a %s, %s. Values are removed; only shapes are shown.\n\n",
		rep.APIRoot, map[string]string{"session": "browser session", "partner": "partner key"}[rep.Auth], rep.Time.Format("2006-01-02 15:04 UTC"))
	for _, c := range rep.Calls {
		fmt.Fprintf(w, "## %s `%s %s`\n\n- status: %d", c.Endpoint, c.Method, c.Path, c.Status)
		if c.ContentType != "" {
			fmt.Fprintf(w, ", %s", c.ContentType)
		}
		fmt.Fprintln(w)
		if len(c.Headers) > 0 {
			fmt.Fprintf(w, "- headers present: %s\n", strings.Join(c.Headers, ", "))
		}
		if c.Error != "" {
			fmt.Fprintf(w, "- failed: %s\n", c.Error)
		}
		if len(c.Differences) == 0 && c.Shape != nil {
			fmt.Fprintln(w, "- matches what Stocksync expects")
		}
		for _, d := range c.Differences {
			fmt.Fprintf(w, "- differs: %s\n", d)
		}
		if c.Shape != nil {
			fmt.Fprintln(w, "\n```")
			writeShape(w, c.Shape, "")
			fmt.Fprintln(w, "```")
		}
		fmt.Fprintln(w)
	}
}

func writeShape(w io.Writer, s *esp.Shape, indent string) {
	switch {
	case s.Keys != nil:
		fmt.Fprintf(w, "%s\n", s.Type)
		keys := make([]string, 0, len(s.Keys))
		for k := range s.Keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "%s  %s: ", indent, k)
			writeShape(w, s.Keys[k], indent+"  ")
		}
	case s.Length != nil:
		fmt.Fprintf(w, "array of %d", *s.Length)
		if s.Items != nil {
			fmt.Fprint(w, ", each ")
			writeShape(w, s.Items, indent)
			return
		}
		fmt.Fprintln(w)
	default:
		fmt.Fprintln(w, s.Type)
	}
}
