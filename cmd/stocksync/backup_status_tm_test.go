package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/timemachine"
)

// fakeTmutil writes a shell script that answers like tmutil with the
// recorded outputs in core/timemachine/testdata, points STOCKSYNC_TMUTIL at
// it, and returns the file it logs its arguments to. isexcluded answers
// "[Included]" for every path asked (the text form: -X is refused with
// tmutil's usage message, as old versions do); the other verbs run the shell
// snippets given, with $fx the fixture folder.
func fakeTmutil(t *testing.T, destinationinfo, latestbackup, status string) string {
	t.Helper()
	fx, err := filepath.Abs(filepath.Join("..", "..", "core", "timemachine", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "calls.log")
	script := `#!/bin/sh
fx='` + fx + `'
echo "$*" >> '` + log + `'
verb=$1
shift
case "$verb" in
isexcluded)
	if [ "$1" = "-X" ]; then cat "$fx/isexcluded_X_unsupported.stderr" >&2; exit 1; fi
	for p in "$@"; do printf '[Included]\t%s\n' "$p"; done ;;
destinationinfo) ` + destinationinfo + ` ;;
latestbackup) ` + latestbackup + ` ;;
status) ` + status + ` ;;
*) echo "tmutil: unexpected $verb" >&2; exit 64 ;;
esac
`
	path := filepath.Join(dir, "tmutil")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(timemachine.EnvTmutil, path)
	return log
}

func tmDataDir(t *testing.T) string {
	t.Helper()
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "data")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	return d.Root
}

const (
	tmIdle         = `cat "$fx/status_idle.txt"`
	tmDestTwo      = `cat "$fx/destinationinfo_X_two.plist"`
	tmDestUnplug   = `cat "$fx/destinationinfo_X_local_unplugged.plist"`
	tmLatestMac12  = `cat "$fx/latestbackup_macos12_name.txt"`
	tmNoDisk       = `cat "$fx/destinationinfo_none.txt"` // tmutil: No destinations configured.
	tmNoDiskCode17 = `cat "$fx/latestbackup_no_destination.stderr" >&2; exit 0`
)

func TestBackupStatusTimeMachineFromRecordedTmutil(t *testing.T) {
	mac12 := time.Date(2026, 8, 1, 0, 51, 34, 0, time.Local)
	tests := []struct {
		name                  string
		dest, latest, status  string
		wantLatest            time.Time
		wantLatestState       string
		wantState             string // prefix of the state line
		wantDisks, wantAway   int    // disks listed, disks marked not connected
		wantHasDisk, wantBusy bool
	}{
		{name: "macOS 12 name, NAS unmounted between backups", dest: tmDestTwo, latest: tmLatestMac12, status: tmIdle,
			wantLatest: mac12, wantLatestState: "found", wantState: "backs up the data folder; latest backup ",
			wantDisks: 2, wantHasDisk: true},
		{name: "no destination: code 17 on stderr, exit 0", dest: tmNoDisk, latest: tmNoDiskCode17, status: tmIdle,
			wantLatestState: "no backup disk is set up", wantState: "no backup disk is set up — choose one in System Settings"},
		{name: "local disk unplugged: code 18, German NSError text", dest: tmDestUnplug,
			latest: `cat "$fx/latestbackup_not_connected_de.stderr" >&2`, status: tmIdle,
			wantLatestState: "backup disk not connected", wantState: "the backup disk (Backup Anna) is not connected",
			wantDisks: 1, wantAway: 1, wantHasDisk: true},
		{name: "machine directory not found: NAS not reachable", dest: tmDestTwo,
			latest: `cat "$fx/latestbackup_no_machine_directory.stderr" >&2; exit 1`, status: tmIdle,
			wantLatestState: "backup disk not connected", wantState: "the backup disk (Backup Anna, TimeMachine) cannot be reached",
			wantDisks: 2, wantHasDisk: true},
		{name: "backup in progress", dest: tmDestTwo, latest: tmLatestMac12, status: `cat "$fx/status_copying.txt"`,
			wantLatest: mac12, wantLatestState: "found", wantState: "backing up now (copying, 12% done, about 35 minutes left); latest backup ",
			wantDisks: 2, wantHasDisk: true, wantBusy: true},
		{name: "no Full Disk Access", dest: tmDestTwo, latest: `cat "$fx/latestbackup_fda.stderr" >&2; exit 1`, status: tmIdle,
			wantLatestState: "needs Full Disk Access", wantState: "latest backup unknown: tmutil needs Full Disk Access for Terminal",
			wantDisks: 2, wantHasDisk: true},
		{name: "text destinationinfo when -X is refused", status: tmIdle, latest: tmLatestMac12,
			dest:       `if [ "$1" = -X ]; then echo "Usage: tmutil destinationinfo" >&2; exit 1; fi; cat "$fx/destinationinfo_two_current_marked.txt"`,
			wantLatest: mac12, wantLatestState: "found", wantState: "backs up the data folder; latest backup ",
			wantDisks: 2, wantHasDisk: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := fakeTmutil(t, tt.dest, tt.latest, tt.status)
			out, errs, code := runCLI(t, "--data-dir", tmDataDir(t), "backup", "status", "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var s backupStatusJSON
			if err := json.Unmarshal([]byte(out), &s); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			tm := s.TimeMachine
			if !tm.Available || !tm.IncludesFolder || tm.HasDestination != tt.wantHasDisk || tm.LatestState != tt.wantLatestState ||
				!tm.LatestBackup.Equal(tt.wantLatest) || (tm.BackingUp != nil) != tt.wantBusy || len(tm.Problems) != 0 {
				t.Errorf("time_machine = %+v", tm)
			}
			if !strings.HasPrefix(tm.State, tt.wantState) {
				t.Errorf("state = %q, want it to start with %q", tm.State, tt.wantState)
			}
			away := 0
			for _, d := range tm.BackupDisks {
				if d.Unplugged {
					away++
				}
			}
			if len(tm.BackupDisks) != tt.wantDisks || away != tt.wantAway {
				t.Errorf("backup_disks = %+v: want %d, %d not connected", tm.BackupDisks, tt.wantDisks, away)
			}
			if !tm.HasDestination && strings.Contains(out, "not connected") {
				t.Errorf("says both no backup disk and not connected: %s", out)
			}
			calls, _ := os.ReadFile(log)
			if !strings.Contains(string(calls), "destinationinfo -X\n") {
				t.Errorf("destinationinfo -X not asked; calls:\n%s", calls)
			}
		})
	}
}

func TestBackupStatusTimeMachineBusyDetail(t *testing.T) {
	fakeTmutil(t, tmDestTwo, tmLatestMac12, `cat "$fx/status_copying.txt"`)
	out, errs, code := runCLI(t, "--data-dir", tmDataDir(t), "backup", "status", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s backupStatusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	b := s.TimeMachine.BackingUp
	if b == nil || b.Phase != "Copying" || b.PhaseText != "copying" || b.Percent == nil || *b.Percent != 12.3 ||
		b.TimeRemainingSeconds != 2103 || b.BytesCopied != 6399180800 || b.TotalFiles != 1156789 {
		t.Errorf("backing_up = %+v", b)
	}
}

func TestBackupStatusTimeMachineText(t *testing.T) {
	fakeTmutil(t, tmDestTwo, tmLatestMac12, tmIdle)
	out, errs, code := runCLI(t, "--data-dir", tmDataDir(t), "backup", "status")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"Time Machine:      backs up the data folder; latest backup ",
		"Time Machine disks: Backup Anna, TimeMachine (network, last used)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not connected") {
		t.Errorf("a NAS between backups shown as not connected:\n%s", out)
	}
}

func TestBackupStatusTmutilOverrideIsValidated(t *testing.T) {
	for name, v := range map[string]string{"empty": "", "blank": "  \t", "missing": filepath.Join(t.TempDir(), "no-tmutil")} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(timemachine.EnvTmutil, v)
			out, errs, code := runCLI(t, "--data-dir", tmDataDir(t), "backup", "status", "--json")
			if code != exitUsage || !strings.Contains(errs, "STOCKSYNC_TMUTIL=") || !strings.Contains(errs, "unset it to use /usr/bin/tmutil") {
				t.Errorf("exit %d, stderr %q, want %d naming STOCKSYNC_TMUTIL", code, errs, exitUsage)
			}
			if out != "" {
				t.Errorf("printed a status anyway: %s", out)
			}
		})
	}
}
