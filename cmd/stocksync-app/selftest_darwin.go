//go:build darwin

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/app"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/version"
	"github.com/stocksync/stocksync/darwin"
)

// selfTestMax bounds the whole self-test: a step that hangs is reported as
// failed instead of keeping CI waiting. Not a speed requirement.
const selfTestMax = 10 * time.Minute

// selfTestWatchdog bounds the process itself, armed in main before
// systray.Run: past selfTestMax plus Quit's own fallback (a minute) plus a
// margin, the report is printed and the process exits 1, even when AppKit
// never finished launching (no GUI session) and run never started.
const selfTestWatchdog = selfTestMax + 3*time.Minute

// selfTestRun is one --self-test: a temporary data folder set up for the
// demo server, and the steps so far.
type selfTestRun struct {
	st      *app.SelfTest
	root    string
	folders app.SelfTestFolders
	quitAt  time.Time
	// modalsErr: the alert and the picker sheet Quit must end did not
	// come up.
	modalsErr error

	reportOnce sync.Once // finish or the watchdog, not both
}

// armWatchdog starts the process's time limit (selfTestWatchdog).
func (r *selfTestRun) armWatchdog() {
	time.AfterFunc(selfTestWatchdog, func() {
		r.st.Step("time limit", func() (string, error) {
			return "", fmt.Errorf("the app did not finish the self-test and quit within %s (did AppKit finish launching? a GUI login session is needed)", selfTestWatchdog)
		})
		r.report(1)
	})
}

// report prints the report on standard output, removes the temporary
// folder and exits with code, or with the report's own code when code is
// 0. Once.
func (r *selfTestRun) report(code int) {
	r.reportOnce.Do(func() {
		rep := r.st.Report()
		if err := rep.WriteJSON(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "stocksync self-test: write the report:", err)
		}
		os.RemoveAll(r.root)
		if code == 0 {
			code = rep.ExitCode()
		}
		os.Exit(code)
	})
	select {} // the other caller is exiting
}

func newSelfTestRun() (*selfTestRun, error) {
	root, err := os.MkdirTemp("", "stocksync-self-test-")
	if err != nil {
		return nil, err
	}
	f, err := app.PrepareSelfTest(root)
	if err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	return &selfTestRun{st: &app.SelfTest{Version: version.Version, DataDir: f.Data.Root}, root: root, folders: f}, nil
}

// started records the status item and the controller's start.
func (r *selfTestRun) started(err error) {
	r.st.Step("status item and controller start", func() (string, error) { return "", err })
}

// run runs the frontend's steps, then quits through the normal path: Quit
// in the menu, applicationShouldTerminate:, onExit (finish).
func (r *selfTestRun) run(ctx context.Context, f *darwin.Frontend, ctrl *app.Controller, login loginitem.Manager, n *darwin.Notifier) {
	ctx, cancel := context.WithTimeout(ctx, selfTestMax)
	defer cancel()
	go func() {
		<-ctx.Done()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			r.st.Step("time limit", func() (string, error) { return "", fmt.Errorf("the self-test ran past %s", selfTestMax) })
			f.Quit()
		}
	}()
	f.SelfTest(ctx, r.st, ctrl, login, n)
	// Quit's hard case: an alert and a sheet are up when it comes.
	r.modalsErr = f.SelfTestModalsUp()
	r.quitAt = time.Now()
	ctrl.Quit() // EffectQuit: the same path as the menu's Quit
}

// finish records how quitting went, prints the report on standard output,
// removes the temporary folder and exits: 0 when every step worked, 1
// otherwise. It runs in onExit.
func (r *selfTestRun) finish(stoppedInTime bool) {
	r.st.Step("quit", func() (string, error) {
		if r.quitAt.IsZero() {
			return "", errors.New("the app quit before the self-test asked it to")
		}
		took := fmt.Sprintf("%d ms after Quit", time.Since(r.quitAt).Milliseconds())
		asked, forced := darwin.TerminationPath()
		switch {
		case r.modalsErr != nil:
			return "", fmt.Errorf("before quitting: %w (terminated %s)", r.modalsErr, took)
		case forced:
			return "", errors.New("Quit did not end the app; the fallback did after " + took)
		case !asked:
			return "", errors.New("AppKit never asked applicationShouldTerminate: (terminated " + took + ")")
		case !stoppedInTime:
			return "", errors.New("the services did not stop in time (terminated " + took + ")")
		}
		return "terminated with an alert and a sheet up, " + took, nil
	})
	r.report(0)
}
