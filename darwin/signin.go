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

// pageLoad is what the sign-in window saw when a page finished loading.
type pageLoad struct {
	URL      string
	Cookies  int
	SignedIn bool
}

// signInWindow is the "Sign in to ESP" window: a web view on the
// controller's SignInPage. Its website data store is non-persistent, so
// nothing of the sign-in stays in WebKit's own storage. After each page
// load it hands the page's address and every cookie to CompleteSignIn,
// which decides (core/session); when that says signed in, the window
// closes. Main thread only, except where noted.
type signInWindow struct {
	ctrl   *app.Controller
	w      appkit.Window
	web    webkit.WebView
	status appkit.TextField
	errTxt appkit.TextField
	// loaded, when set, hears of every page load (the self-test).
	loaded func(pageLoad)
}

func newSignInWindow(ctrl *app.Controller) *signInWindow {
	p := &signInWindow{ctrl: ctrl}
	p.w = newWindow("Sign in to ESP", signInWidth+2*panelInset, signInHeight)
	p.w.SetStyleMask(p.w.StyleMask() | appkit.WindowStyleMaskResizable)
	modals.closers["sign-in"] = p.close

	conf := webkit.NewWebViewConfiguration()
	conf.SetWebsiteDataStore(webkit.WebsiteDataStore_NonPersistentDataStore())
	p.web = webkit.NewWebViewWithFrameConfiguration(foundation.Rect{Size: foundation.Size{Width: signInWidth, Height: signInHeight}}, conf)
	p.web.SetTranslatesAutoresizingMaskIntoConstraints(false)
	nav := &webkit.NavigationDelegate{}
	nav.SetWebViewDidFinishNavigation(func(webkit.WebView, webkit.Navigation) { p.pageLoaded() })
	p.web.SetNavigationDelegate(nav) // retained by the web view (associated object)

	stack := appkit.NewVerticalStackView()
	stack.SetTranslatesAutoresizingMaskIntoConstraints(false)
	stack.SetAlignment(appkit.LayoutAttributeLeading)
	stack.SetSpacing(rowSpacing)
	stack.SetDetachesHiddenViews(true)
	p.status = label("")
	p.errTxt = label("")
	p.errTxt.SetTextColor(appkit.Color_SystemRedColor())
	stack.AddArrangedSubview(p.status)
	stack.AddArrangedSubview(p.errTxt)
	stack.AddArrangedSubview(p.web)
	p.w.ContentView().AddSubview(stack)
	layout.PinEdgesToSuperView(stack, foundation.EdgeInsets{Top: panelInset, Left: panelInset, Bottom: panelInset, Right: panelInset})
	layout.SetMinWidth(p.web, signInWidth)
	layout.SetMinHeight(p.web, 400)
	return p
}

// render shows the window's texts from the snapshot.
func (p *signInWindow) render(s app.SignInPanel) {
	p.w.SetTitle(s.Title)
	setText(p.status, s.Status)
	setText(p.errTxt, s.Error)
}

// open loads the sign-in page afresh and shows the window.
func (p *signInWindow) open(s app.SignInPanel) {
	p.render(s)
	page, err := p.ctrl.SignInPage()
	if err != nil {
		setText(p.errTxt, err.Error())
	} else {
		webkit.LoadURL(p.web, page)
	}
	first := !p.w.IsVisible()
	if first {
		p.w.Center()
	}
	bringForward(p.w)
}

// close stops loading and closes the window.
func (p *signInWindow) close() {
	p.web.StopLoading()
	p.w.Close()
}

// pageLoaded reads the web view's cookies and asks the controller whether
// they make a session; on yes the window closes.
func (p *signInWindow) pageLoaded() {
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
