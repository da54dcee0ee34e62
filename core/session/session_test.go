package session

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func ccw(t *testing.T, json string) string {
	t.Helper()
	return base64.StdEncoding.EncodeToString([]byte(json))
}

func jwt(exp int64) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." +
		enc.EncodeToString([]byte(`{"sub":"x","exp":`+itoa(exp)+`}`)) + ".sig"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSignInURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://esp.gettyimages.com/api":   "https://esp.gettyimages.com/contribute/batches",
		"https://esp.gettyimages.com/api/":  "https://esp.gettyimages.com/contribute/batches",
		"http://127.0.0.1:8080/api":         "http://127.0.0.1:8080/contribute/batches",
		"http://127.0.0.1:8080/custom/api/": "http://127.0.0.1:8080/custom/contribute/batches",
	} {
		got, err := SignInURL(in)
		if err != nil || got != want {
			t.Errorf("SignInURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "esp.gettyimages.com", "ftp://x/api", "://"} {
		if _, err := SignInURL(bad); err == nil {
			t.Errorf("SignInURL(%q) gave no error", bad)
		}
	}
}

func TestCapture(t *testing.T) {
	tok := jwt(now.Add(time.Hour).Unix())
	good := []*http.Cookie{
		{Name: "ccw", Value: ccw(t, `{"sts_token":"`+tok+`","other":1}`), Domain: ".gettyimages.com", Path: "/"},
		{Name: "esp_session", Value: "abc", Domain: "esp.gettyimages.com"},
		{Name: "tracker", Value: "x", Domain: "example.com"},
		{Name: "old", Value: "x", Domain: "esp.gettyimages.com", Expires: now.Add(-time.Minute)},
	}
	api := "https://esp.gettyimages.com/api"
	s, ok := Capture(api, "https://esp.gettyimages.com/contribute/batches", good, now)
	if !ok {
		t.Fatal("Capture on a signed-in page with ccw: not signed in")
	}
	if s.BearerToken != tok {
		t.Errorf("BearerToken = %q, want the sts_token", s.BearerToken)
	}
	if len(s.Cookies) != 2 {
		t.Errorf("kept %d cookies, want 2 (ccw, esp_session): %v", len(s.Cookies), s.Cookies)
	}
	if want := time.Unix(now.Add(time.Hour).Unix(), 0).UTC(); !s.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v (JWT exp)", s.Expires, want)
	}
	if _, ok := Capture(api, "https://esp.gettyimages.com/sign-in?return_to=x", good, now); ok {
		t.Error("a sign-in page counted as signed in")
	}
	if _, ok := Capture(api, "https://evil.example/contribute", good, now); ok {
		t.Error("another host counted as signed in")
	}
	if _, ok := Capture(api, "https://esp.gettyimages.com/contribute/batches", good[1:], now); ok {
		t.Error("no ccw cookie counted as signed in")
	}
	// Clock skew: this computer's clock two hours past the token's expiry
	// does not decide (ESP's 401 does).
	if _, ok := Capture(api, "https://esp.gettyimages.com/contribute/batches", good, now.Add(2*time.Hour)); !ok {
		t.Error("a token past its expiry by the local clock was not captured")
	}
	bad := []*http.Cookie{{Name: "ccw", Value: "%%%not base64"}}
	if _, ok := Capture(api, "https://esp.gettyimages.com/contribute/batches", bad, now); ok {
		t.Error("a damaged ccw cookie counted as signed in")
	}
}

func TestFromPasted(t *testing.T) {
	c := ccw(t, `{"sts_token":"tok123","expires_at":"2026-11-29T13:00:00Z"}`)
	for _, in := range []string{
		"Cookie: a=1; ccw=" + c + "; b=2\n",
		"a=1; ccw=" + c,
		"cookie:a=1;ccw=" + c,
		"a=1; ccw=" + c + "; ", // as copied with a trailing separator
	} {
		s, err := FromPasted(in, now)
		if err != nil {
			t.Fatalf("FromPasted(%q): %v", in, err)
		}
		if s.BearerToken != "tok123" || len(s.Cookies) != 3 && len(s.Cookies) != 2 {
			t.Errorf("FromPasted(%q) = token %q, %d cookies", in, s.BearerToken, len(s.Cookies))
		}
		if !s.Expires.Equal(time.Date(2026, 11, 29, 13, 0, 0, 0, time.UTC)) {
			t.Errorf("Expires = %v", s.Expires)
		}
	}
	for in, want := range map[string]string{
		"  eyJabc.def.ghi  ": "eyJabc.def.ghi",
		"Bearer abc-123":     "abc-123",
		"abc==":              "abc==",
	} {
		s, err := FromPasted(in, now)
		if err != nil || s.BearerToken != want || len(s.Cookies) != 0 {
			t.Errorf("FromPasted(%q) = %+v, %v; want bare token %q", in, s, err, want)
		}
	}
	for _, in := range []string{"", "   \n", "Bearer two words", "a=1; b c; d=2", ";;", "tok\x1b[31m", strings.Repeat("a", MaxPastedBytes+1)} {
		if _, err := FromPasted(in, now); err == nil {
			t.Errorf("FromPasted(%q) gave no error", in)
		} else if len(in) > 3 && strings.Contains(err.Error(), in) {
			t.Errorf("the error quotes the pasted text: %v", err)
		}
	}
	// Clock skew: a session past its expiry by this computer's clock is
	// taken; `login` asks ESP whether it works.
	if _, err := FromPasted("ccw="+c, now.Add(2*time.Hour)); err != nil {
		t.Errorf("a session past its expiry by the local clock was refused: %v", err)
	}
}

func TestEncodeDecode(t *testing.T) {
	s := Session{
		Cookies: []*http.Cookie{
			{Name: "ccw", Value: "v1", Domain: "esp.gettyimages.com", Path: "/", Expires: now, Secure: true, HttpOnly: true},
			{Name: "b", Value: "v2"},
		},
		BearerToken: "tok",
		Expires:     now.Add(time.Hour),
	}
	got, err := Decode(s.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cookies) != 2 {
		t.Fatalf("round trip = %+v", got)
	}
	if c0 := got.Cookies[0]; got.BearerToken != "tok" || !got.Expires.Equal(s.Expires) ||
		c0.Name != "ccw" || c0.Value != "v1" || c0.Domain != "esp.gettyimages.com" || c0.Path != "/" || !c0.Expires.Equal(now) || !c0.Secure || !c0.HttpOnly ||
		got.Cookies[1].Name != "b" || got.Cookies[1].Value != "v2" || !got.Cookies[1].Expires.IsZero() {
		t.Errorf("round trip = %+v", got)
	}
	for _, bad := range []string{"", "{", `{"v":2,"bearer":"x"}`, `{"v":1}`, "user:pass"} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) gave no error", bad)
		}
	}
}
