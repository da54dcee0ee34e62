package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// globals are the flags every command shares.
type globals struct {
	dataDir string
	debug   bool
}

var g globals

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "stocksync",
		Short: "Keep a local copy of your Getty Images ESP portfolio, and never lose local work",
		Long: `Stocksync keeps a complete local copy of your Getty Images / iStock ESP portfolio
(batches, files, reviews, thumbnails) and protects the work that exists only on
this machine: pending uploads, local file paths, local edits and settings.

Try it without an account: stocksync demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVar(&g.debug, "debug", false, "log every ESP request to standard error (credentials are never logged)")
	root.PersistentFlags().StringVar(&g.dataDir, "data-dir", "", "data folder (default: $"+datadir.EnvDataDir+" or the platform's application data folder)")
	root.AddCommand(
		newVersionCmd(),
		newDatadirCmd(),
		newStatusCmd(),
		newESPServerCmd(),
	)
	for _, add := range extraCommands {
		root.AddCommand(add())
	}
	guardCommandLine(root)
	return root
}

// extraCommands lets each command file register itself, keeping root.go free
// of a list that every change would have to touch.
var extraCommands []func() *cobra.Command

func register(f func() *cobra.Command) bool {
	extraCommands = append(extraCommands, f)
	return true
}

// exitError carries a specific exit code. msg "" means the command has
// already told the user.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// dataDir resolves the data folder from the flag, environment and platform.
// An empty or whitespace-only value is a usage error, never the default. A
// data folder that is a file, or a link to a folder that is not there, is
// refused (datadir.Dir.RootProblem); `check` and `datadir` use dataDirAsIs.
func dataDir() (datadir.Dir, error) {
	d, err := dataDirAsIs()
	if err != nil {
		return d, err
	}
	return d, d.RootProblem()
}

// dataDirAsIs is dataDir without refusing a folder that is not usable.
func dataDirAsIs() (datadir.Dir, error) {
	env, err := datadir.CurrentEnv()
	if err != nil && g.dataDir == "" {
		return datadir.Dir{}, err
	}
	root, err := datadir.Resolve(g.dataDir, env)
	if err != nil {
		var ee *datadir.EmptyValueError
		if errors.As(err, &ee) {
			return datadir.Dir{}, &exitError{code: exitUsage, msg: err.Error()}
		}
		return datadir.Dir{}, err
	}
	d := datadir.Dir{Root: root}
	// Every command that uses the folder repairs what a killed command left
	// there first (an interrupted restore, leftover temporaries), so that
	// none reads, or writes settings into, a half-switched folder. A repair
	// that fails is reported by the commands that open the database
	// (prepareDataDir); check shows it.
	if d.Exists() {
		if r, err := d.Recover(); err == nil && r.Completed != "" {
			fmt.Fprintf(os.Stderr, "stocksync: completed the interrupted %s first\n", r.Completed)
		}
	}
	return d, nil
}

// openStore makes sure the data folder exists, repairs what a killed command
// left there (prepareDataDir) and opens its database for writing. A damaged
// or foreign database is exitDamaged, naming the snapshot to restore.
func openStore(ctx context.Context) (datadir.Dir, *store.DB, error) {
	d, err := dataDir()
	if err != nil {
		return d, nil, err
	}
	if err := d.Ensure(); err != nil {
		return d, nil, err
	}
	if err := prepareDataDir(d); err != nil {
		return d, nil, err
	}
	db, err := store.Open(ctx, d.DB(), store.Options{BeforeMigrate: beforeMigrate(d)})
	if err != nil {
		return d, nil, damaged(d, err)
	}
	return d, db, nil
}

// beforeMigrate is replaced by the backup command file with a safety snapshot.
var beforeMigrate = func(d datadir.Dir) func(context.Context, int, int) error { return nil }

func loadConfig(d datadir.Dir) (config.Config, error) {
	c, err := config.Load(d.Config())
	if err != nil {
		return c, fmt.Errorf("%w", err)
	}
	return c, nil
}
