// Package esp is Stocksync's client for the Getty Images ESP (Enterprise
// Submission Portal) API: submission batches, contributions (files),
// releases, thumbnails and release documents. It signs in with a browser
// session against ESP's web API (https://esp.gettyimages.com/api, the
// default: cookies and/or the ccw cookie's sts_token as Bearer; a 401, a
// redirect to a sign-in page or HTML where JSON belongs is ErrSignedOut), or
// with the 2016 partner API's OAuth2 password grant when Config.Session is nil.
//
// Everything that crosses the network goes through one http.Client whose
// transport bounds the number of requests in flight, rate-limits each host and
// counts requests per endpoint; the API host's rate and concurrency adapt
// (AIMD) to throttling (429, or 403 over a rate/QPS limit), which is waited
// out and never ends a sync; one retry loop handles 5xx, timeouts, stalled
// bodies and connection errors with exponential backoff and jitter, honouring
// Retry-After, and (partner API) fetches a fresh token once on a 401.
//
// Errors are typed so a UI can act on them: test them with errors.Is against
// ErrSignedOut, ErrBadCredentials, ErrForbidden, ErrNotFound, ErrRateLimited,
// ErrUnavailable, ErrMalformed, ErrValidation or ErrTooLarge, and read the
// details with errors.As into *Error. No error string ever carries a
// password, secret or token.
//
// The parts of the wire contract that no public source confirms (the reviews
// array, error body shapes, the update response) are kept in modeled.go so
// they can be corrected in one change; docs/esp-api.md describes the whole
// contract. Package espfake is a local server that speaks the same protocol.
package esp
