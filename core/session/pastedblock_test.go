package session

import (
	"strings"
	"testing"
	"time"
)

// Found by breaking issue #10: the sign-in hint says "copy the Cookie header
// of any request", and the developer tools copy more than the value: Firefox's
// "Copy Request Headers" and Chrome's "Copy request headers" give the whole
// block, "Copy as cURL" a command. Each was refused with "part 1 of the
// pasted Cookie header is not name=value".
func TestFromPastedHeaderBlocksAndCurl(t *testing.T) {
	c := ccw(t, `{"sts_token":"tok123","expires_at":"2026-11-29T13:00:00Z"}`)
	cookies := "a=1; ccw=" + c + "; b=2"
	for name, in := range map[string]string{
		"firefox headers":  "GET /api/submission/v1/submission_batches HTTP/2\nHost: esp.gettyimages.com\nUser-Agent: Mozilla/5.0\nAccept: application/json\nCookie: " + cookies + "\nSec-Fetch-Mode: cors\n",
		"chrome http/2":    ":authority: esp.gettyimages.com\r\n:method: GET\r\n:path: /api/x\r\naccept: application/json\r\ncookie: " + cookies + "\r\nuser-agent: Mozilla/5.0\r\n",
		"two cookie lines": "Host: esp.gettyimages.com\ncookie: a=1\ncookie: ccw=" + c + "; b=2\n",
		"curl bash":        "curl 'https://esp.gettyimages.com/api/x' \\\n  -H 'accept: application/json' \\\n  -b '" + cookies + "' \\\n  -H 'user-agent: Mozilla/5.0'",
		"curl -H cookie":   "curl 'https://esp.gettyimages.com/api/x' -H 'accept: */*' -H 'cookie: " + cookies + "' --compressed",
		"curl $'…'":        "curl $'https://esp.gettyimages.com/api/x' -H $'cookie: " + cookies + "'",
		"curl cmd":         "curl \"https://esp.gettyimages.com/api/x\" ^\n  -H \"accept: application/json\" ^\n  -b \"" + cookies + "\"",
		"curl --cookie=":   "curl --cookie=\"" + cookies + "\" https://esp.gettyimages.com/api/x",
		"one per line":     "a=1\nccw=" + c + "\nb=2\n",
	} {
		s, err := FromPasted(in, now)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s.BearerToken != "tok123" || len(s.Cookies) != 3 {
			t.Errorf("%s: token %q, %d cookies; want tok123 and 3", name, s.BearerToken, len(s.Cookies))
		}
	}
	for name, in := range map[string]string{
		"authorization header": "GET /api/x HTTP/1.1\nHost: esp.gettyimages.com\nAuthorization: Bearer tok456\n",
		"curl bearer":          "curl 'https://esp.gettyimages.com/api/x' -H 'Authorization: Bearer tok456'",
	} {
		s, err := FromPasted(in, now)
		if err != nil || s.BearerToken != "tok456" || len(s.Cookies) != 0 {
			t.Errorf("%s: %+v, %v; want bare token tok456", name, s, err)
		}
	}
	for name, in := range map[string]string{
		"headers without cookie": "GET /api/x HTTP/2\nHost: esp.gettyimages.com\nAccept: secret-looking-value\n",
		"curl without cookie":    "curl 'https://esp.gettyimages.com/api/x' -H 'accept: secret-looking-value'",
		"curl open quote":        "curl 'https://esp.gettyimages.com/api/x -b 'secret-looking-value=1",
	} {
		_, err := FromPasted(in, now)
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "secret-looking-value") {
			t.Errorf("%s: the error quotes the pasted text: %v", name, err)
		}
	}
	if _, err := FromPasted("Host: x\ncookie: ccw="+c+"\n", now.Add(2*time.Hour)); err != nil {
		t.Errorf("a header block past its expiry by the local clock was refused: %v", err)
	}
}

// Pasted text never panics.
func FuzzFromPasted(f *testing.F) {
	for _, s := range []string{"curl 'x' -b 'a=1'", "curl $'a\\'b' -H $'cookie: a=1'", "Host: x\ncookie: a=1", "a=1\nb=2", "curl ^\n^", "curl \"\\", "curl -b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		FromPasted(in, now)
	})
}
