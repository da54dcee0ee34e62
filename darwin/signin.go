//go:build darwin

package darwin

import (
	"math"
	"net/http"
	"time"

	"github.com/progrium/darwinkit/helper/layout"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/macos/webkit"
	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/app"
)

// Size of the sign-in window's web view, in points.
const (
	signInWidth  = 560.0
	signInHeight = 680.0
)

// pageLoad is what the sign-in window saw when a page finished loading, or
// why it did not load (Err).
type pageLoad struct {
	URL      string
	Cookies  int
	SignedIn bool
	Err      string
}

// cookieSettle is how long the sign-in window waits after the last cookie
// change before asking whether the cookies make a session: a sign-in page
// sets several at once. Not a speed requirement.
const cookieSettle = 300 * time.Millisecond

// signInWindow is the "Sign in to ESP" window: a web view on the
// controller's SignInPage. Each time the window opens it gets a new web
// view with a new non-persistent website data store, so no cookie of an
// earlier sign-in (or of an account signed out since) signs the user
// straight back in, and nothing of the sign-in stays in WebKit's own
// storage. After each page load, and after the cookies change without one
// (a page that signs in by script), it hands the page's address and every
// cookie to CompleteSignIn, which decides (core/session); when that says
// signed in, the window closes. A page that fails to load says why. Main
// thread only, except where noted.
type signInWindow struct {
	ctrl   *app.Controller
	w      appkit.Window
	stack  appkit.StackView
	web    webkit.WebView // zero until the first open
	obs    objc.Object    // observes web's cookie store; retained
	status appkit.TextField
	errTxt appkit.TextField
	// cookieGen counts cookie changes, so only the last of a burst asks.
	cookieGen int
	// loaded, when set, hears of every page load (the self-test).
	loaded func(pageLoad)
}

func newSignInWindow(ctrl *app.Controller) *signInWindow {
	p := &signInWindow{ctrl: ctrl}
	p.w = newWindow("Sign in to ESP", signInWidth+2*panelInset, signInHeight)
	p.w.SetStyleMask(p.w.StyleMask() | appkit.WindowStyleMaskResizable)
	modals.closers["sign-in"] = p.close

	p.stack = appkit.NewVerticalStackView()
	p.stack.SetTranslatesAutoresizingMaskIntoConstraints(false)
	p.stack.SetAlignment(appkit.LayoutAttributeLeading)
	p.stack.SetSpacing(rowSpacing)
	p.stack.SetDetachesHiddenViews(true)
	p.status = label("")
	p.errTxt = label("")
	p.errTxt.SetTextColor(appkit.Color_SystemRedColor())
	p.stack.AddArrangedSubview(p.status)
	p.stack.AddArrangedSubview(p.errTxt)
	p.w.ContentView().AddSubview(p.stack)
	layout.PinEdgesToSuperView(p.stack, foundation.EdgeInsets{Top: panelInset, Left: panelInset, Bottom: panelInset, Right: panelInset})
	return p
}

// newWebView replaces the web view (if any) with a new one on a new
// non-persistent data store, and observes its cookies.
func (p *signInWindow) newWebView() {
	p.dropWebView()
	conf := webkit.NewWebViewConfiguration()
	conf.SetWebsiteDataStore(webkit.WebsiteDataStore_NonPersistentDataStore())
	web := webkit.NewWebViewWithFrameConfiguration(foundation.Rect{Size: foundation.Size{Width: signInWidth, Height: signInHeight}}, conf)
	web.Retain() // until dropWebView: the stack's reference goes first there
	web.SetTranslatesAutoresizingMaskIntoConstraints(false)
	nav := &webkit.NavigationDelegate{}
	nav.SetWebViewDidFinishNavigation(func(w webkit.WebView, _ webkit.Navigation) {
		if w.Ptr() == p.web.Ptr() && p.w.IsVisible() {
			go p.ctrl.SignInPageLoaded()
			p.pageLoaded()
		}
	})
	failed := func(w webkit.WebView, _ webkit.Navigation, e foundation.Error) { p.loadFailed(w, e) }
	nav.SetWebViewDidFailProvisionalNavigationWithError(failed) // DNS, offline, TLS, nothing listening
	nav.SetWebViewDidFailNavigationWithError(failed)
	web.SetNavigationDelegate(nav)  // retained by the web view (associated object)
	p.stack.AddArrangedSubview(web) // retains it
	layout.SetMinWidth(web, signInWidth)
	layout.SetMinHeight(web, 400)
	p.web = web

	// WebKit holds cookie store observers weakly, and darwinkit's wrapper
	// is autoreleased: keep it until the web view is dropped.
	p.obs = objc.WrapAsProtocol[webkit.PHTTPCookieStoreObserver]("WKHTTPCookieStoreObserver", &cookieObserver{changed: p.cookiesChanged})
	p.obs.Retain()
	web.Configuration().WebsiteDataStore().HttpCookieStore().AddObserverObject(p.obs)
}

// dropWebView stops the web view, stops observing its cookies, removes it
// from the window and releases it (its page and data store with it).
func (p *signInWindow) dropWebView() {
	if p.web.Ptr() == nil {
		return
	}
	p.web.StopLoading()
	if p.obs.Ptr() != nil {
		p.web.Configuration().WebsiteDataStore().HttpCookieStore().RemoveObserverObject(p.obs)
		p.obs.Release()
		p.obs = objc.Object{}
	}
	p.stack.RemoveArrangedSubview(p.web)
	p.web.RemoveFromSuperview()
	p.web.Release() // newWebView's retain: the last one
	p.web = webkit.WebView{}
}

// render shows the window's texts from the published state.
func (p *signInWindow) render(s app.SignInPanel) {
	p.w.SetTitle(s.Title)
	setText(p.status, s.Status)
	setText(p.errTxt, s.Error)
}

// open shows the window on the sign-in page; a window not on screen gets a
// new web view and data store first, so no earlier session is reused.
func (p *signInWindow) open(s app.SignInPanel) {
	first := !p.w.IsVisible()
	if first || p.web.Ptr() == nil {
		p.newWebView()
	}
	p.render(s)
	page, err := p.ctrl.SignInPage()
	if err != nil {
		setText(p.errTxt, err.Error())
	} else {
		webkit.LoadURL(p.web, page)
	}
	if first {
		p.w.Center()
	}
	bringForward(p.w)
}

// close stops the page (its scripts and timers with it) and closes the
// window; the next open starts afresh.
func (p *signInWindow) close() {
	p.dropWebView()
	p.w.Close()
}

// loadFailed tells the controller why a page of the sign-in window did not
// load (the next published state words it). A load cancelled by a newer one
// (NSURLErrorCancelled) is not a failure.
func (p *signInWindow) loadFailed(w webkit.WebView, e foundation.Error) {
	if w.Ptr() != p.web.Ptr() || !p.w.IsVisible() {
		return
	}
	if e.Domain() == foundation.ErrorDomain("NSURLErrorDomain") && e.Code() == nsURLErrorCancelled {
		return
	}
	why, ctrl, loaded := e.LocalizedDescription(), p.ctrl, p.loaded
	go ctrl.SignInPageFailed(why)
	if loaded != nil {
		loaded(pageLoad{Err: "the sign-in page did not load: " + why})
	}
}

// nsURLErrorCancelled is NSURLErrorCancelled (NSURLError.h).
const nsURLErrorCancelled = -999

// cookiesChanged asks about the cookies once they have settled, in case
// the page signed in without a navigation.
func (p *signInWindow) cookiesChanged() {
	p.cookieGen++
	gen := p.cookieGen
	time.AfterFunc(cookieSettle, func() {
		onMain(func() {
			if gen == p.cookieGen && p.web.Ptr() != nil && p.w.IsVisible() {
				p.pageLoaded()
			}
		})
	})
}

// cookieObserver is a WKHTTPCookieStoreObserver; WebKit calls it on the
// main thread.
type cookieObserver struct{ changed func() }

func (o *cookieObserver) HasCookiesDidChangeInCookieStore() bool { return true }
func (o *cookieObserver) CookiesDidChangeInCookieStore(webkit.HTTPCookieStore) {
	o.changed()
}

// pageLoaded reads the web view's cookies and asks the controller whether
// they make a session; on yes the window closes.
func (p *signInWindow) pageLoaded() {
	if !p.w.IsVisible() {
		return
	}
	u := p.web.URL()
	if u.Ptr() == nil {
		return
	}
	page := u.AbsoluteString()
	store := p.web.Configuration().WebsiteDataStore().HttpCookieStore()
	allCookies(store, func(cookies []*http.Cookie) {
		ctrl, loaded := p.ctrl, p.loaded
		go func() {
			ok := ctrl.CompleteSignIn(page, cookies) // waits for the keychain
			if loaded != nil {
				loaded(pageLoad{URL: page, Cookies: len(cookies), SignedIn: ok})
			}
			if ok {
				onMain(p.close)
			}
		}()
	})
}

// allCookies reads every cookie of store and calls got with them on the
// main thread. The NSArray is received raw and its count read first:
// darwinkit's typed GetAllCookies converts it, which is undefined for an
// empty array (no cookie set yet).
func allCookies(store webkit.HTTPCookieStore, got func([]*http.Cookie)) {
	objc.Call[objc.Void](store, objc.Sel("getAllCookies:"), func(arr objc.Object) {
		var out []*http.Cookie
		if arr.Ptr() != nil {
			n := objc.Call[uint](arr, objc.Sel("count"))
			for i := uint(0); i < n; i++ {
				obj := objc.Call[objc.Object](arr, objc.Sel("objectAtIndex:"), i)
				if obj.Ptr() != nil {
					out = append(out, httpCookie(foundation.HTTPCookieFrom(obj.Ptr())))
				}
			}
		}
		got(out)
	})
}

// httpCookie copies an NSHTTPCookie's fields; a session cookie (no expiry
// date) has a zero Expires.
func httpCookie(c foundation.HTTPCookie) *http.Cookie {
	hc := &http.Cookie{Name: c.Name(), Value: c.Value(), Domain: c.Domain(), Path: c.Path(), Secure: c.IsSecure(), HttpOnly: c.IsHTTPOnly()}
	if d := c.ExpiresDate(); d.Ptr() != nil {
		sec, frac := math.Modf(float64(d.TimeIntervalSince1970()))
		hc.Expires = time.Unix(int64(sec), int64(frac*1e9))
	}
	return hc
}
