// Package timemachine asks macOS Time Machine, through the tmutil command,
// whether the Stocksync data folder is backed up: is the folder (or any folder
// above it, up to the home folder) excluded, is a backup disk configured, and
// when did the latest backup finish.
//
// tmutil is reached only through the small Runner interface, so the parsing is
// tested on any system against recorded tmutil output (testdata/). On systems
// without Time Machine every call fails with ErrNotAvailable, which callers show
// as "not available" rather than as a failure. tmutil's wording, not its exit
// code, decides what happened: it exits 0 on some failures and non-zero on
// some successes.
package timemachine
