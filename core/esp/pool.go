package esp

import "net/http"

// newTransport is the client's one HTTP transport when Config.HTTPClient
// brings none: http.DefaultTransport's settings (proxy from the
// environment, HTTP/2 where the host offers it over TLS) with enough idle
// connections kept per host for every request in flight. The default keeps
// two, so with MaxInFlight requests at once to one host (thumbnails, a
// batch list's pages) most connections were closed after their answer and
// dialled again for the next request.
func newTransport(maxInFlight int) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(maxInFlight, t.MaxIdleConnsPerHost)
	t.MaxIdleConns = max(t.MaxIdleConns, 2*t.MaxIdleConnsPerHost)
	return t
}
