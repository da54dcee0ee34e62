package session

import (
	"errors"
	"fmt"
	"strings"
)

// headerValue finds the session in text copied whole from a browser's
// developer tools rather than as one header value:
//
//   - a block of request headers ("Copy request headers" in Chrome, Edge and
//     Safari; "Copy Request Headers" in Firefox), with or without the request
//     line and HTTP/2 pseudo-headers such as ":authority:";
//   - a curl command ("Copy as cURL", bash or cmd style, on one line or
//     continued with backslashes), whose cookies are in -b/--cookie or in
//     -H 'cookie: …';
//   - one cookie per line (name=value), as copied from a cookie table.
//
// It returns the Cookie header value (or "Bearer <token>" from an
// Authorization header), found true when text was one of those, and an error
// when it was one of those but holds no session. It never quotes the text.
func headerValue(t string) (value string, found bool, err error) {
	t = strings.ReplaceAll(t, "\r\n", "\n")
	if isCurl(t) {
		return fromCurl(t)
	}
	if !strings.Contains(t, "\n") {
		return "", false, nil
	}
	lines := strings.Split(t, "\n")
	var cookie, auth string
	headers := 0
	for _, l := range lines {
		name, v, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok || name == "" || strings.ContainsAny(name, " =;") {
			continue
		}
		headers++
		switch strings.ToLower(name) {
		case "cookie":
			if cookie != "" {
				cookie += "; "
			}
			cookie += strings.TrimSpace(v)
		case "authorization":
			auth = strings.TrimSpace(v)
		}
	}
	switch {
	case cookie != "":
		return cookie, true, nil
	case auth != "":
		return auth, true, nil
	case headers > 0:
		return "", true, fmt.Errorf("the pasted request headers (%d lines) hold no Cookie or Authorization header: copy the headers of a request to ESP made while signed in", len(lines))
	}
	// One cookie per line.
	var parts []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, strings.TrimSuffix(l, ";"))
		}
	}
	return strings.Join(parts, "; "), true, nil
}

func isCurl(t string) bool {
	t = strings.TrimSpace(t)
	return len(t) > 5 && strings.EqualFold(t[:4], "curl") && (t[4] == ' ' || t[4] == '\t' || t[4] == '\n')
}

// fromCurl reads the cookies (or bearer token) out of a curl command.
func fromCurl(t string) (string, bool, error) {
	args, err := shellWords(t)
	if err != nil {
		return "", true, fmt.Errorf("the pasted curl command cannot be read (%v): copy it again, or copy only the Cookie header's value", err)
	}
	var cookie, auth string
	for i := 1; i < len(args); i++ {
		a := args[i]
		var v string
		switch {
		case (a == "-b" || a == "--cookie" || a == "-H" || a == "--header") && i+1 < len(args):
			v = args[i+1]
			i++
		case strings.HasPrefix(a, "--cookie="), strings.HasPrefix(a, "--header="):
			_, v, _ = strings.Cut(a, "=")
			a, _, _ = strings.Cut(a, "=")
		case strings.HasPrefix(a, "-b") || strings.HasPrefix(a, "-H"):
			v, a = a[2:], a[:2]
		default:
			continue
		}
		if a == "-b" || a == "--cookie" {
			if strings.Contains(v, "=") { // else a cookie file name
				cookie = joinCookies(cookie, v)
			}
			continue
		}
		name, hv, ok := strings.Cut(v, ":")
		switch {
		case ok && strings.EqualFold(strings.TrimSpace(name), "cookie"):
			cookie = joinCookies(cookie, strings.TrimSpace(hv))
		case ok && strings.EqualFold(strings.TrimSpace(name), "authorization"):
			auth = strings.TrimSpace(hv)
		}
	}
	switch {
	case cookie != "":
		return cookie, true, nil
	case auth != "":
		return auth, true, nil
	}
	return "", true, errors.New("the pasted curl command sends no cookies: copy a request to ESP made while signed in (Copy as cURL), or only its Cookie header's value")
}

func joinCookies(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// shellWords splits a command as a POSIX shell would for the quoting a
// browser's "Copy as cURL" uses: '…', "…" with backslash escapes, $'…',
// backslash-newline continuations, and cmd.exe's ^ continuations and ^"
// escapes. Variables and globs are left as they are.
func shellWords(s string) ([]string, error) {
	var words []string
	var b strings.Builder
	in := false
	flush := func() {
		if in {
			words = append(words, b.String())
			b.Reset()
			in = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n', c == '^' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case c == '^' && i+1 < len(s):
			b.WriteByte(s[i+1])
			in = true
			i++
		case c == ' ' || c == '\t' || c == '\n':
			flush()
		case c == '\'' || (c == '$' && i+1 < len(s) && s[i+1] == '\''):
			if c == '$' {
				i++
			}
			j := strings.IndexByte(s[i+1:], '\'')
			for c == '$' && j > 0 && s[i+j] == '\\' { // \' inside $'…'
				k := strings.IndexByte(s[i+j+2:], '\'')
				if k < 0 {
					j = -1
					break
				}
				j += k + 1
			}
			if j < 0 {
				return nil, errors.New("a quote is not closed")
			}
			seg := s[i+1 : i+1+j]
			if c == '$' {
				seg = strings.NewReplacer(`\'`, `'`, `\\`, `\`, `\"`, `"`).Replace(seg)
			}
			b.WriteString(seg)
			in = true
			i += j + 1
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("a quote is not closed")
			}
			in = true
		case c == '\\' && i+1 < len(s):
			b.WriteByte(s[i+1])
			in = true
			i++
		default:
			b.WriteByte(c)
			in = true
		}
	}
	flush()
	return words, nil
}
