package app

import (
	"strings"
	"testing"
)

// A sign-in page that does not load says so in the window, with WebKit's
// reason; a page that loads, or opening the window again, clears it
// (review F6).
func TestSignInPageFailureShownAndCleared(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	want := "The ESP sign-in page did not load (The Internet connection appears to be offline). Check the internet connection, then choose Sign in to ESP… again."

	h.c.SignInPageFailed("The Internet connection appears to be offline.")
	h.await("the load failure", func(s State) bool { return s.SignIn.Error == want })
	h.c.SignInPageLoaded()
	h.await("the failure cleared by a load", func(s State) bool { return s.SignIn.Error == "" })

	h.c.SignInPageFailed("  ")
	s := h.await("a failure without a reason", func(s State) bool { return s.SignIn.Error != "" })
	if !strings.Contains(s.SignIn.Error, "(no reason given)") {
		t.Errorf("Error = %q, want it to say no reason was given", s.SignIn.Error)
	}
	h.c.OpenSignIn()
	h.await("the failure cleared by opening the window", func(s State) bool { return s.SignIn.Error == "" })
}
