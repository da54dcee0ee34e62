package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/secrets"
)

// cobraUsagePrefixes are the beginnings of the errors cobra and pflag return
// for a bad command line (they have no types to match).
var cobraUsagePrefixes = []string{
	"unknown command ", "unknown flag: ", "unknown shorthand flag: ", "flag needs an argument",
	"invalid argument ", "bad flag syntax", "required flag(s) ", "if any flags in the group",
	"accepts ", "requires at least ", "requires at most ", "unknown help topic",
}

// isCobraUsageError reports whether err is cobra's or pflag's complaint
// about the command line.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// guardCommandLine applies the command-line rules every command shares to
// the whole tree under root, so a command added later gets them too:
//
//   - an empty or whitespace-only argument or flag value is a usage error
//     (exit 2) naming it, checked before the command runs: an empty value
//     never silently selects a default (`restore ""`, `--data-dir ""`);
//   - cobra's argument errors ("accepts 1 arg(s)") and pflag's flag errors
//     (unknown flag, bad number) are usage errors with a pointer to --help.
func guardCommandLine(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError(fmt.Sprintf("%v (see `%s --help`)", err, c.CommandPath()))
	})
	walkCommands(root, func(c *cobra.Command) {
		if c.HasSubCommands() && c.Run == nil && c.RunE == nil && c != root {
			// A group (`config`): cobra prints its help and exits 0 for
			// `config x`, so a typo looked like success.
			c.Args = cobra.NoArgs
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
		if c.Name() == "help" && c.Parent() == root {
			// cobra's help prints "Unknown help topic" and exits 0.
			help := c.Run
			c.Run = nil
			c.RunE = func(c *cobra.Command, a []string) error {
				if len(a) > 0 {
					if found, _, err := root.Find(a); err != nil || found == root {
						return usageError(fmt.Sprintf("no command %q to show help for (see `stocksync --help`)", termSafe(strings.Join(a, " "))))
					}
				}
				help(c, a)
				return nil
			}
		}
		if args := c.Args; args != nil {
			c.Args = func(c *cobra.Command, a []string) error {
				if err := args(c, a); err != nil {
					if !c.HasSubCommands() && strings.HasPrefix(err.Error(), "unknown command ") {
						// cobra.NoArgs calls an extra argument an unknown command.
						return usageError(fmt.Sprintf("`%s` takes no arguments, but got %q; usage: %s (see `%s --help`)",
							c.CommandPath(), termSafe(a[0]), c.UseLine(), c.CommandPath()))
					}
					msg, _ := plainCobraError(c, err)
					return usageError(fmt.Sprintf("%s; usage: %s (see `%s --help`)", msg, c.UseLine(), c.CommandPath()))
				}
				// cobra checks flag groups only after the command's hooks,
				// with a raw message; check them here, in plain words.
				if err := c.ValidateFlagGroups(); err != nil {
					msg, _ := plainCobraError(c, err)
					return usageError(fmt.Sprintf("%s (see `%s --help`)", msg, c.CommandPath()))
				}
				return nil
			}
		}
		if run := c.RunE; run != nil {
			c.RunE = func(c *cobra.Command, a []string) error {
				if err := checkNotBlank(c, a); err != nil {
					return err
				}
				return run(c, a)
			}
		} else if run := c.Run; run != nil {
			c.Run = nil
			c.RunE = func(c *cobra.Command, a []string) error {
				if err := checkNotBlank(c, a); err != nil {
					return err
				}
				run(c, a)
				return nil
			}
		}
	})
}

// walkCommands calls fn for c and every command below it.
func walkCommands(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walkCommands(sub, fn)
	}
}

// checkedEnv are the environment variables Stocksync reads: one that is set
// but empty or only spaces is a usage error, never "unset".
var checkedEnv = []string{datadir.EnvDataDir, secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey,
	secrets.EnvAPISecret, secrets.EnvRefreshToken, secrets.EnvSession}

// checkNotBlank refuses empty or whitespace-only arguments, flag values and
// environment variables.
func checkNotBlank(c *cobra.Command, args []string) error {
	if !isInfoCommand(c) {
		var blank []string
		for _, name := range checkedEnv {
			if v, set := os.LookupEnv(name); set && strings.TrimSpace(v) == "" {
				blank = append(blank, name)
			}
		}
		if len(blank) > 0 {
			return usageError(fmt.Sprintf("%s set but empty: give a value, or unset it (`unset %s`)",
				strings.Join(blank, " and ")+map[bool]string{true: " is", false: " are"}[len(blank) == 1], strings.Join(blank, " ")))
		}
	}
	for i, a := range args {
		if strings.TrimSpace(a) == "" {
			what := "is empty"
			if a != "" {
				what = "is only spaces"
			}
			return usageError(fmt.Sprintf("argument %d of `%s` %s: give a value (see `%s --help`)", i+1, c.CommandPath(), what, c.CommandPath()))
		}
	}
	var bad error
	c.Flags().Visit(func(f *pflag.Flag) {
		if bad != nil {
			return
		}
		vals := []string{f.Value.String()}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			if vals = sv.GetSlice(); len(vals) == 0 {
				vals = []string{""}
			}
		}
		for _, v := range vals {
			if strings.TrimSpace(v) == "" {
				what := "is empty"
				if v != "" {
					what = "is only spaces"
				}
				bad = usageError(fmt.Sprintf("--%s %s: give a value, or leave the flag out (see `%s --help`)", f.Name, what, c.CommandPath()))
				return
			}
		}
	})
	return bad
}

// isInfoCommand: help, completion scripts and version read no settings and
// no environment, so they run whatever the environment holds.
func isInfoCommand(c *cobra.Command) bool {
	for p := c; p != nil; p = p.Parent() {
		switch p.Name() {
		case "help", "completion", "version":
			return p.Parent() != nil && p.Parent().Parent() == nil
		}
	}
	return false
}
