package app

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
)

// Failures in the background, where no window shows them, are logged with
// their component; the credentials never are.
func TestBackgroundFailuresAreLogged(t *testing.T) {
	const password = "wrong-pw-7f3c9a"
	h := newHarness(t, harnessOptions{
		server: smallServer(),
		creds: func(c espfake.Credentials) secrets.Credentials {
			return secrets.Credentials{Username: c.Username, Password: secrets.NewSecret(password),
				APIKey: secrets.NewSecret(c.APIKey), APISecret: secrets.NewSecret(c.APISecret)}
		},
		// Time Machine backs the folder up, but tmutil refuses to exclude
		// the thumbnails (no reply recorded for addexclusion).
		tm:    tmIncluded,
		start: true,
	})
	h.waitSync("failed sync", func(r store.SyncRun) bool { return true })
	h.settled()
	t.Logf("log:\n%s", h.log)
	for _, want := range [][]string{
		{"level=ERROR", "component=sync", `msg="sync failed"`},
		{"level=WARN", "component=timemachine", `msg="keep thumbnails out of Time Machine"`, "addexclusion"},
	} {
		if len(h.log.lines(want...)) == 0 {
			t.Errorf("no log line with %q; log:\n%s", want, h.log)
		}
	}
	cr := h.srv.Credentials()
	for name, s := range map[string]string{"password": password, "API secret": cr.APISecret, "real password": cr.Password} {
		if strings.Contains(h.log.String(), s) {
			t.Errorf("the %s is in the log:\n%s", name, h.log)
		}
	}
}

func TestLogSafetyResult(t *testing.T) {
	var buf logBuffer
	log := LogSafetyResult(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log(backup.SafetyResult{Err: errors.New("disk full")})
	log(backup.SafetyResult{Taken: true, Info: backup.Info{Path: "/data/snapshots/s1", Files: 3}})
	log(backup.SafetyResult{})
	for _, want := range [][]string{
		{"level=ERROR", `msg="safety snapshot failed"`, `err="disk full"`},
		{"level=INFO", `msg="safety snapshot taken"`, "path=/data/snapshots/s1", "files=3"},
		{"level=DEBUG", "not needed"},
	} {
		if len(buf.lines(want...)) != 1 {
			t.Errorf("want one line with %q; log:\n%s", want, buf.String())
		}
	}
}
