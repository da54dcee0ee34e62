package timemachine

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestInclude(t *testing.T) {
	unsupportedX := reply{stderr: "isexcluded_X_unsupported.stderr", err: errExit1}
	tests := []struct {
		name      string
		replies   map[string][]reply
		wantEx    bool
		wantCalls []string
		wantErr   string
	}{
		{
			name:      "already included: nothing to do",
			replies:   map[string][]reply{xArgs(asked...): {{stdout: "isexcluded_X_included.plist"}}},
			wantCalls: []string{xArgs(asked...)},
		},
		{
			name: "excluded folder gets included",
			replies: map[string][]reply{
				xArgs(asked...):                 {{stdout: "isexcluded_X_excluded.plist"}, {stdout: "isexcluded_X_included.plist"}},
				key("removeexclusion", dataDir): {{}},
			},
			wantCalls: []string{xArgs(asked...), key("removeexclusion", dataDir), xArgs(asked...)},
		},
		{
			name: "parent stays excluded (fixed path)",
			replies: map[string][]reply{
				xArgs(asked...):                 {unsupportedX},
				textArgs(asked...):              {{stdout: "isexcluded_spaces_parent_excluded.txt"}},
				key("removeexclusion", appSupp): {{stderr: "literal:tmutil: removeexclusion requires root privileges.", err: errExit1}},
			},
			wantEx: true,
			wantCalls: []string{xArgs(asked...), textArgs(asked...), key("removeexclusion", appSupp),
				xArgs(asked...), textArgs(asked...)},
			wantErr: "Time Machine still skips /Users/anna/Library/Application Support: remove it under System Settings → General → Time Machine → Options, or run `sudo tmutil removeexclusion -p '/Users/anna/Library/Application Support'` in Terminal, which needs Full Disk Access for it (System Settings → Privacy & Security → Full Disk Access → Terminal; without it tmutil exits with code 80) (tmutil said: removeexclusion requires root privileges.)",
		},
		{
			name: "refused for lack of Full Disk Access (exit 80)",
			replies: map[string][]reply{
				xArgs(asked...):                 {{stdout: "isexcluded_X_excluded.plist"}},
				key("removeexclusion", dataDir): {{stderr: "removeexclusion_fda.stderr", err: exitStatus(80)}},
			},
			wantEx:    true,
			wantCalls: []string{xArgs(asked...), key("removeexclusion", dataDir), xArgs(asked...)},
			wantErr:   "Time Machine still skips " + dataDir + ": remove it under System Settings → General → Time Machine → Options, or run `sudo tmutil removeexclusion -p '" + dataDir + "'` in Terminal, which needs Full Disk Access for it (System Settings → Privacy & Security → Full Disk Access → Terminal; without it tmutil exits with code 80); Stocksync itself was refused for lack of Full Disk Access (tmutil said: removeexclusion requires Full Disk Access privileges.)",
		},
		{
			name: "exit 80 without a message",
			replies: map[string][]reply{
				xArgs(asked...):                 {{stdout: "isexcluded_X_excluded.plist"}},
				key("removeexclusion", dataDir): {{err: exitStatus(80)}},
			},
			wantEx:    true,
			wantCalls: []string{xArgs(asked...), key("removeexclusion", dataDir), xArgs(asked...)},
			wantErr:   "Time Machine still skips " + dataDir + ": remove it under System Settings → General → Time Machine → Options, or run `sudo tmutil removeexclusion -p '" + dataDir + "'` in Terminal, which needs Full Disk Access for it (System Settings → Privacy & Security → Full Disk Access → Terminal; without it tmutil exits with code 80); Stocksync itself was refused for lack of Full Disk Access (tmutil said: exit status 80)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.replies)
			got, err := NewChecker(f, home).Include(context.Background(), dataDir)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Fatalf("err = %v\nwant %s", err, tt.wantErr)
			}
			var still *StillExcludedError
			if tt.wantErr != "" && !errors.As(err, &still) {
				t.Errorf("err is %T, want *StillExcludedError", err)
			}
			if got.Excluded != tt.wantEx {
				t.Errorf("Excluded = %v, want %v", got.Excluded, tt.wantEx)
			}
			if !reflect.DeepEqual(f.called(), tt.wantCalls) {
				t.Errorf("calls = %q\nwant    %q", f.called(), tt.wantCalls)
			}
		})
	}
}

func TestExcludeCache(t *testing.T) {
	const thumbs = "/Users/anna/Library/Caches/io.github.stocksync.Stocksync/thumbnails"
	tests := []struct {
		name    string
		dir     string
		check   string
		wantErr string
	}{
		{name: "excluded", dir: thumbs + "/", check: "isexcluded_X_cache_excluded.plist"},
		{name: "did not take effect", dir: thumbs, check: "isexcluded_X_cache_included.plist",
			wantErr: "exclude " + thumbs + " from Time Machine: tmutil addexclusion did not take effect: it still reports the folder as included"},
		{name: "relative path", dir: "thumbnails", wantErr: `exclude thumbnails from Time Machine: "thumbnails" is not an absolute path`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{
				key("addexclusion", thumbs): {{}},
				xArgs(thumbs):               {{stdout: tt.check}},
			})
			err := NewChecker(f, home).ExcludeCache(context.Background(), tt.dir)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Fatalf("err = %v\nwant %s", err, tt.wantErr)
			}
			if tt.check != "" {
				if want := []string{key("addexclusion", thumbs), xArgs(thumbs)}; !reflect.DeepEqual(f.called(), want) {
					t.Errorf("calls = %q, want %q", f.called(), want)
				}
			}
		})
	}
}

func TestStatus(t *testing.T) {
	t.Run("everything answered", func(t *testing.T) {
		f := newFake(t, map[string][]reply{
			xArgs(asked...): {{stdout: "isexcluded_X_included.plist"}},
			destX:           {{stdout: "destinationinfo_X_two.plist"}},
			"latestbackup":  {{stdout: "latestbackup_apfs.txt"}},
			"status":        {{stdout: "status_copying.txt"}},
		})
		s := NewChecker(f, home).Status(context.Background(), dataDir)
		if !s.Available || !s.IncludesFolder() || !s.HasDestination() || s.Latest.State != BackupFound || !s.BackingUp() {
			t.Errorf("status = %+v", s)
		}
		if s.NoDestination() || s.DisksNotConnected() {
			t.Errorf("NoDestination %v, DisksNotConnected %v: want false, false", s.NoDestination(), s.DisksNotConnected())
		}
		if s.ExclusionErr != nil || s.DestinationsErr != nil || s.LatestErr != nil || s.ActivityErr != nil {
			t.Errorf("errors: %v, %v, %v, %v", s.ExclusionErr, s.DestinationsErr, s.LatestErr, s.ActivityErr)
		}
	})
	t.Run("parts fail on their own", func(t *testing.T) {
		f := newFake(t, map[string][]reply{
			xArgs(asked...):    {{stdout: "literal:?"}},
			textArgs(asked...): {{stdout: "isexcluded_unknown_missing.txt"}},
			destX:              {{stderr: "literal:tmutil: XPC error", err: errExit1}},
			"destinationinfo":  {{stderr: "literal:tmutil: XPC error", err: errExit1}},
			"latestbackup":     {{stderr: "latestbackup_fda.stderr", err: errExit1}},
			"status":           {{stderr: "literal:tmutil: XPC error", err: errExit1}},
		})
		s := NewChecker(f, home).Status(context.Background(), dataDir)
		if !s.Available {
			t.Fatal("not available")
		}
		if s.IncludesFolder() {
			t.Error("a missing data folder must not count as included")
		}
		if s.HasDestination() || s.NoDestination() || s.DestinationsErr == nil || !strings.Contains(s.DestinationsErr.Error(), "XPC error") {
			t.Errorf("destinations = %v, err %v", s.Destinations, s.DestinationsErr)
		}
		if s.Latest.State != BackupNeedsFullDiskAccess || s.LatestErr != nil {
			t.Errorf("latest = %+v, err %v", s.Latest, s.LatestErr)
		}
		if s.BackingUp() || s.ActivityErr == nil {
			t.Errorf("activity = %+v, err %v", s.Activity, s.ActivityErr)
		}
	})
	t.Run("not available", func(t *testing.T) {
		s := NewChecker(unavailable{}, home).Status(context.Background(), dataDir)
		if !reflect.DeepEqual(s, Status{}) || s.IncludesFolder() || s.HasDestination() {
			t.Errorf("status = %+v, want zero", s)
		}
	})
	t.Run("system runner off macOS", func(t *testing.T) {
		if runtimeIsDarwin {
			t.Skip("real tmutil")
		}
		if _, set := os.LookupEnv(EnvTmutil); set {
			t.Skip(EnvTmutil + " is set: it stands in for tmutil")
		}
		s := NewChecker(SystemRunner(), home).Status(context.Background(), dataDir)
		if s.Available {
			t.Error("Time Machine reported available off macOS")
		}
	})
}
