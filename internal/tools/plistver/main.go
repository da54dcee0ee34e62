package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/stocksync/stocksync/internal/bundle"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plistver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "Info.plist", "Info.plist to read")
	out := fs.String("out", "", "file to write (required), e.g. build/Stocksync.app/Contents/Info.plist")
	version := fs.String("version", "", "version, e.g. git describe output (required)")
	build := fs.String("build", "", "CFBundleVersion, one to three numbers (default: from -version)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || *version == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: plistver [-in Info.plist] -out FILE -version VERSION [-build N]")
		fs.PrintDefaults()
		return 2
	}
	short, b := bundle.Versions(*version)
	if *build != "" {
		b = *build
	}
	if err := bundle.FillVersionsFile(*in, *out, short, b); err != nil {
		fmt.Fprintf(stderr, "plistver: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "plistver: wrote %s with version %s (%s) from %q\n", *out, short, b, *version)
	return 0
}
