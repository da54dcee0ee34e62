package esp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/session"
)

// Retries are decided by error types and values, never by error text
// (issue #14): an error that only says "connection reset" is not retried,
// a wrapped ECONNRESET is, and a certificate ESP's server does not pass is
// not (it stays the same however often it is tried).
func TestTransportErrorsAreClassifiedByType(t *testing.T) {
	urlErr := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://esp.example/oauth2/token", Err: err}
	}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"reset", urlErr(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), true},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"broken pipe", syscall.EPIPE, true},
		{"body cut off", fmt.Errorf("read body: %w", io.ErrUnexpectedEOF), true},
		{"deadline", context.DeadlineExceeded, true},
		{"dns", urlErr(&net.DNSError{Err: "no such host", Name: "esp.example", IsNotFound: true}), true},
		{"text only: reset", errors.New("read tcp: connection reset by peer"), false},
		{"text only: timeout", errors.New("i/o timeout"), false},
		{"text only: EOF", errors.New("unexpected EOF"), false},
		{"unknown authority", urlErr(x509.UnknownAuthorityError{}), false},
		{"wrong host", urlErr(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "esp.example"}), false},
		{"expired", urlErr(x509.CertificateInvalidError{Reason: x509.Expired}), false},
		{"verification", urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
	} {
		if got := isTransportError(c.err); got != c.want {
			t.Errorf("%s (%v): transient %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// A server whose certificate is not trusted is tried once, not
// MaxRetries+1 times, on the token endpoint (partner API) and on an API
// call (browser session): the call fails at once with ErrUnavailable.
func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		testUntrustedCertificate(t, func(url string) Config {
			return Config{APIRoot: url + "/esp", TokenURL: url + "/oauth2/token", APIKey: "k", APISecret: "s", Username: "u", Password: "p"}
		})
	})
	t.Run("session", func(t *testing.T) {
		testUntrustedCertificate(t, func(url string) Config {
			return Config{APIRoot: url + "/api", Session: &session.Session{BearerToken: "tok"}}
		})
	})
}

func testUntrustedCertificate(t *testing.T, config func(url string) Config) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request got through an untrusted certificate")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	cfg := config(srv.URL)
	cfg.MaxRetries, cfg.RetryBaseDelay, cfg.RetryMaxDelay = 3, time.Millisecond, time.Millisecond
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = c.VerifyCredentials(context.Background())
	if !errors.Is(err, ErrUnavailable) || !isCertificateError(err) {
		t.Fatalf("err = %v, want ErrUnavailable with the certificate error", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1: an untrusted certificate was retried", n)
	}
}
