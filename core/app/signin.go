package app

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/session"
)

// OpenSignIn opens the "Sign in to ESP" window (EffectOpenPanel with
// PanelSignIn). Its web view loads SignInPage and hands its cookies to
// CompleteSignIn after each page load.
func (c *Controller) OpenSignIn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.f.signInErr, c.f.signInPageErr = "", ""
	c.emitLocked(Effect{Kind: EffectOpenPanel, Panel: PanelSignIn})
	c.publishLocked()
}

// SignInPageFailed is called when a page of the sign-in window did not
// load (WebKit's webView:didFailProvisionalNavigation:withError: or
// …didFailNavigation…; not for a load cancelled by a newer one). why is the
// NSError's localizedDescription. Until the window opens again or a page
// loads, SignInPanel.Error says the page did not load, why, and what to do.
func (c *Controller) SignInPageFailed(why string) {
	c.update(func() { c.f.signInPageErr = signInPageFailed(why) })
}

// SignInPageLoaded is called when a page of the sign-in window loaded: an
// earlier load failure is no longer shown.
func (c *Controller) SignInPageLoaded() {
	c.update(func() { c.f.signInPageErr = "" })
}

// SignInPage is the browser sign-in page of the configured server
// (session.SignInURL of its web API root), for the sign-in window's web
// view. It fails when the server has no web sign-in (a settings file that
// names none, or the demo server in a build without one).
func (c *Controller) SignInPage() (string, error) {
	c.mu.Lock()
	cfg := c.f.cfg
	c.mu.Unlock()
	root, err := c.apiRoot(cfg)
	if err != nil {
		return "", err
	}
	return session.SignInURL(root)
}

// CompleteSignIn is called with the sign-in window's page address and every
// cookie its web view holds after a page finished loading. When they make a
// usable ESP session (session.Capture: an ESP page that is not part of
// signing in, and a ccw cookie with an sts_token), the session is stored in
// the keychain, a sign-in failure or signed-out state is cleared, a sync
// starts, and it returns true: close the window. Otherwise it returns false
// and the window stays (the user is still signing in, or State.SignIn.Error
// says why the session could not be kept). It waits for the keychain: call
// it off the main thread.
func (c *Controller) CompleteSignIn(pageURL string, cookies []*http.Cookie) bool {
	c.mu.Lock()
	cfg := c.f.cfg
	c.mu.Unlock()
	root, err := c.apiRoot(cfg)
	if err != nil {
		return false
	}
	s, ok := session.Capture(root, pageURL, cookies, c.clock.Now())
	if !ok {
		return false
	}
	if err := c.saveSession(s); err != nil {
		c.log.signin.Error("keep the ESP session", "err", err)
		c.update(func() { c.f.signInErr = signInNotKept(err) })
		return false
	}
	creds := c.readCredentials() // the keychain, outside the lock
	c.mu.Lock()
	defer c.mu.Unlock()
	c.f.creds = creds
	c.f.creds.found = true // a session is an account, whatever Load reports of it
	c.f.signInErr, c.f.signInPageErr, c.f.signedIn = "", "", true
	if c.f.sync.fail == failSignedOut {
		c.f.sync.fail = failNone
	}
	c.accountChangedLocked()
	c.publishLocked()
	return true
}

// saveSession stores s with Deps.SaveSession.
func (c *Controller) saveSession(s session.Session) error {
	if c.deps.SaveSession == nil {
		return errors.New("this build cannot store an ESP session")
	}
	return c.deps.SaveSession(s)
}

// apiRoot is the web API root of cfg's server: Deps.APIRoot when set,
// otherwise account.Endpoints (which has no address for the demo server).
func (c *Controller) apiRoot(cfg config.Config) (string, error) {
	if c.deps.APIRoot != nil {
		return c.deps.APIRoot(cfg)
	}
	root, _, err := account.Endpoints(cfg)
	if err != nil {
		return "", err
	}
	if root == "" {
		return "", fmt.Errorf("the settings name no address for the %s server", cfg.Server)
	}
	return root, nil
}

// signedOutLocked records that ESP ended the session: the menu asks to sign
// in again, one notification goes out per sign-in (remembered across
// restarts in app-state.json: persist reports that it must be saved), and
// automatic syncs wait (startSyncLocked refuses) until CompleteSignIn or new
// settings. Nothing local is changed.
func (c *Controller) signedOutLocked() (notes []notify.Notification, persist bool) {
	c.f.sync.fail, c.f.sync.failedAt = failSignedOut, c.clock.Now()
	if c.f.app.SignedOutNotified {
		return nil, false
	}
	c.f.app.SignedOutNotified = true
	return []notify.Notification{signedOutNote()}, true
}
