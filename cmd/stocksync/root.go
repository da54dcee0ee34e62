package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// globalOptions are the flags every command shares, and what a run reads
// and writes through. newRootCmd fills the flags; each command's RunE hands
// runX a copy for its run (forCommand) with the command's input and output.
// Nothing here is a package-level variable, so command trees built by
// newRootCmd run side by side (the tests run them in parallel).
type globalOptions struct {
	DataDir string // --data-dir: "" means $STOCKSYNC_DATA_DIR or the platform's folder (datadir.Resolve)
	Debug   bool   // --debug: log every ESP request to standard error

	// now stamps new, edited and removed pending uploads; time.Now when nil
	// (tests fix it).
	now func() time.Time
	// columns is the terminal width tables are fitted to (0: not a
	// terminal); nil asks standard output (tests set it).
	columns func() int

	stdin          io.Reader // set by forCommand
	stdout, stderr io.Writer // set by forCommand
}

// AddFlags adds the global flags (--debug, --data-dir) to f.
func (o *globalOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.Debug, "debug", false, "log every ESP request to standard error (credentials are never logged)")
	f.StringVar(&o.DataDir, "data-dir", "", "data folder (default: $"+datadir.EnvDataDir+" or the platform's application data folder)")
}

// forCommand is a copy of o for one run of cmd: its standard input, output
// and error (what main or a test set on the root).
func (o globalOptions) forCommand(cmd *cobra.Command) globalOptions {
	o.stdin, o.stdout, o.stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
	return o
}

// clock is the time that stamps pending uploads (o.now, else time.Now).
func (o globalOptions) clock() time.Time {
	if o.now != nil {
		return o.now()
	}
	return time.Now()
}

// newRootCmd builds the whole command tree, its flags parsed into opts. Every
// top-level command is listed here (help sorts them by name); each newXCmd
// adds its own subcommands. A command is one file: an xOptions struct with
// AddFlags, a runX(ctx, opts, gopts, args) that does the work, and a cobra
// command whose RunE only calls runX.
func newRootCmd(opts *globalOptions) *cobra.Command {
	setMachineName()
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
	opts.AddFlags(root.PersistentFlags())
	root.AddCommand(
		newAddCmd(opts),
		newBackupCmd(opts),
		newCheckCmd(opts),
		newConfigCmd(opts),
		newDatadirCmd(opts),
		newDemoCmd(opts),
		newDiscardCmd(opts),
		newEditCmd(opts),
		newESPCmd(opts),
		newESPServerCmd(opts),
		newLinkCmd(opts),
		newListCmd(opts),
		newLoginCmd(opts),
		newLogoutCmd(opts),
		newPendingCmd(opts),
		newResolveCmd(opts),
		newRestoreCmd(opts),
		newStatusCmd(opts),
		newSyncCmd(opts),
		newThumbnailsCmd(opts),
		newUnlinkCmd(opts),
		newVersionCmd(opts),
	)
	guardCommandLine(root)
	return root
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
func (o globalOptions) dataDir() (datadir.Dir, error) {
	d, err := o.dataDirAsIs()
	if err != nil {
		return d, err
	}
	return d, d.RootProblem()
}

// dataDirAsIs is dataDir without refusing a folder that is not usable.
func (o globalOptions) dataDirAsIs() (datadir.Dir, error) {
	env, err := datadir.CurrentEnv()
	if err != nil && o.DataDir == "" {
		return datadir.Dir{}, err
	}
	root, err := datadir.Resolve(o.DataDir, env)
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
func (o globalOptions) openStore(ctx context.Context) (datadir.Dir, *store.DB, error) {
	d, err := o.dataDir()
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
		return d, nil, o.damaged(d, err)
	}
	return d, db, nil
}

func loadConfig(d datadir.Dir) (config.Config, error) {
	c, err := config.Load(d.Config())
	if err != nil {
		return c, fmt.Errorf("%w", err)
	}
	return c, nil
}
