package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/secrets"
)

// sampleArgs are valid positional arguments for the commands that need
// some, so that a blank flag value, not a missing argument, is what a case
// below tests.
var sampleArgs = map[string][]string{
	"stocksync add":                 []string{"photo.jpg"},
	"stocksync edit":                []string{"80000123"},
	"stocksync restore":             []string{"2026-01-01T00-00-00Z"},
	"stocksync list":                []string{"files"},
	"stocksync backup schedule":     []string{"daily"},
	"stocksync backup destination":  []string{"/tmp/stocksync-backups"},
	"stocksync backup verify":       []string{"2026-01-01T00-00-00Z"},
	"stocksync backup test-restore": []string{"2026-01-01T00-00-00Z"},
	"stocksync config get":          []string{"concurrency"},
	"stocksync config set":          []string{"concurrency", "4"},
	"stocksync completion bash":     nil,
	"stocksync help":                []string{"status"},
	"stocksync link":                []string{"80000123", "/tmp/fog.jpg"},
	"stocksync config unset":        []string{"concurrency"},
}

// argsFor is sampleArgs[c], or else the fewest placeholder arguments c
// accepts ("x", or its first valid argument), so that commands added later
// are covered without an entry.
func argsFor(c *cobra.Command) []string {
	if a, ok := sampleArgs[c.CommandPath()]; ok {
		return a
	}
	word := "x"
	if len(c.ValidArgs) > 0 {
		word = strings.Fields(c.ValidArgs[0])[0]
	}
	for n := 0; n <= 4; n++ {
		a := make([]string, n)
		for i := range a {
			a[i] = word
		}
		if c.ValidateArgs(a) == nil {
			return a
		}
	}
	return nil
}

// allCommands is every runnable command of the real tree, with its path
// words after "stocksync".
func allCommands(t *testing.T) map[string]*cobra.Command {
	t.Helper()
	cmds := map[string]*cobra.Command{}
	walkCommands(newRootCmd(&globalOptions{}), func(c *cobra.Command) {
		if c.Runnable() {
			cmds[c.CommandPath()] = c
		}
	})
	if len(cmds) < 20 {
		t.Fatalf("only %d commands found", len(cmds))
	}
	return cmds
}

// TestBlankValuesAreUsageErrors runs every command of the real tree once per
// flag (its own and the inherited ones) with "" and with "  " as the value,
// and once per positional argument blanked, and expects exit 2 with a
// message naming what was blank — and that nothing was created.
func TestBlankValuesAreUsageErrors(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data")
	cases := 0
	for path, c := range allCommands(t) {
		words := strings.Fields(path)[1:]
		args := argsFor(c)
		var flags []*pflag.Flag
		seen := map[string]bool{}
		add := func(f *pflag.Flag) {
			if !seen[f.Name] {
				seen[f.Name] = true
				flags = append(flags, f)
			}
		}
		c.LocalFlags().VisitAll(add)
		c.InheritedFlags().VisitAll(add)
		if !seen["data-dir"] || !seen["debug"] {
			t.Errorf("%s: the global flags were not found", path)
		}
		for _, f := range flags {
			if f.Name == "help" {
				continue
			}
			for _, blank := range []string{"", "  "} {
				argv := append(slices.Clone(words), "--"+f.Name+"="+blank)
				if f.Name != "data-dir" {
					argv = append(argv, "--data-dir", dataDir)
				}
				argv = append(argv, args...)
				_, errs, code := runCLI(t, argv...)
				cases++
				if code != exitUsage || !strings.Contains(errs, "--"+f.Name) {
					t.Errorf("stocksync %q: exit %d, %q; want %d naming --%s", argv, code, errs, exitUsage, f.Name)
				}
			}
		}
		for i := range args {
			for _, blank := range []string{"", "  "} {
				a := slices.Clone(args)
				a[i] = blank
				argv := append(append(slices.Clone(words), "--data-dir", dataDir), a...)
				_, errs, code := runCLI(t, argv...)
				cases++
				if code != exitUsage || !strings.Contains(errs, "argument") {
					t.Errorf("stocksync %q: exit %d, %q; want %d naming the argument", argv, code, errs, exitUsage)
				}
			}
		}
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("a refused command line created the data folder (%v)", err)
	}
	t.Logf("%d blank-value cases", cases)
}

// TestUsageErrorsExit2 covers cobra's own command-line errors.
func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	for _, argv := range [][]string{
		{"no-such-command"},
		{"status", "--no-such-flag"},
		{"status", "extra"},
		{"add"},
		{"edit"},
		{"restore"},
		{"list"},
		{"list", "everything"},
		{"backup", "schedule", "hourly"},
		{"demo", "--batches", "many"},
		{"backup", "no-such"},
		// A group without a command of its own and cobra's help exited 0
		// on a typo (issue 12, item 7: usage errors exit 2 everywhere).
		{"config", "gte"},
		{"help", "no-such"},
		{"completion", "no-such-shell"},
	} {
		_, errs, code := runCLI(t, append([]string{"--data-dir", dir}, argv...)...)
		if code != exitUsage {
			t.Errorf("stocksync %q: exit %d (%q), want %d", argv, code, errs, exitUsage)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a usage error created the data folder (%v)", err)
	}
	// An extra argument is not an "unknown command" of a command that has
	// none, and the pointer to --help is given once.
	_, errs, _ := runCLI(t, "--data-dir", dir, "status", "extra")
	if want := "stocksync: `stocksync status` takes no arguments, but got \"extra\"; usage: stocksync status [flags] (see `stocksync status --help`)\n"; errs != want {
		t.Errorf("status extra: %q, want %q", errs, want)
	}
	if out, _, code := runCLI(t, "--data-dir", dir, "config"); code != 0 || !strings.Contains(out, "config get") && !strings.Contains(out, "get ") {
		t.Errorf("config alone: exit %d %q, want its help", code, out)
	}
}

// An environment variable Stocksync reads that is set but blank is a usage
// error too (STOCKSYNC_DATA_DIR="" meant the default folder).
func TestBlankEnvironmentIsAUsageError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if !slices.Contains(checkedEnv, secrets.EnvSession) {
		t.Errorf("checkedEnv %q leaves out %s (a blank session exited 5)", checkedEnv, secrets.EnvSession)
	}
	for _, name := range checkedEnv {
		for _, blank := range []string{"", "  "} {
			t.Run(name+"="+blank, func(t *testing.T) {
				t.Setenv(name, blank)
				for _, argv := range [][]string{{"status"}, {"list", "pending"}, {"sync"}, {"backup", "status"}} {
					_, errs, code := runCLI(t, append([]string{"--data-dir", dir}, argv...)...)
					if code != exitUsage || !strings.Contains(errs, name) {
						t.Errorf("%s=%q stocksync %q: exit %d, %q; want %d naming it", name, blank, argv, code, errs, exitUsage)
					}
				}
				if _, errs, code := runCLI(t, "version"); code != 0 {
					t.Errorf("version: exit %d, %q", code, errs)
				}
			})
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a blank variable let a command create the data folder (%v)", err)
	}
}

// pflag turns the first backticked word of a flag's usage into its value
// name (`edit --help` showed "--json stocksync list edits --json"), so no
// flag's usage may contain a backtick.
func TestFlagUsagesHaveNoBackticks(t *testing.T) {
	t.Parallel()
	walkCommands(newRootCmd(&globalOptions{}), func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if strings.Contains(f.Usage, "`") {
					t.Errorf("%s --%s: usage %q has a backtick (pflag makes it the value name)", c.CommandPath(), f.Name, f.Usage)
				}
			})
		}
	})
}
