package timemachine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTmutil writes a shell script that answers like tmutil with recorded
// output (absolute fixture paths) and returns its path.
func writeTmutil(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tmutil")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func fixture(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return "'" + p + "'"
}

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestRunnerFromEnv(t *testing.T) {
	t.Run("unset: the system's", func(t *testing.T) {
		r, err := RunnerFromEnv(lookup(nil))
		if err != nil || r == nil {
			t.Fatalf("r = %v, err = %v", r, err)
		}
	})
	for _, v := range []string{"", "  ", "\t\n"} {
		t.Run("blank "+strings.TrimSpace(v), func(t *testing.T) {
			_, err := RunnerFromEnv(lookup(map[string]string{EnvTmutil: v}))
			var oe *OverrideError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), "STOCKSYNC_TMUTIL=") || !strings.Contains(err.Error(), "the value is") {
				t.Fatalf("err = %v, want an *OverrideError saying the value is empty or blank", err)
			}
		})
	}
	t.Run("missing program", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "no-tmutil")
		_, err := RunnerFromEnv(lookup(map[string]string{EnvTmutil: missing}))
		var oe *OverrideError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), "no such program") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a script answering like tmutil, as a child process", func(t *testing.T) {
		path := writeTmutil(t, `case "$1 $2" in
"isexcluded -X") cat `+fixture(t, "isexcluded_X_included.plist")+` ;;
"destinationinfo -X") cat `+fixture(t, "destinationinfo_X_two.plist")+` ;;
"latestbackup "*) cat `+fixture(t, "latestbackup_macos12_name.txt")+` ;;
"status "*) cat `+fixture(t, "status_copying.txt")+` ;;
"removeexclusion "*) cat `+fixture(t, "removeexclusion_fda.stderr")+` >&2; exit 80 ;;
*) echo "unexpected: $*" >&2; exit 64 ;;
esac
`)
		r, err := RunnerFromEnv(lookup(map[string]string{EnvTmutil: path}))
		if err != nil {
			t.Fatal(err)
		}
		c := NewChecker(r, home)
		c.Location = time.UTC
		s := c.Status(context.Background(), dataDir)
		if !s.Available || !s.IncludesFolder() || len(s.Destinations) != 2 || !s.BackingUp() ||
			s.Latest.State != BackupFound || !s.Latest.Time.Equal(time.Date(2026, 8, 1, 0, 51, 34, 0, time.UTC)) {
			t.Errorf("status = %+v", s)
		}
		_, _, err = r.Run(context.Background(), "removeexclusion", dataDir)
		if exitCode(err) != 80 {
			t.Errorf("exit code = %d (%v), want 80", exitCode(err), err)
		}
	})
}

func TestSystemRunnerHonoursTheOverride(t *testing.T) {
	path := writeTmutil(t, `echo "[Included]	$3"`+"\n")
	t.Setenv(EnvTmutil, path)
	out, _, err := SystemRunner().Run(context.Background(), "isexcluded", "-X", "/x")
	if err != nil || string(out) != "[Included]\t/x\n" {
		t.Errorf("out %q, err %v", out, err)
	}
	t.Setenv(EnvTmutil, " ")
	s := NewChecker(SystemRunner(), home).Status(context.Background(), dataDir)
	var oe *OverrideError
	if !s.Available || !errors.As(s.ExclusionErr, &oe) || !errors.As(s.LatestErr, &oe) {
		t.Errorf("a blank override must show in every part: %+v", s)
	}
}
