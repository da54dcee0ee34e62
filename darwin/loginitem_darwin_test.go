//go:build darwin

package darwin

import (
	"errors"
	"os"
	"testing"

	"github.com/stocksync/stocksync/core/loginitem"
)

func TestSMStatusAnswers(t *testing.T) {
	st, err := smStatus()
	if errors.Is(err, errNoSMAppService) {
		t.Skip("SMAppService needs macOS 13")
	}
	if err != nil {
		t.Fatal(err)
	}
	switch st {
	case loginitem.SMNotRegistered, loginitem.SMEnabled, loginitem.SMRequiresApproval, loginitem.SMNotFound:
	default:
		t.Fatalf("SMAppService status = %d, not an SMAppServiceStatus", st)
	}
	t.Logf("an unbundled test binary gets SMAppService status %d", st)
}

func TestLaunchCommandOutsideABundle(t *testing.T) {
	exe, args := launchCommand()
	want, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if exe != want || len(args) != 0 {
		t.Errorf("launchCommand() = %q %q, want the executable itself, %q", exe, args, want)
	}
}
