package esp

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Kinds of failure a caller can act on; test with errors.Is.
var (
	// ErrBadCredentials: the token endpoint refused the username, password,
	// API key or secret, or the API kept refusing fresh tokens.
	ErrBadCredentials = errors.New("ESP refused the sign-in")
	// ErrSignedOut: the ESP session is missing or has expired: a 401
	// (web API: {"ErrorCode":"TokenRequired"}), a redirect to a sign-in
	// page, or an HTML page where JSON was expected. Sign in again; nothing
	// is retried.
	ErrSignedOut = errors.New("signed out of ESP")
	// ErrForbidden: 403, the account lacks rights; Error.Message has the server's words.
	ErrForbidden = errors.New("the ESP account has no rights for this")
	// ErrNotFound: 404, the batch or contribution does not exist (any more).
	ErrNotFound = errors.New("not found on ESP")
	// ErrRateLimited: 429 after all retries, or a Retry-After too long to wait.
	ErrRateLimited = errors.New("ESP is limiting the request rate")
	// ErrUnavailable: 5xx, timeouts or connection errors after all retries.
	ErrUnavailable = errors.New("ESP is unavailable")
	// ErrMalformed: the response could not be understood; Error.Message says
	// what was wrong.
	ErrMalformed = errors.New("ESP sent a malformed response")
	// ErrValidation: 422, ESP refused a change (e.g. the file was already
	// submitted); Error.Fields has the messages per field.
	ErrValidation = errors.New("ESP refused the change")
	// ErrTooLarge: a response was larger than the configured limit.
	ErrTooLarge = errors.New("ESP response too large")
	// ErrUnexpected: any other refusal (e.g. 400, 405).
	ErrUnexpected = errors.New("ESP refused the request")
)

// Error is every error the client returns for a failed call (apart from
// context cancellation and invalid arguments).
type Error struct {
	Endpoint   string              // e.g. "contributions.get"
	Kind       error               // one of the Err* values above
	Status     int                 // HTTP status, 0 when there was no response
	Message    string              // the server's message, or what was wrong with the response
	Fields     map[string][]string // validation messages per field (422)
	RetryAfter time.Duration       // the server's Retry-After, when it sent one
	Err        error               // underlying cause, if any (never carries secrets)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i == 0 {
				b.WriteString(": ")
			} else {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s %s", k, strings.Join(e.Fields[k], ", "))
		}
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is match both the kind and the cause (e.g. context.DeadlineExceeded).
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Hint is a sentence a UI can show saying what the user can do.
func (e *Error) Hint() string {
	switch e.Kind {
	case ErrBadCredentials:
		return "Check the ESP username, password and API key in Settings."
	case ErrSignedOut:
		return "Sign in to ESP again."
	case ErrForbidden:
		return "Your ESP account lacks rights for this; contact Getty Images contributor support."
	case ErrNotFound:
		return "It was removed on ESP; sync again to update the local copy."
	case ErrRateLimited:
		return "ESP asked Stocksync to slow down; try again in a few minutes."
	case ErrUnavailable:
		return "ESP or the network is not answering; try again later."
	case ErrMalformed, ErrTooLarge:
		return "ESP answered something Stocksync does not understand; try again later, and report it if it persists."
	case ErrValidation:
		return "Fix the fields ESP named, or leave files that were already submitted unchanged."
	}
	return "Try again later."
}

func malformed(endpoint, format string, args ...any) *Error {
	return &Error{Endpoint: endpoint, Kind: ErrMalformed, Message: fmt.Sprintf(format, args...)}
}

// scrubURLError drops the query string and user info from URLs in
// url.Errors: thumbnail URLs may carry signed query parameters.
func scrubURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}
