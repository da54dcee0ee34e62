//go:build darwin

package darwin

import (
	"sync"

	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"
)

// activityOptions: user-initiated work (no App Nap) that keeps the Mac
// from idle sleep (NSActivityUserInitiated already includes
// NSActivityIdleSystemSleepDisabled; named for the reader).
const activityOptions = foundation.ActivityUserInitiated | foundation.ActivityIdleSystemSleepDisabled

// keepAwake holds an NSProcessInfo activity while the controller says
// something long runs (State.KeepAwake): an agent app with no window on
// screen may otherwise be napped, and the Mac may idle-sleep mid-backup.
type keepAwake struct {
	mu     sync.Mutex
	reason string
	token  objc.Object // the activity; retained while held
	begun  int         // activities begun so far (the self-test)
}

// set begins an activity for reason, ends it for "", and replaces it when
// the reason changes. From any goroutine; the calls go to the main thread.
func (k *keepAwake) set(reason string) {
	k.mu.Lock()
	if reason == k.reason {
		k.mu.Unlock()
		return
	}
	k.reason = reason
	k.mu.Unlock()
	onMain(func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if reason != k.reason {
			return // a newer call's block follows
		}
		pi := foundation.ProcessInfo_ProcessInfo()
		if k.token.Ptr() != nil {
			pi.EndActivity(k.token)
			k.token.Release()
			k.token = objc.Object{}
		}
		if reason != "" {
			k.token = pi.BeginActivityWithOptionsReason(activityOptions, reason)
			k.token.Retain()
			k.begun++
		}
	})
}

// held is the reason of the activity held now; "" when none. Main thread.
func (k *keepAwake) held() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.token.Ptr() == nil {
		return ""
	}
	return k.reason
}

// begunCount is how many activities have been begun so far. Main thread.
func (k *keepAwake) begunCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.begun
}
