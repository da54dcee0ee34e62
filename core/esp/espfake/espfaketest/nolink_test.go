package espfaketest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The shipped binaries must not link the "testing" package (issue 14 item 8):
// it used to come in through espfake.NewTest. Checked for the CLI on the host
// and on darwin, and for the app on darwin (its only platform).
func TestShippedBinariesDoNotLinkTesting(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	const mod = "github.com/stocksync/stocksync/"
	for _, tc := range []struct {
		goos string
		pkgs []string
	}{
		{runtime.GOOS, []string{mod + "cmd/stocksync"}},
		{"darwin", []string{mod + "cmd/stocksync", mod + "cmd/stocksync-app"}},
	} {
		args := append([]string{"list", "-deps"}, tc.pkgs...)
		cmd := exec.Command(goBin, args...)
		// CGO_ENABLED=1 so the app's cgo-only darwin dependencies are listed;
		// go list needs no C compiler for that.
		cmd.Env = append(os.Environ(), "GOOS="+tc.goos, "CGO_ENABLED=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOOS=%s go list -deps %v: %v\n%s", tc.goos, tc.pkgs, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 50 {
			t.Fatalf("GOOS=%s go list -deps %v listed only %d packages; want the full graph:\n%s", tc.goos, tc.pkgs, len(deps), out)
		}
		for _, banned := range []string{"testing", "testing/quick", "testing/iotest", "testing/fstest"} {
			if slices.Contains(deps, banned) {
				t.Errorf("GOOS=%s: %v link %q; keep test helpers in _test.go files or test-only packages such as espfaketest", tc.goos, tc.pkgs, banned)
			}
		}
	}
}
